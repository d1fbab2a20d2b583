// sort, argsort and topk along a dimension, as PyTorch's (sort with stable=True). NaN counts as larger than
// every number, as in PyTorch: last ascending, first descending, first among the largest. Ties keep their
// original order (ascending and descending alike). The values are gather(x, dim, indices), so their
// gradient goes back to the positions they came from.
import { Tensor } from '../tensor/tensor.js';
import { formatShape, normalizeAxis, sizeOf } from '../tensor/shape.js';
import { gather } from './indexing.js';
import { shapeOnly } from '../tensor/shape-only.js';

export interface SortOptions {
  /** Default -1 (the last dimension; channels for NHWC). */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
}

export interface TopkOptions {
  dim?: number;
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** In order, largest (or smallest) first (default); false: in their order along dim. */
  sorted?: boolean;
}

export interface ValuesAndIndices {
  values: Tensor;
  /** int32 positions along dim. */
  indices: Tensor;
}

/** a before b? NaN above every number; ties compare equal (the stable sort then keeps their order). */
function ascending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * For every line along dim: the positions of its elements in compare's order, the first `keep` of them
 * (put back in position order when byPosition). int32, x's shape with dim's size replaced by keep.
 */
function orderAlong(x: Tensor, d: number, keep: number, compare: (a: number, b: number) => number, byPosition: boolean): Tensor {
  const n = x.shape[d];
  const inner = sizeOf(x.shape.slice(d + 1));
  const outer = sizeOf(x.shape.slice(0, d));
  const outShape = x.shape.map((s, a) => (a === d ? keep : s));
  if (x.isShapeOnly) return shapeOnly(outShape, { dtype: 'int32' });
  const out = new Int32Array(outer * keep * inner);
  const positions = new Array<number>(n);
  const line = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let k = 0; k < n; k++) line[k] = x.data[(o * n + k) * inner + i];
      for (let k = 0; k < n; k++) positions[k] = k;
      positions.sort((p, q) => compare(line[p], line[q])); // Array.prototype.sort is stable
      const kept = positions.slice(0, keep);
      if (byPosition) kept.sort((p, q) => p - q);
      for (let k = 0; k < keep; k++) out[(o * keep + k) * inner + i] = kept[k];
    }
  }
  return new Tensor(out, outShape);
}

/** Positions that sort x along dim (int32), stable. */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  const d = normalizeAxis(options.dim ?? -1, x.ndim, 'argsort');
  const compare = options.descending ? (a: number, b: number) => ascending(b, a) : ascending;
  return orderAlong(x, d, x.shape[d], compare, false);
}

/** x sorted along dim (stable), with the positions the values came from. */
export function sort(x: Tensor, options: SortOptions = {}): ValuesAndIndices {
  const d = normalizeAxis(options.dim ?? -1, x.ndim, 'sort');
  const indices = argsort(x, { ...options, dim: d });
  return { values: gather(x, d, indices), indices };
}

/** The k largest (or smallest) elements along dim and their positions. */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): ValuesAndIndices {
  const d = normalizeAxis(options.dim ?? -1, x.ndim, 'topk');
  if (!Number.isInteger(k) || k < 0 || k > x.shape[d]) {
    throw new Error(`topk: k must be an integer from 0 to the size ${x.shape[d]} of dimension ${d} of ${formatShape(x.shape)}, got ${k}`);
  }
  const largest = options.largest ?? true;
  const compare = largest ? (a: number, b: number) => ascending(b, a) : ascending;
  const indices = orderAlong(x, d, k, compare, options.sorted === false);
  return { values: gather(x, d, indices), indices };
}
