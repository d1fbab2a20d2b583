// A Linear after a Flatten reads the feature map in ConvKit's (h, w, c) order; PyTorch flattened (c, h, w).
// Transposing such a weight is not enough: its rows must be reordered too. Which Linear layers read a
// flattened map, and its [H, W, C], is found by running the model once on zeros and following each Linear's
// input back through shape-preserving ops (ReLU, Dropout, ...) to a reshape of a 4-D tensor, so a Flatten
// layer and a functional flatten in a custom forward are both found.
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { Module } from '../../nn/module.js';
import { Linear } from '../../nn/layers.js';
import { permute } from '../../ops/movement.js';

/** Names of the Linear layers that read a flattened [H, W, C] map (H * W > 1), with that shape. */
export function flattenedLinearInputs(module: Module, inputShape: readonly [number, number, number]): Map<string, [number, number, number]> {
  const found = new Map<string, [number, number, number]>();
  const linears = module.namedModules().filter(([, m]) => m instanceof Linear);
  const removers = linears.map(([name, linear]) =>
    linear.registerForwardHook((_m, inputs) => {
      const shape = inputs[0] instanceof Tensor ? flattenedFrom(inputs[0]) : null;
      if (shape && shape[0] * shape[1] > 1) found.set(name, shape);
    }),
  );
  const modes = module.namedModules().map(([, m]) => [m, m.training] as const);
  module.eval();
  try {
    const x = new Tensor(new Float32Array(inputShape[0] * inputShape[1] * inputShape[2]), [1, ...inputShape]).requiresGrad_();
    module.forward(x);
  } catch (error) {
    throw new Error(`loadTorchStateDict: could not run the model on an input of ${formatShape([1, ...inputShape])} to find the Linear layers after a Flatten: ${(error as Error).message}`, { cause: error });
  } finally {
    for (const remove of removers) remove();
    for (const [m, training] of modes) m.training = training;
  }
  return found;
}

/** The [H, W, C] that a [1, H*W*C] tensor was flattened from, through ops that keep its shape; else null. */
function flattenedFrom(t: Tensor): [number, number, number] | null {
  let current = t;
  while (current.node && current.ndim === 2) {
    const { op, inputs } = current.node;
    if (op === 'reshape') {
      const source = inputs[0];
      return source.ndim === 4 && source.shape[0] === current.shape[0] ? [source.shape[1], source.shape[2], source.shape[3]] : null;
    }
    const [input] = inputs;
    if (inputs.length !== 1 || input.ndim !== 2 || input.shape[0] !== current.shape[0] || input.shape[1] !== current.shape[1]) return null;
    current = input;
  }
  return null;
}

/** PyTorch dense weight [out, C*H*W] (rows of (c, h, w)) -> ConvKit's [H*W*C, out] (rows of (h, w, c)). */
export function fromOutCHW(weight: Tensor, [h, w, c]: readonly [number, number, number]): Tensor {
  if (weight.ndim !== 2 || weight.shape[1] !== c * h * w) {
    throw new Error(`fromOutCHW: expected a dense weight [out, ${c * h * w}] reading a flattened ${c}x${h}x${w} map, got ${formatShape(weight.shape)}`);
  }
  const out = weight.shape[0];
  return permute(weight.detach().reshape([out, c, h, w]), [2, 3, 1, 0]).reshape([h * w * c, out]);
}
