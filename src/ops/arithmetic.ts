// Elementwise arithmetic with broadcasting, and the unary math functions, each with its backward rule.
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { type DType, type TypedArray, allocate, promote, isFloat, convert } from '../tensor/dtype.js';
import { assertAllocatable } from '../tensor/allocation.js';
import { type Shape, broadcastShapes, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
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
  if (anyShapeOnly(a, b)) return shapeOnly(shape, { dtype });
  assertAllocatable(name, shape, dtype);
  const out = new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, dtype, f), shape);
  return record(out, name, [a, b], (dy) => grads(a, b, out, dy));
}

function unary(name: string, x: Tensor, f: (v: number) => number, grad: (x: Tensor, out: Tensor, dy: Tensor) => Tensor): Tensor {
  const dtype = isFloat(x.dtype) ? x.dtype : 'float32';
  if (x.isShapeOnly) return shapeOnly(x.shape, { dtype });
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

/**
 * Elementwise maximum (NaN propagates). The gradient goes to the larger input and is split in half at ties,
 * as PyTorch's maximum does.
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary('maximum', a, b, Math.max, (a, b, _o, dy) => [
    () => mul(dy, coefficients(a, b, (x, y) => (x < y ? 0 : x === y ? 0.5 : 1))),
    () => mul(dy, coefficients(a, b, (x, y) => (x > y ? 0 : x === y ? 0.5 : 1))),
  ]);
}

/** Elementwise minimum (NaN propagates); the gradient goes to the smaller input, split in half at ties. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary('minimum', a, b, Math.min, (a, b, _o, dy) => [
    () => mul(dy, coefficients(a, b, (x, y) => (x > y ? 0 : x === y ? 0.5 : 1))),
    () => mul(dy, coefficients(a, b, (x, y) => (x < y ? 0 : x === y ? 0.5 : 1))),
  ]);
}

/** A constant (not recorded) f(a, b) with broadcasting, used inside backward rules. */
function coefficients(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, 'coefficients');
  let dtype = promote(a.dtype, b.dtype);
  if (!isFloat(dtype)) dtype = 'float32';
  return new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, dtype, f), shape);
}

export function neg(x: Tensor): Tensor {
  if (x.isShapeOnly) return shapeOnly(x.shape, { dtype: x.dtype });
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

/** 1 / sqrt(x); the gradient is -dy / (2 x^1.5) = -0.5 dy y^3, as PyTorch computes it. */
export function rsqrt(x: Tensor): Tensor {
  return unary('rsqrt', x, (v) => 1 / Math.sqrt(v), (_x, out, dy) => mul(dy, unaryConst(out, (y) => -0.5 * y * y * y)));
}

/** |x|; the gradient is dy * sign(x), 0 at 0 (PyTorch's sgn). */
export function abs(x: Tensor): Tensor {
  return unary('abs', x, Math.abs, (x, _o, dy) => mul(dy, unaryConst(x, Math.sign)));
}

export function square(x: Tensor): Tensor {
  return unary('square', x, (v) => v * v, (x, _o, dy) => mul(dy, mul(x, 2)));
}

/**
 * base ** exponent with broadcasting; either may be a number. Gradients as PyTorch's: none to the base where
 * the exponent is 0 (so 0 ** 0 passes 0, not NaN), and none to the exponent where the base is 0 and the
 * exponent >= 0 (where y = 0 or 1 is flat in the exponent); elsewhere dy * e * x^(e-1) and dy * y * log(x)
 * (NaN for a negative base, as in PyTorch).
 */
export function pow(base: TensorLike, exponent: TensorLike): Tensor {
  if (typeof base === 'number' && typeof exponent === 'number') throw new Error('pow: expects a tensor as the base or the exponent, got two numbers');
  if (base instanceof Tensor && typeof exponent === 'number') {
    const e = exponent;
    return unary('pow', base, (v) => Math.pow(v, e), (x, _o, dy) => mul(dy, unaryConst(x, (v) => (e === 0 ? 0 : e * Math.pow(v, e - 1)))));
  }
  return binary(
    'pow',
    base,
    exponent,
    Math.pow,
    (x, e, _o, dy) => [
      () => mul(dy, coefficients(x, e, (v, p) => (p === 0 ? 0 : p * Math.pow(v, p - 1)))),
      () => mul(dy, coefficients(x, e, (v, p) => (v === 0 && p >= 0 ? 0 : Math.pow(v, p) * Math.log(v)))),
    ],
    true,
  );
}

/**
 * Limit values to [min, max] (PyTorch's clamp): either bound may be left out (null or undefined), and each is
 * a number or a tensor that broadcasts with x. Numbers must satisfy min <= max; where tensor bounds have
 * min > max the result is max, as in PyTorch. NaN in x passes. Gradients as PyTorch's: x gets dy where
 * min <= x <= max; min gets it where x < min (and min < max), max where x > max (or max < min).
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new Error('clamp: give at least one of min and max (both are missing)');
  for (const [name, bound] of [['min', min], ['max', max]] as const) {
    if (typeof bound === 'number' && Number.isNaN(bound)) throw new Error(`clamp: ${name} must be a number or a tensor, got NaN`);
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max) throw new Error(`clamp: min ${min} is greater than max ${max}`);
  const lo = hasMin ? toTensor(min, x) : null;
  const hi = hasMax ? toTensor(max, x) : null;
  const inputs = [x, lo, hi].filter((t): t is Tensor => t !== null);
  const shape = inputs.reduce<Shape>((s, t) => broadcastShapes(s, t.shape, 'clamp'), x.shape);
  const dtype = inputs.map((t) => t.dtype).reduce(promote);
  if (anyShapeOnly(...inputs)) return shapeOnly(shape, { dtype });
  const [xs, ls, hs] = [x, lo, hi].map((t) => (t ? spread(t, shape) : null));
  const out = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const lowered = ls ? Math.max(xs![i], ls[i]) : xs![i];
    out[i] = hs ? Math.min(lowered, hs[i]) : lowered;
  }
  // Which gradient each element's dy goes to, as PyTorch's clamp_backward_min_max.
  const gradWhere = (dy: Tensor, keep: (v: number, l: number, h: number) => boolean) => (): Tensor => {
    const g = allocate(dy.dtype, dy.size);
    for (let i = 0; i < g.length; i++) g[i] = keep(xs![i], ls ? ls[i] : -Infinity, hs ? hs[i] : Infinity) ? dy.data[i] : 0;
    return new Tensor(g, shape);
  };
  return record(new Tensor(out, shape), 'clamp', inputs, (dy) => [
    gradWhere(dy, (v, l, h) => v >= l && v <= h),
    ...(lo ? [gradWhere(dy, (v, l, h) => v < l && l < h)] : []),
    ...(hi ? [gradWhere(dy, (v, l, h) => v > h || h < l)] : []),
  ]);
}

/** t's values broadcast to shape, as a plain array. */
function spread(t: Tensor, shape: Shape): TypedArray {
  return t.shape.length === shape.length && t.size === sizeOf(shape) ? t.data : mapBinary(t.data, t.shape, Float64Array.of(0), [], shape, t.dtype, (v) => v);
}

/** A constant (not recorded) elementwise function of x, used inside backward rules. */
export function unaryConst(x: Tensor, f: (v: number) => number): Tensor {
  return new Tensor(mapUnary(x.data, isFloat(x.dtype) ? x.dtype : 'float32', f), x.shape);
}

/** Change dtype; differentiable between float dtypes (the gradient is cast back). */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (x.isShapeOnly) return shapeOnly(x.shape, { dtype });
  const out = new Tensor(convert(x.data, dtype), x.shape);
  if (!isFloat(dtype)) return out;
  return record(out, 'cast', [x], (dy) => [() => cast(dy, x.dtype)]);
}
