import type { Tensor } from './tensor.js';
import { formatShape } from './shape.js';

const MAX_PER_DIM = 6; // elide the middle of long dimensions, as NumPy does

function formatNumber(v: number, isInt: boolean): string {
  if (isInt) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return v.toFixed(1).replace(/\.0$/, '.');
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toFixed(4)));
}

/** Readable multi-line text: nested brackets, aligned columns, shape and dtype footer. */
export function formatTensor(t: Tensor): string {
  if (t.isShapeOnly) return `tensor(shape-only, shape=${formatShape(t.shape)}, dtype=${t.dtype})`;
  const isInt = t.dtype === 'int32';
  const cells = Array.from(t.data, (v) => formatNumber(v, isInt));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 0);
  const strides: number[] = [];
  let s = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    strides[i] = s;
    s *= t.shape[i];
  }
  const render = (dim: number, offset: number, indent: string): string => {
    if (dim === t.ndim) return cells[offset].padStart(width);
    const n = t.shape[dim];
    const idx =
      n > MAX_PER_DIM
        ? [0, 1, 2, -1, n - 3, n - 2, n - 1]
        : Array.from({ length: n }, (_, i) => i);
    const parts = idx.map((i) => (i === -1 ? '...' : render(dim + 1, offset + i * strides[dim], indent + ' ')));
    const sep = dim === t.ndim - 1 ? ', ' : ',\n' + '\n'.repeat(Math.max(0, t.ndim - dim - 2)) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  const body = t.ndim === 0 ? cells[0] : render(0, 0, '');
  const grad = t.requiresGrad ? ', requiresGrad' : '';
  return `tensor(${body.replace(/\n/g, '\n       ')}, shape=${formatShape(t.shape)}, dtype=${t.dtype}${grad})`;
}
