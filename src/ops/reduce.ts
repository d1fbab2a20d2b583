// Reductions along axes: sum, mean, max, min, argmax, argmin; and sumTo, which undoes broadcasting.
import { Tensor } from '../tensor/tensor.js';
import { type TypedArray, allocate, isFloat } from '../tensor/dtype.js';
import { type Shape, formatShape, normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { runKernel } from '../backend/registry.js';
import type { FloatArray } from '../backend/backend.js';
import { permuteData } from './movement-kernels.js';
import { broadcastTo, reshape } from './movement.js';
import { div, mul } from './arithmetic.js';

interface Layout {
  data: TypedArray; // x, possibly permuted so the reduced axes are contiguous
  outer: number;
  r: number; // reduced length
  inner: number;
  /** flat index into x.data of element (o, k, i) of the permuted view */
  srcIndex: (o: number, k: number, i: number) => number;
}

function layout(x: Tensor, axes: number[]): Layout {
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (contiguous && axes.length > 0) {
    const outer = sizeOf(x.shape.slice(0, axes[0]));
    const r = sizeOf(axes.map((a) => x.shape[a]));
    const inner = sizeOf(x.shape.slice(axes[axes.length - 1] + 1));
    return { data: x.data, outer, r, inner, srcIndex: (o, k, i) => (o * r + k) * inner + i };
  }
  // Move reduced axes to the end, then reduce the last block.
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const data = permuteData(x.data, x.shape, perm);
  const r = sizeOf(axes.map((a) => x.shape[a]));
  const outer = x.size / Math.max(r, 1);
  return { data, outer, r, inner: 1, srcIndex: (o, k) => o * r + k };
}

function reduceLoop(x: Tensor, axes: number[], init: number, step: (acc: number, v: number) => number): [TypedArray, Layout] {
  const L = layout(x, axes);
  const out = allocate(isFloat(x.dtype) ? x.dtype : x.dtype, L.outer * L.inner);
  const d = L.data;
  for (let o = 0; o < L.outer; o++) {
    for (let i = 0; i < L.inner; i++) {
      let acc = init;
      for (let k = 0; k < L.r; k++) acc = step(acc, d[(o * L.r + k) * L.inner + i]);
      out[o * L.inner + i] = acc;
    }
  }
  return [out, L];
}

/** The shape of a reduction over axes: those dimensions become 1 with keepDims, else go. */
function reducedShape(shape: Shape, axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * Float sums over leading axes (bias gradients: [N, H, W, C] -> [C]) on the backend's per-channel kernel,
 * which reads the data in order instead of striding over it once per channel; null for other reductions.
 */
function sumLeadingAxes(x: Tensor, axes: number[]): TypedArray | null {
  const leading = axes.length > 0 && axes.length < x.ndim && axes.every((a, i) => a === i);
  if (!leading || !isFloat(x.dtype) || x.size === 0) return null;
  const channels = sizeOf(x.shape.slice(axes.length));
  const sums = new Float64Array(channels);
  runKernel('channelSums', { channels, aCenter: null, b: null, bCenter: null }, x.data as FloatArray, sums, null);
  const out = allocate(x.dtype, channels);
  out.set(sums);
  return out;
}

/** Sum over axes (all when omitted). */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.ndim, 'sum');
  const keptShape = reducedShape(x.shape, ax, true);
  const outShape = reducedShape(x.shape, ax, keepDims);
  if (x.isShapeOnly) return shapeOnly(outShape, { dtype: x.dtype });
  const data = sumLeadingAxes(x, ax) ?? reduceLoop(x, ax, 0, (a, v) => a + v)[0];
  const out = new Tensor(data, outShape);
  return record(out, 'sum', [x], (dy) => [() => broadcastTo(reshape(dy, keptShape), x.shape)]);
}

/** Mean over axes (all when omitted). */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.ndim, 'mean');
  const count = sizeOf(ax.map((a) => x.shape[a]));
  const s = sum(isFloat(x.dtype) ? x : x.to('float32'), ax, keepDims);
  return div(s, count);
}

function extremum(name: string, x: Tensor, axes: number | readonly number[] | undefined, keepDims: boolean, better: (a: number, b: number) => boolean): Tensor {
  const ax = normalizeAxes(axes, x.ndim, name);
  if (ax.some((a) => x.shape[a] === 0)) throw new Error(`${name}: cannot reduce an empty dimension of ${formatShape(x.shape)}`);
  if (x.isShapeOnly) return shapeOnly(reducedShape(x.shape, ax, keepDims), { dtype: x.dtype });
  const L = layout(x, ax);
  const out = allocate(x.dtype, L.outer * L.inner);
  const winners = new Int32Array(out.length); // flat index into x.data, for the gradient
  for (let o = 0; o < L.outer; o++) {
    for (let i = 0; i < L.inner; i++) {
      let best = L.data[L.srcIndex(o, 0, i)];
      let bestK = 0;
      for (let k = 1; k < L.r; k++) {
        const v = L.data[L.srcIndex(o, k, i)];
        if (better(v, best) || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          bestK = k;
        }
      }
      out[o * L.inner + i] = best;
      winners[o * L.inner + i] = bestK;
    }
  }
  const result = new Tensor(out, reducedShape(x.shape, ax, keepDims));
  return record(result, name, [x], (dy) => [
    () => {
      // Route each output's gradient to the first position that attained the extremum.
      const g = allocate(dy.dtype, x.size);
      const kept = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
      const keptStrides = strideList(x.shape, kept);
      const redStrides = strideList(x.shape, ax);
      const redShape = ax.map((a) => x.shape[a]);
      const keptShape = kept.map((a) => x.shape[a]);
      for (let j = 0; j < out.length; j++) {
        g[offsetOf(j, keptShape, keptStrides) + offsetOf(winners[j], redShape, redStrides)] += dy.data[j];
      }
      return new Tensor(g, x.shape);
    },
  ]);
}

function strideList(shape: Shape, dims: number[]): number[] {
  return dims.map((d) => sizeOf(shape.slice(d + 1)));
}

/** Flat offset in x of the row-major index `flat` over sub-shape `shape` with the given x-strides. */
function offsetOf(flat: number, shape: number[], strides: number[]): number {
  let off = 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    off += (flat % shape[d]) * strides[d];
    flat = Math.floor(flat / shape[d]);
  }
  return off;
}

export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return extremum('max', x, axes, keepDims, (a, b) => a > b);
}

export function min(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return extremum('min', x, axes, keepDims, (a, b) => a < b);
}

function argExtremum(name: string, x: Tensor, axis: number, keepDims: boolean, better: (a: number, b: number) => boolean): Tensor {
  const a = normalizeAxis(axis, x.ndim, name);
  if (x.shape[a] === 0) throw new Error(`${name}: cannot reduce an empty dimension of ${formatShape(x.shape)}`);
  if (x.isShapeOnly) return shapeOnly(reducedShape(x.shape, [a], keepDims), { dtype: 'int32' });
  const L = layout(x, [a]);
  const out = new Int32Array(L.outer * L.inner);
  for (let o = 0; o < L.outer; o++) {
    for (let i = 0; i < L.inner; i++) {
      let best = L.data[L.srcIndex(o, 0, i)];
      let bestK = 0;
      for (let k = 1; k < L.r; k++) {
        const v = L.data[L.srcIndex(o, k, i)];
        if (better(v, best)) {
          best = v;
          bestK = k;
        }
      }
      out[o * L.inner + i] = bestK;
    }
  }
  return new Tensor(out, reducedShape(x.shape, [a], keepDims));
}

/** Index of the largest value along axis (first on ties), as int32. */
export function argmax(x: Tensor, axis = -1, keepDims = false): Tensor {
  return argExtremum('argmax', x, axis, keepDims, (a, b) => a > b);
}

export function argmin(x: Tensor, axis = -1, keepDims = false): Tensor {
  return argExtremum('argmin', x, axis, keepDims, (a, b) => a < b);
}

/** Sum a broadcast result back down to `shape` (the inverse of broadcasting, used by backward). */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    if (d < lead || (shape[d - lead] === 1 && x.shape[d] !== 1)) axes.push(d);
  }
  return reshape(sum(x, axes, true), shape);
}

/** Variance over axes (population by default, unbiased with correction = 1). */
export function variance(x: Tensor, axes?: number | readonly number[], keepDims = false, correction = 0): Tensor {
  const ax = normalizeAxes(axes, x.ndim, 'variance');
  const m = mean(x, ax, true);
  const centred = x.sub(m);
  const count = sizeOf(ax.map((a) => x.shape[a]));
  return div(sum(mul(centred, centred), ax, keepDims), Math.max(count - correction, 1));
}
