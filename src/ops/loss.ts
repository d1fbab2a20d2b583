// Losses: softmax cross-entropy from logits (optional label smoothing), negative log-likelihood, mean
// squared error, the texts' sum-of-squares error 1/2 * sum((target - output)^2), binary cross-entropy
// with logits.
import { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { oneHot } from '../tensor/create.js';
import { allocate } from '../tensor/dtype.js';
import { record } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { add, mul, neg, sub } from './arithmetic.js';
import { logSoftmax, sigmoid } from './activation.js';
import { mean, sum } from './reduce.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(x: Tensor, reduction: Reduction, opName: string): Tensor {
  if (reduction === 'mean') return mean(x);
  if (reduction === 'sum') return sum(x);
  if (reduction === 'none') return x;
  throw new Error(`${opName}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
}

/** Target distribution from int32 labels [N] or probabilities [N, C]. */
function targetDistribution(logits: Tensor, target: Tensor, labelSmoothing: number, opName: string): Tensor {
  const classes = logits.shape[logits.ndim - 1];
  let dist: Tensor;
  if (target.dtype === 'int32' || target.ndim === logits.ndim - 1) {
    if (!shapesEqual(target.shape, logits.shape.slice(0, -1))) {
      throw new Error(`${opName}: labels ${formatShape(target.shape)} do not match logits ${formatShape(logits.shape)} (expected ${formatShape(logits.shape.slice(0, -1))})`);
    }
    if (target.isShapeOnly) {
      dist = shapeOnly(logits.shape, { dtype: logits.dtype }); // labels without values: none to check
    } else {
      for (let i = 0; i < target.size; i++) {
        const c = target.data[i];
        if (!Number.isInteger(c) || c < 0 || c >= classes) {
          throw new Error(`${opName}: label ${c} at index ${i} is outside 0..${classes - 1} for logits ${formatShape(logits.shape)}`);
        }
      }
      dist = oneHot(target, classes, { dtype: logits.dtype });
    }
  } else {
    if (!shapesEqual(target.shape, logits.shape)) {
      throw new Error(`${opName}: target probabilities ${formatShape(target.shape)} do not match logits ${formatShape(logits.shape)}`);
    }
    dist = target;
  }
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new Error(`${opName}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  if (labelSmoothing > 0) dist = add(mul(dist, 1 - labelSmoothing), labelSmoothing / classes);
  return dist;
}

export interface CrossEntropyOptions {
  labelSmoothing?: number;
  reduction?: Reduction;
}

/** Softmax cross-entropy from raw scores: logits [N, C], target int32 labels [N] or probabilities [N, C]. */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  if (logits.ndim < 2) throw new Error(`crossEntropy: logits must be [batch, classes], got ${formatShape(logits.shape)}`);
  const dist = targetDistribution(logits, target, options.labelSmoothing ?? 0, 'crossEntropy');
  const perSample = neg(sum(mul(dist, logSoftmax(logits, -1)), -1));
  return reduce(perSample, options.reduction ?? 'mean', 'crossEntropy');
}

/** Negative log-likelihood of log-probabilities [N, C] for int32 labels [N]. */
export function nllLoss(logProbs: Tensor, labels: Tensor, reduction: Reduction = 'mean'): Tensor {
  const dist = targetDistribution(logProbs, labels, 0, 'nllLoss');
  return reduce(neg(sum(mul(dist, logProbs), -1)), reduction, 'nllLoss');
}

function checkSame(output: Tensor, target: Tensor, opName: string): void {
  if (!shapesEqual(output.shape, target.shape)) {
    throw new Error(`${opName}: output ${formatShape(output.shape)} and target ${formatShape(target.shape)} must have the same shape`);
  }
}

/** mean((output - target)^2). */
export function mseLoss(output: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkSame(output, target, 'mseLoss');
  const d = sub(output, target);
  return reduce(mul(d, d), reduction, 'mseLoss');
}

/** The texts' total error: 1/2 * sum((target - output)^2). */
export function sumSquaredError(output: Tensor, target: Tensor): Tensor {
  checkSame(output, target, 'sumSquaredError');
  const d = sub(target, output);
  return mul(sum(mul(d, d)), 0.5);
}

/**
 * Binary cross-entropy on raw scores, stable form: max(x, 0) - x*z + log(1 + exp(-|x|)).
 * A primitive so the gradient is exactly sigmoid(x) - z, also at x = 0 where the composite has a kink.
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkSame(logits, target, 'binaryCrossEntropyWithLogits');
  if (anyShapeOnly(logits, target)) return reduce(shapeOnly(logits.shape, { dtype: logits.dtype }), reduction, 'binaryCrossEntropyWithLogits');
  const x = logits.data;
  const z = target.data;
  const out = allocate(logits.dtype, logits.size);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(x[i], 0) - x[i] * z[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
  const loss = record(new Tensor(out, logits.shape), 'binaryCrossEntropyWithLogits', [logits, target], (dy) => [
    () => mul(dy, sub(sigmoid(logits.detach()), target.detach())),
    () => mul(dy, neg(logits.detach())),
  ]);
  return reduce(loss, reduction, 'binaryCrossEntropyWithLogits');
}
