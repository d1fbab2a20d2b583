// The losses that learn a similarity function d(x1, x2) = ||f(x1) - f(x2)||^2 (issue 12 item 7): the
// triplet loss as the course texts and FaceNet write it, and Hadsell, Chopra and LeCun's contrastive loss.
// Both are composed of differentiable ops, so their gradients come from autograd.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { relu } from '../ops/activation.js';
import { clamp, mul, sqrt, square, sub } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { type Reduction, applyReduction, checkLossOptions } from '../ops/loss.js';

export interface TripletLossOptions {
  /** alpha: how much farther the negative must be than the positive, in squared distance (default 0.2, FaceNet's). */
  margin?: number;
  /** 'mean' (default) over the triplets, 'sum' (the texts' J = sum of L), or 'none' for L per triplet. */
  reduction?: Reduction;
}

export interface ContrastiveLossOptions {
  /** m: different pairs closer than this (Euclidean distance) are pushed apart (default 1). */
  margin?: number;
  /** 'mean' (default) over the pairs, 'sum', or 'none' for the loss per pair. */
  reduction?: Reduction;
}

/** Squared Euclidean distance between rows: [N, D] and [N, D] -> [N]. */
export function squaredDistance(a: Tensor, b: Tensor): Tensor {
  return sum(square(sub(a, b)), -1);
}

/**
 * L(A, P, N) = max(||f(A) - f(P)||^2 - ||f(A) - f(N)||^2 + alpha, 0) per row of the embeddings [N, D]
 * (squared L2 distances, as the texts and FaceNet; PyTorch's triplet_margin_loss uses unsquared p-norms).
 */
export function tripletLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletLossOptions = {}): Tensor {
  const opName = 'tripletLoss';
  checkLossOptions(options, opName);
  checkEmbeddings(opName, { anchor, positive, negative });
  return tripletHinge(squaredDistance(anchor, positive), squaredDistance(anchor, negative), options, opName);
}

/** max(dAP - dAN + alpha, 0) for the squared distances [T] of each triplet, reduced: the triplet loss from its distances. */
export function tripletHinge(positiveDistance: Tensor, negativeDistance: Tensor, options: TripletLossOptions, opName: string): Tensor {
  checkLossOptions(options, opName);
  const margin = checkMargin(options.margin ?? 0.2, opName);
  return applyReduction(relu(sub(positiveDistance, negativeDistance).add(margin)), options.reduction, opName);
}

/**
 * Hadsell et al. (2006): (1 - Y) D^2 / 2 + Y max(0, m - D)^2 / 2 with D the Euclidean distance and Y = 0 for
 * a similar pair; here `same` is 1 for a similar pair and 0 otherwise (Y = 1 - same), as the binary head's
 * target. D is taken as sqrt(max(D^2, 1e-12)) so a different pair at distance 0 gets a zero gradient
 * rather than 0 / 0 (the value differs only below D = 1e-6).
 */
export function contrastiveLoss(x1: Tensor, x2: Tensor, same: Tensor, options: ContrastiveLossOptions = {}): Tensor {
  const opName = 'contrastiveLoss';
  checkLossOptions(options, opName);
  const margin = checkMargin(options.margin ?? 1, opName);
  checkEmbeddings(opName, { x1, x2 });
  if (!isFloat(same.dtype) || !shapesEqual(same.shape, [x1.shape[0]])) {
    throw new Error(`${opName}: same must be a float tensor [${x1.shape[0]}] of 1 (same) and 0 (different), got ${same.dtype} ${formatShape(same.shape)}`);
  }
  for (const [i, v] of same.data.entries()) {
    if (v !== 0 && v !== 1) throw new Error(`${opName}: same must hold 1 (same) or 0 (different), got ${v} at index ${i}`);
  }
  const squared = squaredDistance(x1, x2);
  const pushApart = square(relu(sqrt(clamp(squared, 1e-12)).neg().add(margin)));
  const losses = mul(same, squared).add(mul(same.neg().add(1), pushApart)).mul(0.5);
  return applyReduction(losses, options.reduction, opName);
}

function checkMargin(margin: number, opName: string): number {
  if (!(typeof margin === 'number' && Number.isFinite(margin) && margin >= 0)) throw new Error(`${opName}: margin must be a finite number >= 0, got ${margin}`);
  return margin;
}

/** Every named tensor a float [N, D], all of one shape. */
export function checkEmbeddings(opName: string, named: Record<string, Tensor>): void {
  const entries = Object.entries(named);
  const [firstName, first] = entries[0];
  for (const [name, t] of entries) {
    if (!isFloat(t.dtype) || t.ndim !== 2) throw new Error(`${opName}: ${name} must be float embeddings [N, D], got ${t.dtype} ${formatShape(t.shape)}`);
    if (!shapesEqual(t.shape, first.shape)) throw new Error(`${opName}: ${name} ${formatShape(t.shape)} and ${firstName} ${formatShape(first.shape)} must have the same shape`);
  }
}
