// Indexing with int32 index tensors, as PyTorch's index_select, gather and take. Each gradient scatters dy
// back to the positions that were read, adding where an index repeats.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { formatShape, normalizeAxis, sizeOf, stridesOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { shapeOnly } from '../tensor/shape-only.js';

/** The index values, checked to be int32; null for a shape-only index. */
function indexData(op: string, index: Tensor): Int32Array | null {
  if (index.dtype !== 'int32') {
    throw new Error(`${op}: index must be an int32 tensor (as argmax, topk and argsort return, or tensor(values, shape, { dtype: 'int32' })), got ${index.dtype}`);
  }
  return index.isShapeOnly ? null : (index.data as Int32Array);
}

function outOfRange(op: string, value: number, size: number, where: string, negativeAllowed: boolean): Error {
  const valid = size === 0 ? 'none: it is empty' : negativeAllowed ? `${-size}..${size - 1}` : `0..${size - 1}`;
  return new Error(`${op}: index ${value} is out of range for ${where} of size ${size} (valid: ${valid})`);
}

/**
 * The slices x[..., index[k], ...] along dim, in the order of index (repeats allowed): out.shape is x.shape
 * with dim's size replaced by index.length. index is a 1-D int32 tensor.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeAxis(dim, x.ndim, 'indexSelect');
  const idx = indexData('indexSelect', index);
  if (index.ndim !== 1) throw new Error(`indexSelect: index must be 1-D, got shape ${formatShape(index.shape)}`);
  if (idx === null || x.isShapeOnly) return shapeOnly(x.shape.map((s, i) => (i === d ? index.size : s)), { dtype: x.dtype });
  const size = x.shape[d];
  for (const i of idx) if (i < 0 || i >= size) throw outOfRange('indexSelect', i, size, `dimension ${d} of ${formatShape(x.shape)}`, false);
  const outer = sizeOf(x.shape.slice(0, d));
  const inner = sizeOf(x.shape.slice(d + 1));
  const outShape = x.shape.map((s, i) => (i === d ? idx.length : s));
  const out = allocate(x.dtype, sizeOf(outShape));
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < idx.length; k++) {
      const from = (o * size + idx[k]) * inner;
      out.set(x.data.subarray(from, from + inner), (o * idx.length + k) * inner);
    }
  }
  return record(new Tensor(out, outShape), 'indexSelect', [x], (dy) => [
    () => {
      const dx = allocate(dy.dtype, x.size);
      for (let o = 0; o < outer; o++) {
        for (let k = 0; k < idx.length; k++) {
          const to = (o * size + idx[k]) * inner;
          const from = (o * idx.length + k) * inner;
          for (let j = 0; j < inner; j++) dx[to + j] += dy.data[from + j];
        }
      }
      return new Tensor(dx, x.shape);
    },
  ]);
}

/**
 * out[i0, ..., i_dim, ...] = x[i0, ..., index[i0, ..., i_dim, ...], ...]: one element per index position,
 * read along dim. index has x's rank and no dimension larger than x's (except along dim); out has index's shape.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeAxis(dim, x.ndim, 'gather');
  const idx = indexData('gather', index);
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new Error(
      `gather: index ${formatShape(index.shape)} must have the rank of input ${formatShape(x.shape)} and no dimension larger than the input's, except dimension ${d}`,
    );
  }
  if (idx === null || x.isShapeOnly) return shapeOnly(index.shape, { dtype: x.dtype });
  const sources = gatherSources(x.shape, d, index.shape, idx);
  const out = allocate(x.dtype, idx.length);
  for (let p = 0; p < idx.length; p++) out[p] = x.data[sources[p]];
  return record(new Tensor(out, index.shape), 'gather', [x], (dy) => [() => scatterAdd(dy, sources, x.shape)]);
}

/** Flat offsets into x read by gather, with the range check. */
function gatherSources(xShape: readonly number[], d: number, indexShape: readonly number[], idx: Int32Array): Int32Array {
  const xStrides = stridesOf(xShape);
  const iStrides = stridesOf(indexShape);
  const sources = new Int32Array(idx.length);
  for (let p = 0; p < idx.length; p++) {
    const i = idx[p];
    if (i < 0 || i >= xShape[d]) throw outOfRange('gather', i, xShape[d], `dimension ${d} of input ${formatShape(xShape)}`, false);
    let offset = 0;
    for (let a = 0; a < indexShape.length; a++) {
      const coord = Math.floor(p / iStrides[a]) % indexShape[a];
      offset += (a === d ? i : coord) * xStrides[a];
    }
    sources[p] = offset;
  }
  return sources;
}

/** Elements of x read as a flat (row-major) array; out has index's shape. Negative indices count from the end. */
export function take(x: Tensor, index: Tensor): Tensor {
  const idx = indexData('take', index);
  if (idx === null || x.isShapeOnly) return shapeOnly(index.shape, { dtype: x.dtype });
  const sources = new Int32Array(idx.length);
  for (let p = 0; p < idx.length; p++) {
    const i = idx[p];
    if (i < -x.size || i >= x.size) throw outOfRange('take', i, x.size, `input ${formatShape(x.shape)} read flat`, true);
    sources[p] = i < 0 ? i + x.size : i;
  }
  const out = allocate(x.dtype, idx.length);
  for (let p = 0; p < idx.length; p++) out[p] = x.data[sources[p]];
  return record(new Tensor(out, index.shape), 'take', [x], (dy) => [() => scatterAdd(dy, sources, x.shape)]);
}

/** dx (shape) with dy[p] added at flat offset sources[p]: the gradient of a read of those offsets. */
function scatterAdd(dy: Tensor, sources: Int32Array, shape: readonly number[]): Tensor {
  const dx = allocate(isFloat(dy.dtype) ? dy.dtype : 'float32', sizeOf(shape));
  for (let p = 0; p < sources.length; p++) dx[sources[p]] += dy.data[p];
  return new Tensor(dx, shape);
}
