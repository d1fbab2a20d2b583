// Linear learning-rate warm-up for the first N steps, optionally handing over to another schedule: PyTorch's
// SequentialLR([LinearLR(optimizer, startFactor, 1, N), after], milestones=[N]) in closed form.
import { LRScheduler, checkFiniteNumber, checkPositiveInteger, type SchedulableOptimizer } from './lr-scheduler.js';

export interface LinearWarmupOptions {
  /** The lr at step 0 as a fraction of the initial lr (PyTorch LinearLR's start_factor, default 1/3). */
  startFactor?: number;
  /** The schedule to follow after warm-up, made on the same optimiser; step the warm-up, not it. */
  after?: LRScheduler;
}

/**
 * For step < warmupSteps: lr = baseLr * (startFactor + (1 - startFactor) * step / warmupSteps);
 * afterwards `after`'s lr at (step - warmupSteps), or baseLr when there is no `after`.
 */
export class LinearWarmup extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, warmupSteps: number, options: LinearWarmupOptions = {}) {
    const { startFactor = 1 / 3, after } = options;
    checkPositiveInteger('LinearWarmup', 'warmupSteps', warmupSteps);
    if (!(startFactor > 0 && startFactor <= 1)) throw new Error(`LinearWarmup: startFactor must be in (0, 1], got ${startFactor}`);
    if (after !== undefined) {
      if (!(after instanceof LRScheduler)) throw new Error('LinearWarmup: after must be a learning-rate scheduler');
      if (after.optimizer !== optimizer) throw new Error('LinearWarmup: after must schedule the same optimiser as the warm-up');
      if (after.lastEpoch !== 0) throw new Error(`LinearWarmup: after has already been stepped ${after.lastEpoch} time(s); pass a fresh schedule`);
    }
    super(
      optimizer,
      (step, base, i) => {
        if (step < warmupSteps) return base * (startFactor + ((1 - startFactor) * step) / warmupSteps);
        return after ? after.lrAt(step - warmupSteps, i) : base;
      },
      // `after` may already have moved the lr away from the initial one (PyTorch keeps initial_lr for this).
      after?.baseLrs,
    );
  }
}

/** Warm `schedule` up linearly over its first `warmupSteps` steps: `warmup(new CosineAnnealingLR(opt, 90), 10)`. */
export function warmup(schedule: LRScheduler, warmupSteps: number, startFactor?: number): LinearWarmup {
  return new LinearWarmup(schedule.optimizer, warmupSteps, { startFactor, after: schedule });
}
