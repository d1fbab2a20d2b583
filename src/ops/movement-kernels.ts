// Reference loops that move data without arithmetic: transpose/permute, slicing, padding.
import { type TypedArray, allocate, dtypeOf } from '../tensor/dtype.js';
import { type Shape, sizeOf, stridesOf } from '../tensor/shape.js';

/** out[i_perm[0], ..., i_perm[n-1]] = x[i_0, ..., i_{n-1}]: out has shape perm.map(d => shape[d]). */
export function permuteData(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray {
  const n = shape.length;
  const outShape = perm.map((d) => shape[d]);
  const inStrides = stridesOf(shape);
  const stepIn = perm.map((d) => inStrides[d]); // input stride for each output dimension
  const out = allocate(dtypeOf(x), x.length);
  const idx = new Array<number>(n).fill(0);
  let src = 0;
  const inner = n > 0 ? outShape[n - 1] : 1;
  const innerStep = n > 0 ? stepIn[n - 1] : 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let k = 0, s = src; k < inner; k++, s += innerStep) out[o + k] = x[s];
    // advance the outer multi-index (all but the last dimension)
    for (let d = n - 2; d >= 0; d--) {
      idx[d]++;
      src += stepIn[d];
      if (idx[d] < outShape[d]) break;
      src -= stepIn[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Copy the box starts..starts+outShape of x (shape) into a new array. */
export function sliceData(x: TypedArray, shape: Shape, starts: readonly number[], outShape: Shape): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(outShape));
  copyBox(x, shape, starts, out, outShape, outShape.map(() => 0), outShape);
  return out;
}

/**
 * Copy a box of size `box` from src (at srcStart) into dst (at dstStart). Shared by slice, its backward,
 * pad and concat.
 */
export function copyBox(
  src: TypedArray,
  srcShape: Shape,
  srcStart: readonly number[],
  dst: TypedArray,
  dstShape: Shape,
  dstStart: readonly number[],
  box: Shape,
  accumulate = false,
): void {
  const n = box.length;
  if (sizeOf(box) === 0) return;
  if (n === 0) {
    dst[0] = accumulate ? dst[0] + src[0] : src[0];
    return;
  }
  const sStr = stridesOf(srcShape);
  const dStr = stridesOf(dstShape);
  let s = srcStart.reduce((acc, v, d) => acc + v * sStr[d], 0);
  let t = dstStart.reduce((acc, v, d) => acc + v * dStr[d], 0);
  const inner = box[n - 1];
  const idx = new Array<number>(n).fill(0);
  const outer = sizeOf(box) / inner;
  for (let o = 0; o < outer; o++) {
    if (accumulate) for (let k = 0; k < inner; k++) dst[t + k] += src[s + k];
    else for (let k = 0; k < inner; k++) dst[t + k] = src[s + k];
    for (let d = n - 2; d >= 0; d--) {
      idx[d]++;
      s += sStr[d];
      t += dStr[d];
      if (idx[d] < box[d]) break;
      s -= sStr[d] * box[d];
      t -= dStr[d] * box[d];
      idx[d] = 0;
    }
  }
}
