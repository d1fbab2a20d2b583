// Dense vector arithmetic on flat float arrays, for optimisers that treat all parameters as one vector
// (L-BFGS). Sums accumulate in float64 whatever the storage.
import type { FloatArray } from '../backend/backend.js';

export function dot(a: FloatArray, b: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** max |a_i| (0 for an empty vector). */
export function absMax(a: FloatArray): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function absSum(a: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}

/** y += alpha * x, in place. */
export function axpy(alpha: number, x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** A new vector alpha * x, of x's array type. */
export function scaled(alpha: number, x: FloatArray): FloatArray {
  const out = x.slice();
  for (let i = 0; i < out.length; i++) out[i] *= alpha;
  return out;
}

/** A new vector a - b, of a's array type. */
export function difference(a: FloatArray, b: FloatArray): FloatArray {
  const out = a.slice();
  for (let i = 0; i < out.length; i++) out[i] -= b[i];
  return out;
}
