// Counting what a broken model gives instead of numbers: NaN or ±Infinity in its outputs.
import type { Tensor } from '../tensor/tensor.js';

/** Rows of output [N, ...] (one per sample) holding at least one NaN or ±Infinity. */
export function countNonFiniteRows(output: Tensor): number {
  const n = output.shape[0] ?? 1;
  const rowSize = n === 0 ? 0 : output.size / n;
  const data = output.data;
  let rows = 0;
  for (let i = 0; i < n; i++) {
    for (let k = i * rowSize, end = k + rowSize; k < end; k++) {
      if (!Number.isFinite(data[k])) {
        rows++;
        break;
      }
    }
  }
  return rows;
}
