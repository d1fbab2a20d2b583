// where and maskedFill: choose elementwise between two values by a condition, as PyTorch's torch.where and
// masked_fill. Conditions are the 0/1 masks the comparisons return (any dtype: non-zero, NaN included, is
// true). Differentiable with respect to the chosen values; the gradient goes to the value each element took.
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { type DType, type TypedArray, allocate, convert, promote } from '../tensor/dtype.js';
import { type Shape, broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { mapBinary } from './elementwise-kernels.js';
import { toTensor } from './arithmetic.js';
import { sumTo } from './reduce.js';

/** data (shape) broadcast to outShape as a dtype array. */
function expand(t: Tensor, shape: Shape, dtype: DType): TypedArray {
  const data = convert(t.data, dtype);
  return shapesEqual(t.shape, shape) ? data : mapBinary(data, t.shape, allocate(dtype, 1), [], shape, dtype, (v) => v);
}

/**
 * out = condition ? a : b elementwise, with NumPy broadcasting of all three; numbers are scalars. The dtype
 * is the wider of a's and b's (float32 when both are numbers).
 */
export function where(condition: Tensor, aIn: TensorLike, bIn: TensorLike): Tensor {
  const a = aIn instanceof Tensor ? aIn : bIn instanceof Tensor ? toTensor(aIn, bIn) : new Tensor(Float32Array.of(aIn), []);
  const b = toTensor(bIn, a);
  const shape = broadcastShapes(broadcastShapes(condition.shape, a.shape, 'where'), b.shape, 'where');
  const dtype = promote(a.dtype, b.dtype);
  if (anyShapeOnly(condition, a, b)) return shapeOnly(shape, { dtype });
  const c = expand(condition, shape, condition.dtype);
  const [av, bv] = [expand(a, shape, dtype), expand(b, shape, dtype)];
  const out = allocate(dtype, c.length);
  for (let i = 0; i < out.length; i++) out[i] = c[i] !== 0 ? av[i] : bv[i];
  return record(new Tensor(out, shape), 'where', [a, b], (dy) => [
    () => sumTo(where(condition, dy, 0), a.shape),
    () => sumTo(where(condition, 0, dy), b.shape),
  ]);
}

/** x with value wherever mask (broadcast to x's shape) is non-zero; x's shape and dtype. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedFill');
  if (!shapesEqual(shape, x.shape)) {
    throw new Error(`maskedFill: mask ${formatShape(mask.shape)} must broadcast to the input's shape ${formatShape(x.shape)}, but together they make ${formatShape(shape)}`);
  }
  return where(mask, new Tensor(convert(Float64Array.of(value), x.dtype), []), x);
}
