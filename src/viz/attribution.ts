// What the attribution methods (saliency, SmoothGrad, Grad-CAM, occlusion) share: the image as a batch of
// one, the class they explain (by default the model's top one) and its score, and running the model in eval
// mode with its parameters frozen, so that only the gradients the method needs are computed and the model's
// own state (training flag, requiresGrad, .grad) is as it was afterwards.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { AnyModule } from '../nn/module.js';

export interface AttributionOptions {
  /**
   * The output unit explained: an index into the model's output for one image (flattened), i.e. the class.
   * Default: the model's highest output on the image.
   */
  target?: number;
}

export interface Attribution {
  /** The heat map [H, W], at the image's size. */
  map: Tensor;
  /** The output unit explained, and the model's output for it on the unchanged image. */
  target: number;
  score: number;
}

/** The image [H, W, C] or [1, H, W, C] as a batch of one, detached. */
export function asBatchOfOne(image: Tensor, fn: string): Tensor {
  if (!(image instanceof Tensor) || !(image.ndim === 3 || (image.ndim === 4 && image.shape[0] === 1))) {
    const got = image instanceof Tensor ? formatShape(image.shape) : typeof image;
    throw new Error(`${fn}: the image must be one image [H, W, C] or [1, H, W, C] as the model takes it, got ${got}`);
  }
  if (image.dtype !== 'float32' && image.dtype !== 'float64') throw new Error(`${fn}: the image must be float32 or float64, got ${image.dtype}`);
  return (image.ndim === 3 ? image.unsqueeze(0) : image).detach();
}

/** The model's outputs per image of a batch, as [N, units]. */
export function outputsPerImage(output: unknown, batch: number, fn: string): Tensor {
  if (!(output instanceof Tensor) || output.ndim < 1 || output.shape[0] !== batch) {
    const got = output instanceof Tensor ? formatShape(output.shape) : typeof output;
    throw new Error(`${fn}: the model must return one tensor with a row per image ([${batch}, classes]), got ${got}`);
  }
  return output.reshape([batch, output.size / batch]);
}

/** The explained unit: `target` checked against the output's size, or the output's argmax. */
export function resolveTarget(outputs: Tensor, target: number | undefined, fn: string): number {
  const units = outputs.shape[1];
  if (target === undefined) return noGrad(() => outputs.narrow(0, 0, 1).argmax(-1).item());
  if (!Number.isInteger(target) || target < 0 || target >= units) {
    throw new Error(`${fn}: target must be an integer in [0, ${units - 1}] (the model has ${units} outputs per image), got ${target}`);
  }
  return target;
}

/** The model's outputs on x (a batch of one) with the target resolved and its score. */
export function scoreImage(model: AnyModule, x: Tensor, target: number | undefined, fn: string): { target: number; score: number } {
  const outputs = noGrad(() => outputsPerImage(model.forward(x), 1, fn));
  const t = resolveTarget(outputs, target, fn);
  return { target: t, score: Number(outputs.data[t]) };
}

/** Run fn with the model in eval mode and its parameters frozen; restore both afterwards. */
export function inAttributionMode<T>(model: AnyModule, fn: () => T): T {
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  const parameters = model.parameters();
  const needsGrad = parameters.map((p) => p.requiresGrad);
  model.eval();
  for (const p of parameters) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const [m, training] of modes) m.training = training;
    parameters.forEach((p, i) => (p.requiresGrad = needsGrad[i]));
  }
}

/** Find a named sub-module, or say which names exist. */
export function findLayer(model: AnyModule, layerName: string, fn: string): AnyModule {
  const modules = new Map(model.namedModules());
  const layer = typeof layerName === 'string' && layerName !== '' ? modules.get(layerName) : undefined;
  if (!layer) {
    const known = [...modules.keys()].filter(Boolean);
    const shown = known.length > 40 ? `${known.slice(0, 40).join(', ')}, ... (${known.length} in all)` : known.join(', ');
    throw new Error(`${fn}: no layer named ${JSON.stringify(layerName)} in the model; its layers are: ${shown}`);
  }
  return layer;
}
