// Shape and data-movement ops: reshape, flatten, permute, slice, pad, concat, broadcast.
import { Tensor } from '../tensor/tensor.js';
import { allocate } from '../tensor/dtype.js';
import { allocateTensor, assertAllocatable } from '../tensor/allocation.js';
import { type Shape, formatShape, normalizeAxis, shapesEqual, sizeOf, broadcastShapes } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { copyBox, permuteData, sliceData } from './movement-kernels.js';
import { mapBinary } from './elementwise-kernels.js';
import { sumTo } from './reduce.js';
import { indexSelect } from './indexing.js';

/** Same data, new shape; one dimension may be -1 (inferred). Shares the data array. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`reshape: only one dimension may be -1, got ${formatShape(shape)}`);
  let resolved = [...shape];
  if (unknown === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} values) into ${formatShape(shape)}`);
    }
    resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} values) into ${formatShape(shape)}`);
  }
  if (shapesEqual(resolved, x.shape)) return x;
  const out = x.isShapeOnly ? shapeOnly(resolved, { dtype: x.dtype }) : new Tensor(x.data, resolved);
  return record(out, 'reshape', [x], (dy) => [() => reshape(dy, x.shape)]);
}

/** Merge dimensions startDim..endDim into one (default: everything but the batch). */
export function flatten(x: Tensor, startDim = 1, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis(startDim, x.ndim, 'flatten');
  const e = normalizeAxis(endDim, x.ndim, 'flatten');
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = sizeOf(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Reorder dimensions: out.shape[i] = x.shape[dims[i]]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const perm = dims.map((d) => normalizeAxis(d, x.ndim, 'permute'));
  if (perm.length !== x.ndim || new Set(perm).size !== x.ndim) {
    throw new Error(`permute: ${formatShape(dims)} is not a permutation of the ${x.ndim} dimensions of ${formatShape(x.shape)}`);
  }
  if (perm.every((d, i) => d === i)) return x;
  if (x.isShapeOnly) return shapeOnly(perm.map((d) => x.shape[d]), { dtype: x.dtype });
  const out = new Tensor(permuteData(x.data, x.shape, perm), perm.map((d) => x.shape[d]));
  const inverse = new Array<number>(perm.length);
  perm.forEach((d, i) => (inverse[d] = i));
  return record(out, 'permute', [x], (dy) => [() => permute(dy, inverse)]);
}

/** Swap two dimensions. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  if (x.ndim < 2) return x;
  const a = normalizeAxis(dim0, x.ndim, 'transpose');
  const b = normalizeAxis(dim1, x.ndim, 'transpose');
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return permute(x, perm);
}

/** Remove a size-1 dimension (all of them when axis is omitted). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis(axis, x.ndim, 'squeeze');
  if (x.shape[a] !== 1) throw new Error(`squeeze: dimension ${axis} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/** Insert a size-1 dimension at axis. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/**
 * The box from starts (inclusive) to ends (exclusive) along the leading dimensions; missing ends mean
 * "to the end", negative values count from the end.
 */
export function slice(x: Tensor, starts: readonly number[], ends?: readonly number[]): Tensor {
  if (starts.length > x.ndim) throw new Error(`slice: ${starts.length} starts for a tensor of rank ${x.ndim}`);
  const begin = x.shape.map((d, i) => clampIndex(starts[i] ?? 0, d));
  const end = x.shape.map((d, i) => clampIndex(ends?.[i] ?? d, d));
  const outShape = begin.map((b, i) => Math.max(0, end[i] - b));
  if (shapesEqual(outShape, x.shape)) return x;
  if (x.isShapeOnly) return shapeOnly(outShape, { dtype: x.dtype });
  const out = new Tensor(sliceData(x.data, x.shape, begin, outShape), outShape);
  return record(out, 'slice', [x], (dy) => [
    () => {
      const g = allocate(dy.dtype, x.size);
      copyBox(dy.data, outShape, outShape.map(() => 0), g, x.shape, begin, outShape);
      return new Tensor(g, x.shape);
    },
  ]);
}

function clampIndex(i: number, size: number): number {
  const v = i < 0 ? i + size : i;
  return Math.min(Math.max(v, 0), size);
}

/** length items starting at start along axis. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis(axis, x.ndim, 'narrow');
  if (start < 0 || length < 0 || start + length > x.shape[a]) {
    throw new Error(`narrow: range ${start}..${start + length} is outside dimension ${a} of size ${x.shape[a]}`);
  }
  const starts = x.shape.map((_, i) => (i === a ? start : 0));
  const ends = x.shape.map((d, i) => (i === a ? start + length : d));
  return slice(x, starts, ends);
}

/** Materialise x broadcast to shape. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const target = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (!shapesEqual(target, shape)) {
    throw new Error(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (x.isShapeOnly) return shapeOnly(shape, { dtype: x.dtype });
  const zero = allocate(x.dtype, 1);
  const out = new Tensor(mapBinary(x.data, x.shape, zero, [], shape, x.dtype, (v) => v), shape);
  return record(out, 'broadcastTo', [x], (dy) => [() => sumTo(dy, x.shape)]);
}

export type PadMode = 'constant' | 'reflect' | 'replicate';

export interface PadOptions {
  /**
   * 'constant' fills with value; 'reflect' mirrors about the edge without repeating it (widths smaller than
   * the dimension); 'replicate' repeats the edge value. As PyTorch's F.pad modes.
   */
  mode?: PadMode;
  /** The fill for mode 'constant' (default 0). */
  value?: number;
}

/**
 * Pad each dimension with [before, after] cells, leading dimensions first (widths may be shorter than the
 * rank; NHWC images pad height and width with [[0, 0], [top, bottom], [left, right]]). The third argument
 * is the options, or the constant fill value.
 */
export function pad(x: Tensor, widths: ReadonlyArray<readonly [number, number]>, options: PadOptions | number = {}): Tensor {
  const { mode = 'constant', value = 0 } = typeof options === 'number' ? { value: options } : options;
  if (widths.length > x.ndim) throw new Error(`pad: ${widths.length} pad widths for a tensor of rank ${x.ndim}`);
  const w = x.shape.map((_, i) => widths[i] ?? [0, 0]);
  for (const [b, a] of w) {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new Error(`pad: widths must be non-negative integers, got ${JSON.stringify(widths)}`);
    }
  }
  const outShape = x.shape.map((d, i) => d + w[i][0] + w[i][1]);
  if (!x.isShapeOnly) assertAllocatable('pad', outShape, x.dtype);
  if (mode === 'reflect' || mode === 'replicate') return padByIndex(x, w, mode);
  if (mode !== 'constant') throw new Error(`pad: mode must be 'constant', 'reflect' or 'replicate', got ${JSON.stringify(mode)}`);
  if (x.isShapeOnly) return shapeOnly(outShape, { dtype: x.dtype });
  const data = allocateTensor('pad', outShape, x.dtype);
  if (value !== 0) data.fill(value);
  const offsets = w.map(([b]) => b);
  copyBox(x.data, x.shape, x.shape.map(() => 0), data, outShape, offsets, x.shape);
  const out = new Tensor(data, outShape);
  return record(out, 'pad', [x], (dy) => [() => slice(dy, offsets, offsets.map((o, i) => o + x.shape[i]))]);
}

/** Reflect or replicate padding as an indexSelect per padded dimension (its gradient adds the copies back). */
function padByIndex(x: Tensor, widths: ReadonlyArray<readonly [number, number]>, mode: 'reflect' | 'replicate'): Tensor {
  let out = x;
  widths.forEach(([before, after], d) => {
    if (before === 0 && after === 0) return;
    const n = x.shape[d];
    if (mode === 'reflect' && Math.max(before, after) >= n) {
      throw new Error(`pad: 'reflect' widths [${before}, ${after}] of dimension ${d} must be smaller than its size ${n} (input ${formatShape(x.shape)})`);
    }
    if (n === 0) throw new Error(`pad: 'replicate' cannot pad dimension ${d} of ${formatShape(x.shape)}: it is empty`);
    const source = Int32Array.from({ length: n + before + after }, (_, o) => {
      const i = o - before;
      if (mode === 'replicate') return Math.min(Math.max(i, 0), n - 1);
      return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    });
    out = indexSelect(out, d, new Tensor(source, [source.length]));
  });
  return out;
}

/** Join tensors along an existing axis (channel concat for Inception is axis -1 in NHWC). */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  const first = tensors[0];
  const a = normalizeAxis(axis, first.ndim, 'concat');
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new Error(
        `concat: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} differ outside axis ${axis}`,
      );
    }
  }
  const dtype = first.dtype;
  const outShape = [...first.shape];
  outShape[a] = tensors.reduce((s, t) => s + t.shape[a], 0);
  if (anyShapeOnly(...tensors)) return shapeOnly(outShape, { dtype });
  const data = allocate(dtype, sizeOf(outShape));
  const starts: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    const start = outShape.map((_, i) => (i === a ? offset : 0));
    starts.push(offset);
    copyBox(t.data, t.shape, t.shape.map(() => 0), data, outShape, start, t.shape);
    offset += t.shape[a];
  }
  const out = new Tensor(data, outShape);
  return record(
    out,
    'concat',
    tensors,
    (dy) => tensors.map((t, k) => () => narrow(dy, a, starts[k], t.shape[a])),
  );
}

/** Join tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('stack: needs at least one tensor');
  return concat(
    tensors.map((t) => unsqueeze(t, axis < 0 ? axis + t.ndim + 1 : axis)),
    axis,
  );
}

export type { Shape };
