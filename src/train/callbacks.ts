// The hooks fit() calls while it trains, in Keras's order: onTrainBegin, then per epoch onEpochBegin,
// onBatchEnd after every optimiser step, onEpochEnd (after validation), and finally onTrainEnd.
// A hook may be async; fit awaits it before going on.
import type { TrainingContext } from './training-context.js';
import type { BatchLogs, EpochLogs, History } from './history.js';

export type MaybePromise = void | Promise<void>;

export interface Callback {
  onTrainBegin?(context: TrainingContext): MaybePromise;
  /** epoch counts from 1. */
  onEpochBegin?(epoch: number, context: TrainingContext): MaybePromise;
  onBatchEnd?(logs: BatchLogs, context: TrainingContext): MaybePromise;
  onEpochEnd?(logs: EpochLogs, context: TrainingContext): MaybePromise;
  onTrainEnd?(history: History, context: TrainingContext): MaybePromise;
  /** Training stopped with an error (fit rethrows it after every callback has heard): release what you hold. */
  onTrainError?(error: unknown, context: TrainingContext): MaybePromise;
}

/** Calls each hook on every callback, in the order given. */
export class CallbackList {
  constructor(private readonly callbacks: readonly Callback[]) {}

  async trainBegin(context: TrainingContext): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(context);
  }
  async epochBegin(epoch: number, context: TrainingContext): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, context);
  }
  async batchEnd(logs: BatchLogs, context: TrainingContext): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(logs, context);
  }
  async epochEnd(logs: EpochLogs, context: TrainingContext): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(logs, context);
  }
  async trainEnd(history: History, context: TrainingContext): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(history, context);
  }
  /** Tell every callback about the error; a failing hook must not hide the original error. */
  async trainError(error: unknown, context: TrainingContext): Promise<void> {
    for (const c of this.callbacks) {
      try {
        await c.onTrainError?.(error, context);
      } catch {
        // the training error is the one the caller needs to see
      }
    }
  }
}
