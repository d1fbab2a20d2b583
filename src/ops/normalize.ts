// Lp normalisation along an axis (PyTorch's F.normalize): x / max(||x||_p, eps), on a p-norm primitive whose
// gradient is defined where the norm is 0 (the composite sqrt(sum(x^2)) would give 0 * Infinity = NaN there).
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { clamp, div } from './arithmetic.js';

export interface NormalizeOptions {
  /** The norm's exponent, a positive number (default 2). */
  p?: number;
  /** The axis normalised (default -1: the channels in NHWC, the features of [N, D] embeddings). */
  dim?: number;
  /** Lower bound on the norm, so zero vectors give zeros rather than NaN (default 1e-12). */
  eps?: number;
}

/** x / max(||x||_p, eps) along dim, as PyTorch's F.normalize (whose default dim is NCHW's channel axis, 1). */
export function normalize(x: Tensor, options: NormalizeOptions = {}): Tensor {
  const { p = 2, dim = -1, eps = 1e-12 } = options;
  if (!isFloat(x.dtype)) throw new Error(`normalize: expects a float tensor, got ${x.dtype}`);
  if (!(p > 0 && Number.isFinite(p))) throw new Error(`normalize: p must be a positive finite number, got ${p}`);
  if (!(eps >= 0)) throw new Error(`normalize: eps must be >= 0, got ${eps}`);
  return div(x, clamp(pNorm(x, p, normalizeAxis(dim, x.ndim, 'normalize')), eps));
}

/**
 * (sum |x|^p)^(1/p) along axis, the axis kept as 1. x [outer, n, inner] -> norm [outer, 1, inner].
 * Gradient dy * x |x|^(p-2) / norm^(p-1) (sign(x) dy for p = 1), 0 where the norm is 0 or x is 0 (PyTorch
 * masks the zero norm too, but gives NaN at x = 0 for p < 2, where the derivative is 0).
 */
function pNorm(x: Tensor, p: number, axis: number): Tensor {
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const keptShape = x.shape.map((d, i) => (i === axis ? 1 : d));
  if (x.isShapeOnly) return shapeOnly(keptShape, { dtype: x.dtype });
  const xs = x.data;
  const norm = allocate(x.dtype, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let total = 0;
      for (let k = 0; k < n; k++) {
        const v = Math.abs(xs[(o * n + k) * inner + i]);
        total += p === 2 ? v * v : p === 1 ? v : Math.pow(v, p);
      }
      norm[o * inner + i] = p === 2 ? Math.sqrt(total) : p === 1 ? total : Math.pow(total, 1 / p);
    }
  }
  return record(new Tensor(norm, keptShape), 'pNorm', [x], (dy) => [
    () => {
      const dx = allocate(x.dtype, x.size);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const r = norm[o * inner + i];
          const g = dy.data[o * inner + i];
          for (let k = 0; k < n; k++) {
            const j = (o * n + k) * inner + i;
            const v = xs[j];
            dx[j] = r === 0 || v === 0 ? 0 : p === 1 ? Math.sign(v) * g : (g * v * Math.pow(Math.abs(v), p - 2)) / Math.pow(r, p - 1);
          }
        }
      }
      return new Tensor(dx, x.shape);
    },
  ]);
}
