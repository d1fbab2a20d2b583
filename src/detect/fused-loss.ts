// What the YOLO losses that run as one pass (region-loss.ts, modern-loss.ts) share: the terms they report,
// the float64 sigmoid and exp bound of decoding, the landmark term, and the op that records the total with its
// gradient.
import { Tensor } from '../tensor/tensor.js';
import { allocate } from '../tensor/dtype.js';
import { record } from '../autograd/node.js';

export interface LossTerms {
  box: number;
  objectness: number;
  /** The region loss's no-object term (0 in the modern variant, whose objectness term covers every anchor). */
  noObject: number;
  classes: number;
  landmarks: number;
}

// As decodeBoxes: exp(tw) is bounded so that an untrained head cannot overflow (no gradient above it).
export const MAX_LOG_SCALE = 16;

/** Two branches so exp never overflows. */
export const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** The scalar loss `value` of `raw`, recorded with d value / d raw = `grad` (computed in the same pass). */
export function recordLoss(op: string, raw: Tensor, value: number, grad: Float64Array): Tensor {
  const out = allocate(raw.dtype, 1);
  out[0] = value;
  return record(new Tensor(out, []), op, [raw], (dy) => [
    () => {
      const s = dy.data[0];
      const dx = allocate(raw.dtype, raw.size);
      for (let i = 0; i < dx.length; i++) dx[i] = grad[i] * s;
      return new Tensor(dx, raw.shape);
    },
  ]);
}

/**
 * One assigned cell's landmark term: adds `gradScale` * mask * error to the gradient of its 2l landmark outputs
 * (from `offset` in the cell's row at `at`) and returns the masked squared error.
 */
export function landmarkError(
  x: ArrayLike<number>, at: number, offset: number, targets: ArrayLike<number>, mask: ArrayLike<number>,
  cell: number, l: number, gradScale: number, grad: Float64Array,
): number {
  let sum = 0;
  for (let j = 0; j < 2 * l; j++) {
    const m = mask[cell * 2 * l + j];
    if (m === 0) continue;
    const e = x[at + offset + j] - targets[cell * 2 * l + j];
    sum += m * e * e;
    grad[at + offset + j] += gradScale * m * e;
  }
  return sum;
}
