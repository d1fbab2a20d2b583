// Elementwise arithmetic with broadcasting, and the unary math functions, each with its backward rule.
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { type DType, promote, isFloat, convert } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { mapBinary, mapUnary } from './elementwise-kernels.js';

/** Numbers become scalar tensors of the other operand's dtype (a float for int tensors divided, etc.). */
export function toTensor(v: TensorLike, like: Tensor): Tensor {
  if (v instanceof Tensor) return v;
  const dtype: DType = like.dtype === 'int32' && !Number.isInteger(v) ? 'float32' : like.dtype;
  const data = convert(Float64Array.of(v), dtype);
  return new Tensor(data, []);
}

function binary(
  name: string,
  aIn: TensorLike,
  bIn: TensorLike,
  f: (x: number, y: number) => number,
  grads: (a: Tensor, b: Tensor, out: Tensor, dy: Tensor) => [() => Tensor, () => Tensor],
  forceFloat = false,
): Tensor {
  const a = aIn instanceof Tensor ? aIn : toTensor(aIn, bIn as Tensor);
  const b = toTensor(bIn, a);
  const shape = broadcastShapes(a.shape, b.shape, name);
  let dtype = promote(a.dtype, b.dtype);
  if (forceFloat && !isFloat(dtype)) dtype = 'float32';
  const out = new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, dtype, f), shape);
  return record(out, name, [a, b], (dy) => grads(a, b, out, dy));
}

function unary(name: string, x: Tensor, f: (v: number) => number, grad: (x: Tensor, out: Tensor, dy: Tensor) => Tensor): Tensor {
  const dtype = isFloat(x.dtype) ? x.dtype : 'float32';
  const out = new Tensor(mapUnary(x.data, dtype, f), x.shape);
  return record(out, name, [x], (dy) => [() => grad(x, out, dy)]);
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary('add', a, b, (x, y) => x + y, (_a, _b, _o, dy) => [() => dy, () => dy]);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary('sub', a, b, (x, y) => x - y, (_a, _b, _o, dy) => [() => dy, () => neg(dy)]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', a, b, (x, y) => x * y, (a, b, _o, dy) => [() => mul(dy, b), () => mul(dy, a)]);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary(
    'div',
    a,
    b,
    (x, y) => x / y,
    (a, b, out, dy) => [() => div(dy, b), () => neg(div(mul(dy, out), b))],
    true,
  );
}

/** Elementwise maximum; the gradient goes to the larger input (to a on ties). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary('maximum', a, b, Math.max, (a, b, _o, dy) => [
    () => mul(dy, mapMask(a, b, (x, y) => x >= y)),
    () => mul(dy, mapMask(a, b, (x, y) => x < y)),
  ]);
}

/** Elementwise minimum; the gradient goes to the smaller input (to a on ties). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary('minimum', a, b, Math.min, (a, b, _o, dy) => [
    () => mul(dy, mapMask(a, b, (x, y) => x <= y)),
    () => mul(dy, mapMask(a, b, (x, y) => x > y)),
  ]);
}

function mapMask(a: Tensor, b: Tensor, pred: (x: number, y: number) => boolean): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, 'mask');
  return new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, promote(a.dtype, b.dtype), (x, y) => (pred(x, y) ? 1 : 0)), shape);
}

export function neg(x: Tensor): Tensor {
  const out = new Tensor(mapUnary(x.data, x.dtype, (v) => -v), x.shape);
  return record(out, 'neg', [x], (dy) => [() => neg(dy)]);
}

export function exp(x: Tensor): Tensor {
  return unary('exp', x, Math.exp, (_x, out, dy) => mul(dy, out));
}

export function log(x: Tensor): Tensor {
  return unary('log', x, Math.log, (x, _o, dy) => div(dy, x));
}

export function sqrt(x: Tensor): Tensor {
  return unary('sqrt', x, Math.sqrt, (_x, out, dy) => div(dy, mul(out, 2)));
}

export function abs(x: Tensor): Tensor {
  return unary('abs', x, Math.abs, (x, _o, dy) => mul(dy, unaryConst(x, Math.sign)));
}

export function square(x: Tensor): Tensor {
  return unary('square', x, (v) => v * v, (x, _o, dy) => mul(dy, mul(x, 2)));
}

/** x ** exponent for a constant exponent. */
export function pow(x: Tensor, exponent: number): Tensor {
  return unary('pow', x, (v) => Math.pow(v, exponent), (x, _o, dy) => mul(dy, mul(pow(x, exponent - 1), exponent)));
}

/** Limit values to [min, max]; the gradient is zero where clamped. */
export function clamp(x: Tensor, min: number, max: number): Tensor {
  if (min > max) throw new Error(`clamp: min ${min} is greater than max ${max}`);
  return unary(
    'clamp',
    x,
    (v) => (v < min ? min : v > max ? max : v),
    (x, _o, dy) => mul(dy, unaryConst(x, (v) => (v >= min && v <= max ? 1 : 0))),
  );
}

/** A constant (not recorded) elementwise function of x, used inside backward rules. */
export function unaryConst(x: Tensor, f: (v: number) => number): Tensor {
  return new Tensor(mapUnary(x.data, isFloat(x.dtype) ? x.dtype : 'float32', f), x.shape);
}

/** Change dtype; differentiable between float dtypes (the gradient is cast back). */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = new Tensor(convert(x.data, dtype), x.shape);
  if (!isFloat(dtype)) return out;
  return record(out, 'cast', [x], (dy) => [() => cast(dy, x.dtype)]);
}
