// The detector's learning-rate schedule, as Ultralytics trains: a linear warm-up from warmupStart x lr, then a
// cosine from lr down to finalFactor x lr (Ultralytics' lrf, 0.01), set before every optimiser step. Given a
// time budget, the cosine follows whichever of steps and elapsed time is further along, and training stops
// when the budget is spent, mid-epoch if need be (as Ultralytics' `time=`): a run given N minutes ends
// annealed within them however fast or loaded the machine is. The lr depends only on the step count and the
// clock, so a resumed run (its step restored) picks the schedule up where it stopped.
import type { Callback } from '../train/callbacks.js';
import type { AnyOptimizer, TrainingContext } from '../train/training-context.js';

export interface DetectionScheduleOptions {
  /** Optimiser steps the cosine spans (epochs x batches per epoch). */
  totalSteps: number;
  /** Steps of linear warm-up (default 0). */
  warmupSteps?: number;
  /** The warm-up's first lr as a fraction of the lr (default 0.1). */
  warmupStart?: number;
  /** The lr at the end as a fraction of the lr (default 0.01, Ultralytics' lrf). */
  finalFactor?: number;
  /** A time budget in seconds (from onTrainBegin): the schedule also spans it, and training stops at its end. */
  seconds?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

/** The schedule's lr factor at `step` with `progress` in [0, 1] along the cosine. */
export function detectionLrFactor(step: number, progress: number, options: Pick<DetectionScheduleOptions, 'warmupSteps' | 'warmupStart' | 'finalFactor'> = {}): number {
  const { warmupSteps = 0, warmupStart = 0.1, finalFactor = 0.01 } = options;
  const warm = step < warmupSteps ? warmupStart + ((1 - warmupStart) * step) / warmupSteps : 1;
  const p = Math.min(1, Math.max(0, progress));
  return warm * (finalFactor + ((1 - finalFactor) * (1 + Math.cos(Math.PI * p))) / 2);
}

function checkOptions(options: DetectionScheduleOptions): void {
  const { totalSteps, warmupSteps = 0, warmupStart = 0.1, finalFactor = 0.01, seconds } = options;
  const problems: string[] = [];
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) problems.push(`totalSteps must be a positive integer, got ${totalSteps}`);
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) problems.push(`warmupSteps must be a non-negative integer, got ${warmupSteps}`);
  if (!(warmupStart > 0 && warmupStart <= 1)) problems.push(`warmupStart must be in (0, 1], got ${warmupStart}`);
  if (!(finalFactor >= 0 && finalFactor <= 1)) problems.push(`finalFactor must be in [0, 1], got ${finalFactor}`);
  if (seconds !== undefined && !(seconds > 0 && Number.isFinite(seconds))) problems.push(`seconds must be a positive number, got ${seconds}`);
  if (problems.length) throw new Error(`detectionSchedule: ${problems.join('; ')}`);
}

/** A callback that sets the optimiser's lr (each group's, from the lr it has now) before every step. */
export function detectionSchedule(optimizer: AnyOptimizer, options: DetectionScheduleOptions): Callback {
  checkOptions(options);
  const { totalSteps, seconds, now = Date.now } = options;
  const baseLrs = optimizer.paramGroups.map((g) => g.lr);
  let started = 0;
  const apply = (context: TrainingContext, elapsedMs: number): void => {
    const step = context.progress().step;
    const progress = Math.max(step / totalSteps, seconds === undefined ? 0 : elapsedMs / (seconds * 1000));
    if (seconds !== undefined && progress >= 1) context.stopTraining = true;
    const factor = detectionLrFactor(step, progress, options);
    optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i] * factor));
  };
  return {
    onTrainBegin: (context) => {
      started = now();
      apply(context, 0);
    },
    onBatchEnd: (_logs, context) => apply(context, now() - started),
  };
}
