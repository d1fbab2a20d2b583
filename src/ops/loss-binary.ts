// Binary losses: cross-entropy on probabilities (PyTorch's log clamped at -100) and on logits (stable, with
// posWeight), and torchvision's sigmoid focal loss (RetinaNet).
import { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { record } from '../autograd/node.js';
import { add, mul, pow, sub } from './arithmetic.js';
import { sigmoid } from './activation.js';
import { broadcastTo } from './movement.js';
import { type Reduction, applyReduction, checkLossOptions } from './loss.js';

export interface BinaryCrossEntropyOptions {
  /** A rescaling weight per element, broadcast to the input's shape. */
  weight?: Tensor | null;
  /** 'mean' (default) over all elements, 'sum', or 'none' for the loss per element. */
  reduction?: Reduction;
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, broadcast to the input (typically [C], one per class: negatives / positives). */
  posWeight?: Tensor | null;
}

export interface SigmoidFocalLossOptions {
  /** Weight of the positives, 1 - alpha the negatives'; a negative alpha weights neither (default 0.25). */
  alpha?: number;
  /** Exponent of the modulating factor (1 - p_t), >= 0 (default 2; 0 gives the alpha-weighted BCE). */
  gamma?: number;
  /** As torchvision: 'none' (the default there and here), 'mean' or 'sum'. */
  reduction?: Reduction;
}

function checkSame(input: Tensor, target: Tensor, inputName: string, opName: string): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`${opName}: ${inputName} ${formatShape(input.shape)} and target ${formatShape(target.shape)} must have the same shape`);
  }
}

function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  const offset = to.length - from.length;
  return offset >= 0 && from.every((d, i) => d === 1 || d === to[offset + i]);
}

/** t broadcast to shape (for a per-element or per-class factor), or an error naming it. */
function spreadTo(t: Tensor, shape: readonly number[], name: string, opName: string): Tensor {
  if (!isFloat(t.dtype) || !broadcastsTo(t.shape, shape)) {
    throw new Error(`${opName}: ${name} must be a float tensor that broadcasts to ${formatShape(shape)}, got ${t.dtype} ${formatShape(t.shape)}`);
  }
  return shapesEqual(t.shape, shape) ? t : broadcastTo(t, shape);
}

function weighted(loss: Tensor, weight: Tensor | null | undefined, opName: string): Tensor {
  return weight ? mul(loss, spreadTo(weight, loss.shape, 'weight', opName)) : loss;
}

/**
 * -(z log x + (1 - z) log(1 - x)) on probabilities x in [0, 1], each log clamped at -100 as PyTorch's, so
 * x = 0 or 1 gives 100 rather than Infinity. Gradients as PyTorch's: dy (x - z) / max(x (1 - x), 1e-12) for
 * x, dy (log(1 - x) - log(x)) for z.
 */
export function binaryCrossEntropy(probs: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  checkSame(probs, target, 'probabilities', 'binaryCrossEntropy');
  if (anyShapeOnly(probs, target, options.weight)) return applyReduction(shapeOnly(probs.shape, { dtype: probs.dtype }), options.reduction, 'binaryCrossEntropy');
  const x = probs.data;
  const z = target.data;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && x[i] <= 1)) throw new Error(`binaryCrossEntropy: probabilities must be in [0, 1], got ${x[i]} at index ${i} (for logits use binaryCrossEntropyWithLogits)`);
  }
  const out = allocate(probs.dtype, probs.size);
  for (let i = 0; i < out.length; i++) out[i] = -(z[i] * Math.max(Math.log(x[i]), -100) + (1 - z[i]) * Math.max(Math.log1p(-x[i]), -100));
  const loss = record(new Tensor(out, probs.shape), 'binaryCrossEntropy', [probs, target], (dy) => [
    () => mul(dy, elementwise(probs, (i) => (x[i] - z[i]) / Math.max(x[i] * (1 - x[i]), 1e-12))),
    () => mul(dy, elementwise(probs, (i) => Math.log1p(-x[i]) - Math.log(x[i]))),
  ]);
  return applyReduction(weighted(loss, options.weight, 'binaryCrossEntropy'), options.reduction, 'binaryCrossEntropy');
}

/**
 * Binary cross-entropy on raw scores x with targets z, stable form: (1 - z) x - l log(sigmoid(x)) with
 * l = 1 + (posWeight - 1) z, log(sigmoid(x)) = -(max(-x, 0) + log(1 + exp(-|x|))) (PyTorch's formula).
 * A primitive so the gradient is exactly l sigmoid(x) - l + 1 - z (sigmoid(x) - z without posWeight), also at
 * x = 0 where the composite has a kink; targets and posWeight get theirs too.
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const opName = 'binaryCrossEntropyWithLogits';
  checkLossOptions(options, opName);
  checkSame(logits, target, 'logits', opName);
  const posWeight = options.posWeight ? spreadTo(options.posWeight, logits.shape, 'posWeight', opName) : null;
  if (anyShapeOnly(logits, target, posWeight, options.weight)) return applyReduction(shapeOnly(logits.shape, { dtype: logits.dtype }), options.reduction, opName);
  const x = logits.data;
  const z = target.data;
  const pw = posWeight?.data;
  const logSigmoid = Float64Array.from(x, (v) => -(Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)))));
  const lw = (i: number) => (pw ? 1 + (pw[i] - 1) * z[i] : 1);
  const out = allocate(logits.dtype, logits.size);
  for (let i = 0; i < out.length; i++) out[i] = (1 - z[i]) * x[i] - lw(i) * logSigmoid[i];
  const inputs = posWeight ? [logits, target, posWeight] : [logits, target];
  const loss = record(new Tensor(out, logits.shape), opName, inputs, (dy) => [
    () => {
      const s = sigmoid(logits.detach()).data;
      return mul(dy, elementwise(logits, (i) => lw(i) * (s[i] - 1) + 1 - z[i]));
    },
    () => mul(dy, elementwise(logits, (i) => -x[i] - (pw ? (pw[i] - 1) * logSigmoid[i] : 0))),
    () => mul(dy, elementwise(logits, (i) => -z[i] * logSigmoid[i])),
  ]);
  return applyReduction(weighted(loss, options.weight, opName), options.reduction, opName);
}

/** A constant tensor like t from a function of the flat index, for backward rules. */
function elementwise(t: Tensor, f: (i: number) => number): Tensor {
  const out = allocate(t.dtype, t.size);
  for (let i = 0; i < out.length; i++) out[i] = f(i);
  return new Tensor(out, t.shape);
}

/**
 * torchvision.ops.sigmoid_focal_loss (Lin et al., RetinaNet): BCE with logits scaled by (1 - p_t)^gamma,
 * p_t = p z + (1 - p)(1 - z), p = sigmoid(x), then by alpha_t = alpha z + (1 - alpha)(1 - z) when alpha >= 0.
 * Composed of ops as torchvision's, so its gradient is the same.
 */
export function sigmoidFocalLoss(logits: Tensor, target: Tensor, options: SigmoidFocalLossOptions = {}): Tensor {
  const { alpha = 0.25, gamma = 2 } = options;
  if (!(gamma >= 0)) throw new Error(`sigmoidFocalLoss: gamma must be >= 0, got ${gamma}`);
  if (Number.isNaN(alpha) || alpha > 1) throw new Error(`sigmoidFocalLoss: alpha must be in [0, 1] (or negative for no weighting), got ${alpha}`);
  checkSame(logits, target, 'logits', 'sigmoidFocalLoss');
  const p = sigmoid(logits);
  const ce = binaryCrossEntropyWithLogits(logits, target, { reduction: 'none' });
  const pT = add(mul(p, target), mul(sub(1, p), sub(1, target)));
  let loss = mul(ce, pow(sub(1, pT), gamma));
  if (alpha >= 0) loss = mul(add(mul(target, alpha), mul(sub(1, target), 1 - alpha)), loss);
  return applyReduction(loss, options.reduction ?? 'none', 'sigmoidFocalLoss');
}
