// Reference loops for elementwise maps and broadcasting binary ops over flat typed arrays.
import { type DType, allocate, type TypedArray } from '../tensor/dtype.js';
import { type Shape, sizeOf, stridesOf } from '../tensor/shape.js';

export function mapUnary(x: TypedArray, dtype: DType, f: (v: number) => number): TypedArray {
  const out = allocate(dtype, x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

/** out[i] = f(a[ia], b[ib]) with NumPy broadcasting of aShape and bShape to outShape. */
export function mapBinary(
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  dtype: DType,
  f: (x: number, y: number) => number,
): TypedArray {
  const n = sizeOf(outShape);
  const out = allocate(dtype, n);
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  } else if (b.length === 1 && a.length === n) {
    const bv = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], bv);
  } else if (a.length === 1 && b.length === n) {
    const av = a[0];
    for (let i = 0; i < n; i++) out[i] = f(av, b[i]);
  } else if (a.length === n && isTrailing(bShape, outShape)) {
    // The common bias case: [N, H, W, C] op [C].
    const m = b.length;
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i % m]);
  } else if (b.length === n && isTrailing(aShape, outShape)) {
    const m = a.length;
    for (let i = 0; i < n; i++) out[i] = f(a[i % m], b[i]);
  } else {
    const ndim = outShape.length;
    const aStr = broadcastStrides(aShape, outShape);
    const bStr = broadcastStrides(bShape, outShape);
    const idx = new Array<number>(ndim).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < n; i++) {
      out[i] = f(a[ia], b[ib]);
      for (let d = ndim - 1; d >= 0; d--) {
        idx[d]++;
        ia += aStr[d];
        ib += bStr[d];
        if (idx[d] < outShape[d]) break;
        ia -= aStr[d] * outShape[d];
        ib -= bStr[d] * outShape[d];
        idx[d] = 0;
      }
    }
  }
  return out;
}

/** True when shape, without its leading 1s, equals the last dimensions of outShape. */
function isTrailing(shape: Shape, outShape: Shape): boolean {
  let first = 0;
  while (first < shape.length && shape[first] === 1) first++;
  const core = shape.slice(first);
  const offset = outShape.length - core.length;
  return offset >= 0 && core.every((d, i) => d === outShape[offset + i]);
}

/** Strides of shape when read as outShape: 0 along broadcast dimensions. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, d) => (d < offset || shape[d - offset] === 1 ? 0 : strides[d - offset]));
}
