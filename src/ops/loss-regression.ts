// Regression losses on output and target of one shape: mean squared error, L1, smooth L1 (beta) and Huber
// (delta) as PyTorch defines them, and the texts' sum-of-squares error 1/2 * sum((target - output)^2).
import { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { allocate } from '../tensor/dtype.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { record } from '../autograd/node.js';
import { abs, mul, sub } from './arithmetic.js';
import { sum } from './reduce.js';
import { type Reduction, applyReduction, checkLossOptions } from './loss.js';

export interface RegressionLossOptions {
  /** 'mean' (default) over all elements, 'sum', or 'none' for the loss per element. */
  reduction?: Reduction;
}
export interface SmoothL1LossOptions extends RegressionLossOptions {
  /** Where the loss turns from quadratic to linear, >= 0 (default 1; 0 gives the L1 loss). */
  beta?: number;
}
export interface HuberLossOptions extends RegressionLossOptions {
  /** Where the loss turns from quadratic to linear, > 0 (default 1). */
  delta?: number;
}

function checkSame(output: Tensor, target: Tensor, opName: string): void {
  if (!shapesEqual(output.shape, target.shape)) {
    throw new Error(`${opName}: output ${formatShape(output.shape)} and target ${formatShape(target.shape)} must have the same shape`);
  }
}

/** (output - target)^2, reduced. */
export function mseLoss(output: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  checkLossOptions(options, 'mseLoss');
  checkSame(output, target, 'mseLoss');
  const d = sub(output, target);
  return applyReduction(mul(d, d), options.reduction, 'mseLoss');
}

/** |output - target|, reduced; the gradient is 0 where they are equal (PyTorch's sgn). */
export function l1Loss(output: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  checkSame(output, target, 'l1Loss');
  return applyReduction(abs(sub(output, target)), options.reduction, 'l1Loss');
}

/** 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere, d = output - target (Fast R-CNN's box loss). */
export function smoothL1Loss(output: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new Error(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  checkSame(output, target, 'smoothL1Loss');
  if (beta === 0) return l1Loss(output, target, options);
  const perElement = piecewise('smoothL1Loss', sub(output, target), (d) => {
    const a = Math.abs(d);
    return a < beta ? [(0.5 * d * d) / beta, d / beta] : [a - 0.5 * beta, Math.sign(d)];
  });
  return applyReduction(perElement, options.reduction, 'smoothL1Loss');
}

/** 0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) elsewhere: smooth L1 scaled by delta. */
export function huberLoss(output: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new Error(`huberLoss: delta must be > 0, got ${delta}`);
  checkSame(output, target, 'huberLoss');
  const perElement = piecewise('huberLoss', sub(output, target), (d) => {
    const a = Math.abs(d);
    return a <= delta ? [0.5 * d * d, d] : [delta * (a - 0.5 * delta), delta * Math.sign(d)];
  });
  return applyReduction(perElement, options.reduction, 'huberLoss');
}

/** f(d) elementwise, with f'(d) from the same call: [value, derivative]. */
function piecewise(name: string, d: Tensor, f: (v: number) => [number, number]): Tensor {
  if (d.isShapeOnly) return shapeOnly(d.shape, { dtype: d.dtype });
  const value = allocate(d.dtype, d.size);
  const slope = allocate(d.dtype, d.size);
  for (let i = 0; i < d.size; i++) [value[i], slope[i]] = f(d.data[i]);
  return record(new Tensor(value, d.shape), name, [d], (dy) => [() => mul(dy, new Tensor(slope, d.shape))]);
}

/** The texts' total error: 1/2 * sum((target - output)^2). */
export function sumSquaredError(output: Tensor, target: Tensor): Tensor {
  checkSame(output, target, 'sumSquaredError');
  const d = sub(target, output);
  return mul(sum(mul(d, d)), 0.5);
}
