// What a checkpoint must hold for training to continue exactly where it stopped, in plain data so that
// any storage (a file in Node, IndexedDB in a browser) can keep it.
import type { StateDict } from '../nn/module.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import type { LRSchedulerState } from '../optim/lr-scheduler.js';
import type { EpochLogs } from './history.js';
import type { JsonValue } from '../io/json-value.js';

/** Where training stands after an epoch: everything but the tensors. */
export interface TrainingProgress {
  /** Epochs completed (counting from 1, so the next epoch is epoch + 1). */
  epoch: number;
  /** Optimiser steps taken in all. */
  step: number;
  /** The run's seed: each epoch's shuffling and dropout are seeded from (seed, epoch). */
  seed: number;
  /** The logs of the completed epochs. */
  history: EpochLogs[];
  /** The learning-rate schedule's position, when the run has one. */
  scheduler?: LRSchedulerState;
}

/** A saved run: model weights, optimiser state and progress. fit({ resumeFrom }) continues it. */
export interface TrainingState {
  model: StateDict;
  optimizer: OptimizerStateDict;
  progress: TrainingProgress;
  /** What the run trains, as the checkpoint recorded it (ModelCheckpoint's runInfo). */
  runInfo?: JsonValue;
}

/** Check that a value read back from storage has the shape of TrainingProgress; throw naming what is wrong. */
export function checkTrainingProgress(value: unknown, where: string): TrainingProgress {
  const p = value as Partial<TrainingProgress> | null;
  const problems: string[] = [];
  if (p === null || typeof p !== 'object') throw new Error(`${where}: training progress must be an object, got ${String(value)}`);
  for (const key of ['epoch', 'step', 'seed'] as const) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) problems.push(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  if (!Array.isArray(p.history)) problems.push(`history must be an array of epoch logs, got ${JSON.stringify(p.history)}`);
  if (problems.length) throw new Error(`${where}: bad training progress: ${problems.join('; ')}`);
  return p as TrainingProgress;
}
