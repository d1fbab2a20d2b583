// Shape-only tensors (PyTorch's device='meta'): a shape and a dtype, no values. Every op, given a shape-only
// input, makes its usual shape checks and returns a shape-only result, without allocating it or running a
// kernel; so summary() finds a model's output shapes and MACs for any input size at no cost. Reading the
// values of a shape-only tensor is an error.
import { Tensor } from './tensor.js';
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';

/** A tensor of this shape and dtype (float32 by default) without values. */
export function shapeOnly(shape: Shape, options: { dtype?: DType } = {}): Tensor {
  return new Tensor(options.dtype ?? 'float32', shape);
}

/** Whether any of the tensors is shape-only (an op's result is then shape-only too). */
export function anyShapeOnly(...tensors: ReadonlyArray<Tensor | null | undefined>): boolean {
  return tensors.some((t) => t?.isShapeOnly);
}

let buildDepth = 0;

/**
 * Run build() with the sized creators (zeros, ones, full, randn, rand, uniform) making shape-only tensors
 * and the in-place initialisers doing nothing, like PyTorch's `with torch.device('meta')`: a model built
 * inside has shape-only parameters, for a summary of a model too large to allocate, in no time.
 */
export function buildShapeOnly<T>(build: () => T): T {
  buildDepth++;
  try {
    return build();
  } finally {
    buildDepth--;
  }
}

/** True inside buildShapeOnly(). */
export function isBuildingShapeOnly(): boolean {
  return buildDepth > 0;
}
