// The reduction every loss takes, and the classification losses: softmax cross-entropy from logits and the
// negative log-likelihood of log-probabilities, with class weights, an ignored label and label smoothing, by
// PyTorch's rules. Regression losses are in loss-regression.ts, binary ones in loss-binary.ts.
import { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { mul, neg } from './arithmetic.js';
import { logSoftmax } from './activation.js';
import { mean, sum } from './reduce.js';

export type Reduction = 'mean' | 'sum' | 'none';

/** The losses' `reduction` option, checked: opName names the loss in the error. */
export function applyReduction(x: Tensor, reduction: Reduction | undefined, opName: string): Tensor {
  const r = reduction ?? 'mean';
  if (r === 'mean') {
    assertSamplesForMean(x.size, x.shape, opName);
    return mean(x);
  }
  if (r === 'sum') return sum(x);
  if (r === 'none') return x;
  throw new Error(`${opName}: reduction must be 'mean', 'sum' or 'none', got '${String(r)}'`);
}

/** A mean over no samples is 0 / 0: an empty batch is refused rather than turned into NaN (or a silent 0). */
function assertSamplesForMean(samples: number, shape: readonly number[], opName: string): void {
  if (samples === 0) {
    throw new Error(`${opName}: the batch is empty (input ${formatShape(shape)}), so its mean loss is undefined; reduction 'sum' gives 0`);
  }
}

/**
 * Catches a reduction passed where the options object goes (the signature before issue 9), which would
 * otherwise be read as no options and silently give the mean.
 */
export function checkLossOptions(options: unknown, opName: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new Error(`${opName}: options must be an object such as { reduction: 'sum' }, got ${JSON.stringify(options)} (reduction is no longer positional)`);
  }
}

export interface ClassLossOptions {
  /** A rescaling weight per class, [C]: a label's loss is multiplied by its class's weight. */
  weight?: Tensor | null;
  /** Labels equal to it add nothing to the loss or the mean's denominator (default -100, as PyTorch). */
  ignoreIndex?: number;
  /**
   * 'mean' (default): the sum divided by the summed weights of the labels not ignored (their count when there
   * is no weight), PyTorch's weighted mean; 0 when nothing is left (PyTorch gives NaN). 'sum', or 'none' for
   * the loss per label (0 where ignored).
   */
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mix the target with the uniform distribution: (1 - s) * target + s / C (default 0). */
  labelSmoothing?: number;
}

/**
 * Softmax cross-entropy from raw scores: logits [..., C] (classes last), target int32 labels [...] or
 * probabilities [..., C].
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  if (logits.ndim < 2) throw new Error(`crossEntropy: logits must be [batch, classes], got ${formatShape(logits.shape)}`);
  return classLoss(logSoftmax(logits, -1), target, options, options?.labelSmoothing ?? 0, 'crossEntropy');
}

/** Negative log-likelihood of log-probabilities [..., C] for int32 labels [...]. */
export function nllLoss(logProbs: Tensor, labels: Tensor, options: ClassLossOptions = {}): Tensor {
  if (logProbs.ndim < 2) throw new Error(`nllLoss: log-probabilities must be [batch, classes], got ${formatShape(logProbs.shape)}`);
  return classLoss(logProbs, labels, options, 0, 'nllLoss');
}

/** -sum_c target_c * w_c * logp_c per sample, reduced with PyTorch's weighted mean. */
function classLoss(logp: Tensor, target: Tensor, options: ClassLossOptions, labelSmoothing: number, opName: string): Tensor {
  checkLossOptions(options, opName);
  const classes = logp.shape[logp.ndim - 1];
  if (classes === 0) throw new Error(`${opName}: input ${formatShape(logp.shape)} has no classes (its last dimension is 0)`);
  if ((options.reduction ?? 'mean') === 'mean') assertSamplesForMean(logp.size / classes, logp.shape, opName);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new Error(`${opName}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const weight = checkWeight(options.weight ?? null, classes, opName);
  const byLabel = target.dtype === 'int32' || target.ndim === logp.ndim - 1;
  const { dist, total } = byLabel
    ? labelDistribution(logp, target, weight, options.ignoreIndex ?? -100, labelSmoothing, opName)
    : probabilityDistribution(logp, target, weight, options.ignoreIndex, labelSmoothing, opName);
  const perSample = neg(sum(mul(dist, logp), -1));
  if ((options.reduction ?? 'mean') !== 'mean') return applyReduction(perSample, options.reduction, opName);
  return mul(sum(perSample), total === 0 ? 0 : 1 / total);
}

function checkWeight(weight: Tensor | null, classes: number, opName: string): Tensor | null {
  if (weight === null) return null;
  if (!isFloat(weight.dtype) || weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new Error(`${opName}: weight must be a float tensor [${classes}] (one per class), got ${weight.dtype} ${formatShape(weight.shape)}`);
  }
  return weight;
}

/**
 * From labels: w_c * ((1 - s) * onehot + s / C) per sample, zero rows where the label is ignored; total is
 * the mean's denominator, the summed weights of the labels kept.
 */
function labelDistribution(logp: Tensor, labels: Tensor, weight: Tensor | null, ignoreIndex: number, s: number, opName: string): { dist: Tensor; total: number } {
  const classes = logp.shape[logp.ndim - 1];
  const scores = `${opName === 'nllLoss' ? 'log-probabilities' : 'logits'} ${formatShape(logp.shape)}`;
  if (!shapesEqual(labels.shape, logp.shape.slice(0, -1))) {
    throw new Error(`${opName}: labels ${formatShape(labels.shape)} do not match ${scores} (expected ${formatShape(logp.shape.slice(0, -1))})`);
  }
  if (labels.isShapeOnly) return { dist: shapeOnly(logp.shape, { dtype: logp.dtype }), total: 1 }; // no values to check or weigh
  const w = weight?.data;
  const dist = allocate(logp.dtype, logp.size);
  let total = 0;
  for (let i = 0; i < labels.size; i++) {
    const c = labels.data[i];
    if (c === ignoreIndex) continue;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new Error(`${opName}: label ${c} at index ${i} is outside 0..${classes - 1} for ${scores} (and is not ignoreIndex ${ignoreIndex})`);
    }
    for (let k = 0; k < classes; k++) dist[i * classes + k] = (w ? w[k] : 1) * ((k === c ? 1 - s : 0) + s / classes);
    total += w ? w[c] : 1;
  }
  return { dist: new Tensor(dist, logp.shape), total };
}

/** From probabilities (differentiable): w_c * ((1 - s) * target + s / C); the mean divides by the samples. */
function probabilityDistribution(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number | undefined, s: number, opName: string): { dist: Tensor; total: number } {
  if (!shapesEqual(target.shape, logp.shape)) {
    throw new Error(`${opName}: target probabilities ${formatShape(target.shape)} do not match ${opName === 'nllLoss' ? 'log-probabilities' : 'logits'} ${formatShape(logp.shape)}`);
  }
  if (ignoreIndex !== undefined) throw new Error(`${opName}: ignoreIndex applies to int32 labels, not to probability targets ${formatShape(target.shape)}`);
  const classes = logp.shape[logp.ndim - 1];
  let dist = s > 0 ? mul(target, 1 - s).add(s / classes) : target;
  if (weight) dist = mul(dist, weight);
  return { dist, total: target.size / classes };
}
