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

/** What fit does with a non-finite loss or gradient norm. */
export type NonFinitePolicy = 'stop' | 'skip' | 'continue';
export const NON_FINITE_POLICIES: readonly NonFinitePolicy[] = ['stop', 'skip', 'continue'];

export interface NonFiniteValue {
  what: 'loss' | 'gradient norm';
  value: number;
}

interface StepPosition {
  epoch: number;
  /** The optimiser step this batch would have made (counting from 1 over the whole run). */
  step: number;
  batch: number;
  batches: number;
  lr: number;
  x: Tensor;
}

/** fit's error for a non-finite loss or gradient norm: where, whether the input was the cause, what to do. */
export function nonFiniteStepError({ what, value }: NonFiniteValue, { epoch, step, batch, batches, lr, x }: StepPosition): Error {
  let badInputs = 0;
  for (const v of x.data) if (!Number.isFinite(v)) badInputs++;
  const cause = badInputs ? `; the batch's input holds ${badInputs} non-finite value(s)` : '';
  return new Error(
    `fit: the ${what} became ${value} at epoch ${epoch}, batch ${batch} of ${batches} (step ${step}, learning rate ${lr})${cause}. ` +
      `Stopped before the optimiser step: the weights (and any checkpoint) are those of the last good step. ` +
      `Lower the learning rate, set clipGradNorm or check the data; nonFinite: 'skip' skips such batches, 'continue' steps anyway (as PyTorch)`,
  );
}
