// interpolate: resize the height and width of NHWC images, as PyTorch's F.interpolate for 4-D input (modes
// 'nearest', 'nearest-exact' and 'bilinear'; alignCorners; size or scaleFactor; recomputeScaleFactor).
// Which source pixels each output pixel reads is PyTorch's rule, worked out once per axis here (rounded as
// PyTorch rounds it); the kernels then only read those taps, so a fast kernel can register by name.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { allocateTensor } from '../tensor/allocation.js';
import { formatShape } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { defineReferenceKernel, runKernel } from '../backend/registry.js';
import type { FloatArray } from '../backend/backend.js';
import { assertRank4 } from './geometry.js';

/** The sizes of a resize: x [batch, inH, inW, channels] to y [batch, outH, outW, channels]. */
export interface Resize2dGrid {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
}

/** Per output row (or column) of a linear resize: source indices i0 <= i1 and their weights w0 + w1 = 1. */
export interface LinearTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

declare module '../backend/backend.js' {
  interface KernelSignatures {
    /** y[n, oy, ox, c] = x[n, rows[oy], cols[ox], c]. */
    resizeNearest: [p: Resize2dGrid, rows: Int32Array, cols: Int32Array, x: FloatArray, y: FloatArray];
    /** dx[n, rows[oy], cols[ox], c] += dy[n, oy, ox, c] (dx is overwritten). */
    resizeNearestBackward: [p: Resize2dGrid, rows: Int32Array, cols: Int32Array, dy: FloatArray, dx: FloatArray];
    /** y[n, oy, ox, c] = the weighted sum of the 2x2 taps rows[oy] x cols[ox]. */
    resizeBilinear: [p: Resize2dGrid, rows: LinearTaps, cols: LinearTaps, x: FloatArray, y: FloatArray];
    /** dx = dy spread over each output pixel's taps with their weights (dx is overwritten). */
    resizeBilinearBackward: [p: Resize2dGrid, rows: LinearTaps, cols: LinearTaps, dy: FloatArray, dx: FloatArray];
  }
}

// x: [N, inH, inW, C]   y: [N, outH, outW, C]
export function resizeNearestRef(p: Resize2dGrid, rows: Int32Array, cols: Int32Array, x: FloatArray, y: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW } = p;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const from = ((n * inH + rows[oy]) * inW + cols[ox]) * C;
        const to = ((n * outH + oy) * outW + ox) * C;
        for (let c = 0; c < C; c++) y[to + c] = x[from + c];
      }
    }
  }
}

export function resizeNearestBackwardRef(p: Resize2dGrid, rows: Int32Array, cols: Int32Array, dy: FloatArray, dx: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW } = p;
  dx.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const to = ((n * inH + rows[oy]) * inW + cols[ox]) * C;
        const from = ((n * outH + oy) * outW + ox) * C;
        for (let c = 0; c < C; c++) dx[to + c] += dy[from + c];
      }
    }
  }
}

// y[n, oy, ox, c] = w0[oy] * (w0[ox] * x[i0[oy], i0[ox]] + w1[ox] * x[i0[oy], i1[ox]])
//                 + w1[oy] * (w0[ox] * x[i1[oy], i0[ox]] + w1[ox] * x[i1[oy], i1[ox]])   (PyTorch's order)
export function resizeBilinearRef(p: Resize2dGrid, rows: LinearTaps, cols: LinearTaps, x: FloatArray, y: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW } = p;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = (n * inH + rows.i0[oy]) * inW;
      const bottom = (n * inH + rows.i1[oy]) * inW;
      const [h0, h1] = [rows.w0[oy], rows.w1[oy]];
      for (let ox = 0; ox < outW; ox++) {
        const [l, r] = [cols.i0[ox] * C, cols.i1[ox] * C];
        const [v0, v1] = [cols.w0[ox], cols.w1[ox]];
        const [a, b, c, d] = [top * C + l, top * C + r, bottom * C + l, bottom * C + r];
        const to = ((n * outH + oy) * outW + ox) * C;
        for (let k = 0; k < C; k++) y[to + k] = h0 * (v0 * x[a + k] + v1 * x[b + k]) + h1 * (v0 * x[c + k] + v1 * x[d + k]);
      }
    }
  }
}

export function resizeBilinearBackwardRef(p: Resize2dGrid, rows: LinearTaps, cols: LinearTaps, dy: FloatArray, dx: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW } = p;
  dx.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = (n * inH + rows.i0[oy]) * inW;
      const bottom = (n * inH + rows.i1[oy]) * inW;
      const [h0, h1] = [rows.w0[oy], rows.w1[oy]];
      for (let ox = 0; ox < outW; ox++) {
        const [l, r] = [cols.i0[ox] * C, cols.i1[ox] * C];
        const [v0, v1] = [cols.w0[ox], cols.w1[ox]];
        const [a, b, c, d] = [top * C + l, top * C + r, bottom * C + l, bottom * C + r];
        const from = ((n * outH + oy) * outW + ox) * C;
        for (let k = 0; k < C; k++) {
          const g = dy[from + k];
          dx[a + k] += h0 * v0 * g;
          dx[b + k] += h0 * v1 * g;
          dx[c + k] += h1 * v0 * g;
          dx[d + k] += h1 * v1 * g;
        }
      }
    }
  }
}

defineReferenceKernel('resizeNearest', resizeNearestRef);
defineReferenceKernel('resizeNearestBackward', resizeNearestBackwardRef);
defineReferenceKernel('resizeBilinear', resizeBilinearRef);
defineReferenceKernel('resizeBilinearBackward', resizeBilinearBackwardRef);

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'bilinear';

export interface InterpolateOptions {
  /** Output [height, width] (one number: both). Give this or scaleFactor. */
  size?: number | readonly [number, number];
  /** Output size = floor(input size * scaleFactor) per axis. Give this or size. */
  scaleFactor?: number | readonly [number, number];
  /**
   * 'nearest' (default, as PyTorch): source index floor(dst * in / out), PyTorch's rule, which shifts the
   * image up-left when downsampling; 'nearest-exact': floor((dst + 0.5) * in / out), pixel centres aligned
   * (Pillow, OpenCV); 'bilinear'.
   */
  mode?: InterpolateMode;
  /**
   * bilinear only: true aligns the corner pixels' centres (src = dst * (in - 1) / (out - 1)); false (default)
   * aligns the corners of the pixel grids (src = (dst + 0.5) * in / out - 0.5).
   */
  alignCorners?: boolean;
  /** With scaleFactor: use in / out as the scale instead of 1 / scaleFactor (they differ when in * scaleFactor is not whole). */
  recomputeScaleFactor?: boolean;
}

function axisPair(v: number | readonly [number, number], what: string, integer: boolean, opName: string): [number, number] {
  const p: number[] = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [...v] : [NaN];
  if (p.some((d) => !(d > 0) || !Number.isFinite(d) || (integer && !Number.isInteger(d)))) {
    throw new Error(`${opName}: ${what} must be ${integer ? 'a positive integer' : 'a positive number'} or [height, width] of them, got ${JSON.stringify(v)}`);
  }
  return p as [number, number];
}

export interface ResolvedInterpolateOptions {
  mode: InterpolateMode;
  alignCorners: boolean;
  size: [number, number] | null;
  scaleFactor: [number, number] | null;
  recomputeScaleFactor: boolean;
}

/** Validate interpolate's options (nn.Upsample does it when constructed), with errors that name opName. */
export function checkInterpolateOptions(options: InterpolateOptions, opName = 'interpolate'): ResolvedInterpolateOptions {
  const { size, scaleFactor, mode = 'nearest', alignCorners, recomputeScaleFactor = false } = options;
  if (mode !== 'nearest' && mode !== 'nearest-exact' && mode !== 'bilinear') {
    throw new Error(`${opName}: mode must be 'nearest', 'nearest-exact' or 'bilinear', got ${JSON.stringify(mode)}`);
  }
  if (alignCorners !== undefined && mode !== 'bilinear') {
    throw new Error(`${opName}: alignCorners can only be set with mode 'bilinear' (got mode '${mode}')`);
  }
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new Error(`${opName}: give exactly one of size and scaleFactor (got ${size === undefined ? 'neither' : 'both'})`);
  }
  return {
    mode,
    alignCorners: alignCorners ?? false,
    size: size === undefined ? null : axisPair(size, 'size', true, opName),
    scaleFactor: scaleFactor === undefined ? null : axisPair(scaleFactor, 'scaleFactor', false, opName),
    recomputeScaleFactor,
  };
}

/** 1 / scaleFactor when one was given (and not recomputed), else in / out; as float32, PyTorch's type. */
function nearestScale(inSize: number, outSize: number, scaleFactor: number | undefined): number {
  return Math.fround(scaleFactor !== undefined ? 1 / scaleFactor : inSize / outSize);
}

/** PyTorch's nearest_idx / nearest_exact_idx: the source index for each output index along one axis. */
function nearestIndices(inSize: number, outSize: number, scaleFactor: number | undefined, exact: boolean): Int32Array {
  const scale = nearestScale(inSize, outSize, scaleFactor);
  return Int32Array.from({ length: outSize }, (_, dst) => {
    if (!exact && outSize === inSize) return dst;
    if (!exact && outSize === 2 * inSize) return dst >> 1;
    const src = Math.floor(Math.fround(exact ? (dst + 0.5) * scale : dst * scale));
    return Math.min(src, inSize - 1);
  });
}

/** PyTorch's area_pixel_compute_source_index and guard_index_and_lambda, in the input's float type. */
function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scaleFactor: number | undefined, float32: boolean): LinearTaps {
  const r = float32 ? Math.fround : (v: number) => v;
  const scale = alignCorners
    ? (outSize > 1 ? r((inSize - 1) / (outSize - 1)) : 0)
    : r(scaleFactor !== undefined ? 1 / scaleFactor : inSize / outSize);
  const taps: LinearTaps = {
    i0: new Int32Array(outSize),
    i1: new Int32Array(outSize),
    w0: new Float64Array(outSize),
    w1: new Float64Array(outSize),
  };
  for (let dst = 0; dst < outSize; dst++) {
    const src = alignCorners ? r(scale * dst) : Math.max(r(r(scale * r(dst + 0.5)) - 0.5), 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const w1 = Math.min(Math.max(r(src - i0), 0), 1);
    taps.i0[dst] = i0;
    taps.i1[dst] = i0 < inSize - 1 ? i0 + 1 : i0;
    taps.w1[dst] = w1;
    taps.w0[dst] = r(1 - w1);
  }
  return taps;
}

/**
 * Resize the height and width of x [batch, height, width, channels] (NHWC), as PyTorch's F.interpolate on
 * the equivalent NCHW tensor. Differentiable with respect to x.
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const { mode, alignCorners, size, scaleFactor, recomputeScaleFactor } = checkInterpolateOptions(options);
  assertRank4(x.shape, 'input', 'interpolate');
  if (!isFloat(x.dtype)) throw new Error(`interpolate: expects a float tensor, got ${x.dtype}`);
  const [batch, inH, inW, channels] = x.shape;
  if (inH === 0 || inW === 0) throw new Error(`interpolate: input ${formatShape(x.shape)} has no pixels to resize`);
  const [outH, outW] = size ?? [Math.floor(inH * scaleFactor![0]), Math.floor(inW * scaleFactor![1])];
  if (outH < 1 || outW < 1) {
    throw new Error(`interpolate: scaleFactor [${scaleFactor}] makes input ${formatShape(x.shape)} ${outH}x${outW}; the output must be at least 1x1`);
  }
  // PyTorch's kernels take 1 / scaleFactor as the scale when it was given (and not recomputed), else in / out.
  const scales = scaleFactor && !recomputeScaleFactor ? scaleFactor : [undefined, undefined];
  if (x.isShapeOnly) return shapeOnly([batch, outH, outW, channels], { dtype: x.dtype });
  const p: Resize2dGrid = { batch, inH, inW, channels, outH, outW };
  const xd = x.data as FloatArray;
  const y = allocateTensor('interpolate', [batch, outH, outW, channels], x.dtype) as FloatArray;
  const out = new Tensor(y, [batch, outH, outW, channels]);
  const backward = (dy: Tensor, kernel: (dyd: FloatArray, dx: FloatArray) => void) => [
    () => {
      const dx = allocate(x.dtype, x.size) as FloatArray;
      kernel(dy.to(x.dtype).data as FloatArray, dx);
      return new Tensor(dx, x.shape);
    },
  ];
  if (mode === 'bilinear') {
    const float32 = x.dtype === 'float32';
    const rows = linearTaps(inH, outH, alignCorners, scales[0], float32);
    const cols = linearTaps(inW, outW, alignCorners, scales[1], float32);
    runKernel('resizeBilinear', p, rows, cols, xd, y);
    return record(out, 'interpolateBilinear', [x], (dy) =>
      backward(dy, (dyd, dx) => runKernel('resizeBilinearBackward', p, rows, cols, dyd, dx)),
    );
  }
  const exact = mode === 'nearest-exact';
  const rows = nearestIndices(inH, outH, scales[0], exact);
  const cols = nearestIndices(inW, outW, scales[1], exact);
  runKernel('resizeNearest', p, rows, cols, xd, y);
  return record(out, 'interpolateNearest', [x], (dy) =>
    backward(dy, (dyd, dx) => runKernel('resizeNearestBackward', p, rows, cols, dyd, dx)),
  );
}
