// A time budget for training (Ultralytics' `time=`): stop after the epoch during which the budget ran out.
// Checked at epoch ends, so checkpoints and logs stay whole epochs; the clock starts at onTrainBegin.
import type { Callback } from './callbacks.js';

/** Stop fit() after the first epoch that ends with more than `seconds` of training behind it. */
export function timeLimit(seconds: number, now: () => number = Date.now): Callback {
  if (!(seconds > 0 && Number.isFinite(seconds))) throw new Error(`timeLimit: seconds must be a positive number, got ${seconds}`);
  let started = 0;
  return {
    onTrainBegin: () => void (started = now()),
    onEpochEnd: (_logs, context) => {
      if (now() - started > seconds * 1000) context.stopTraining = true;
    },
  };
}
