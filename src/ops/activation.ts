// Activations: ReLU family, sigmoid, tanh, softmax and log-softmax (numerically stable), dropout.
import { Tensor } from '../tensor/tensor.js';
import { type TypedArray, allocate, isFloat } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { mul, sub, unaryConst } from './arithmetic.js';
import { sum } from './reduce.js';
import { sigmoidBackwardRef, sigmoidRef, tanhBackwardRef, tanhRef } from './activation-kernels.js';
import { defineActivation } from './define-activation.js';
import type { ActivationArgs, ActivationBackwardArgs, FloatArray } from '../backend/backend.js';
import { runKernel } from '../backend/registry.js';
import { relu6BackwardRef, relu6Ref, reluBackwardRef, reluRef } from '../backend/js/pointwise.js';
import { type Generator, defaultGenerator } from '../util/random.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    relu: ActivationArgs;
    reluBackward: ActivationBackwardArgs;
    relu6: ActivationArgs;
    relu6Backward: ActivationBackwardArgs;
    sigmoid: ActivationArgs;
    sigmoidBackward: ActivationBackwardArgs;
    tanh: ActivationArgs;
    tanhBackward: ActivationBackwardArgs;
  }
}

/** max(0, x); NaN passes. */
export const relu = defineActivation({
  name: 'relu',
  backwardName: 'reluBackward',
  gradFrom: 'input',
  reference: reluRef,
  referenceBackward: reluBackwardRef,
});

/**
 * The gradient through a ReLU fused into the op that produced y (its output): dy where y > 0, else 0
 * (y > 0 exactly where the pre-activation was).
 */
export function reluBackwardFromOutput(y: TypedArray, dy: Tensor): Tensor {
  const dz = allocate(dy.dtype, y.length) as FloatArray;
  runKernel('reluBackward', y as FloatArray, dy.data as FloatArray, dz);
  return new Tensor(dz, dy.shape);
}

/** min(max(0, x), 6), as in MobileNet. */
export const relu6 = defineActivation({
  name: 'relu6',
  backwardName: 'relu6Backward',
  gradFrom: 'input',
  reference: relu6Ref,
  referenceBackward: relu6BackwardRef,
});

export const sigmoid = defineActivation({
  name: 'sigmoid',
  backwardName: 'sigmoidBackward',
  gradFrom: 'output',
  reference: sigmoidRef,
  referenceBackward: sigmoidBackwardRef,
});

export const tanh = defineActivation({
  name: 'tanh',
  backwardName: 'tanhBackward',
  gradFrom: 'output',
  reference: tanhRef,
  referenceBackward: tanhBackwardRef,
});

export { leakyRelu } from './leaky-relu.js';

/** View x as [outer, n, inner] around axis. */
function around(x: Tensor, axis: number, opName: string): [number, number, number] {
  const a = normalizeAxis(axis, x.ndim, opName);
  return [sizeOf(x.shape.slice(0, a)), x.shape[a], sizeOf(x.shape.slice(a + 1))];
}

function softmaxLoop(x: Tensor, axis: number, opName: string, logOutput: boolean): Tensor {
  if (!isFloat(x.dtype)) throw new Error(`${opName}: expects a float tensor, got ${x.dtype}`);
  const [outer, n, inner] = around(x, axis, opName);
  if (x.isShapeOnly) return shapeOnly(x.shape, { dtype: x.dtype });
  const out = allocate(x.dtype, x.size);
  const xs = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let k = 0; k < n; k++) max = Math.max(max, xs[base + k * inner]);
      let total = 0;
      for (let k = 0; k < n; k++) total += Math.exp(xs[base + k * inner] - max);
      const logTotal = Math.log(total);
      for (let k = 0; k < n; k++) {
        const z = xs[base + k * inner] - max;
        out[base + k * inner] = logOutput ? z - logTotal : Math.exp(z) / total;
      }
    }
  }
  return new Tensor(out, x.shape);
}

/** exp(x) / sum(exp(x)) along axis, computed stably. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const out = softmaxLoop(x, axis, 'softmax', false);
  // dx = y * (dy - sum(dy * y))
  return record(out, 'softmax', [x], (dy) => [() => mul(out, sub(dy, sum(mul(dy, out), axis, true)))]);
}

/** x - logsumexp(x) along axis, computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const out = softmaxLoop(x, axis, 'logSoftmax', true);
  // dx = dy - softmax(x) * sum(dy)
  return record(out, 'logSoftmax', [x], (dy) => [
    () => sub(dy, mul(unaryConst(out, Math.exp), sum(dy, axis, true))),
  ]);
}

export interface DropoutOptions {
  training?: boolean;
  generator?: Generator;
}

/** Zero each value with probability p and scale the rest by 1/(1-p) (inverted dropout); identity in eval. */
export function dropout(x: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: probability p must be in [0, 1), got ${p}`);
  if (options.training === false || p === 0) return x;
  const g = options.generator ?? defaultGenerator();
  const scale = 1 / (1 - p);
  if (x.isShapeOnly) return mul(x, shapeOnly(x.shape, { dtype: isFloat(x.dtype) ? x.dtype : 'float32' }));
  const mask = allocate(isFloat(x.dtype) ? x.dtype : 'float32', x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = g.random() < p ? 0 : scale;
  return mul(x, new Tensor(mask, x.shape));
}
