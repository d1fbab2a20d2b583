// Comparisons: not differentiable, they return float32 masks of 0 and 1 (so `.mean()` gives a rate).
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/shape.js';
import { mapBinary } from './elementwise-kernels.js';
import { toTensor } from './arithmetic.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';

function compare(name: string, a: Tensor, bIn: TensorLike, pred: (x: number, y: number) => boolean): Tensor {
  const b = toTensor(bIn, a);
  const shape = broadcastShapes(a.shape, b.shape, name);
  if (anyShapeOnly(a, b)) return shapeOnly(shape);
  return new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, 'float32', (x, y) => (pred(x, y) ? 1 : 0)), shape);
}

export function eq(a: Tensor, b: TensorLike): Tensor {
  return compare('eq', a, b, (x, y) => x === y);
}
export function gt(a: Tensor, b: TensorLike): Tensor {
  return compare('gt', a, b, (x, y) => x > y);
}
export function lt(a: Tensor, b: TensorLike): Tensor {
  return compare('lt', a, b, (x, y) => x < y);
}
export function ne(a: Tensor, b: TensorLike): Tensor {
  return compare('ne', a, b, (x, y) => x !== y);
}
export function ge(a: Tensor, b: TensorLike): Tensor {
  return compare('ge', a, b, (x, y) => x >= y);
}
export function le(a: Tensor, b: TensorLike): Tensor {
  return compare('le', a, b, (x, y) => x <= y);
}
