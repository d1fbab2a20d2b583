// The view of a running fit() that callbacks get: the model and optimiser, where training stands, and a
// flag to stop it.
import type { Module } from '../nn/module.js';
import type { BaseHyperParams, Optimizer } from '../optim/optimizer.js';
import type { EpochLogs } from './history.js';
import type { TrainingProgress } from './training-state.js';

export type AnyOptimizer = Optimizer<BaseHyperParams>;

export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: AnyOptimizer;
  /** The epoch fit() ends at (counting from 1). */
  readonly epochs: number;
  /** Epochs already done when this fit() call began (non-zero when resuming). */
  readonly initialEpoch: number;
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
  /** Samples per epoch, when the loader's dataset tells. */
  readonly samplesPerEpoch: number | undefined;
  /** Logs of every completed epoch, including those before a resume. */
  readonly history: readonly EpochLogs[];
  /** Set by a callback to end training: after the current epoch, or after the current batch when set in onBatchEnd. */
  stopTraining: boolean;
  /** Progress to save in a checkpoint after the current epoch. */
  progress(): TrainingProgress;
}
