// Learning-rate schedules in PyTorch's closed forms. A scheduler counts its own step() calls: call it once per
// epoch for epoch-based schedules (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR with tMax in epochs)
// or once per batch when the schedule is measured in batches (OneCycleLR, warm-up over N batches). The lr a
// schedule gives depends only on that count, so the same schedule works either way. Call optimizer.step()
// before scheduler.step(), as in PyTorch.

/** What a scheduler needs of an optimiser: its groups' learning rates, which it sets. */
export interface SchedulableOptimizer {
  readonly paramGroups: ReadonlyArray<{ lr: number }>;
}

/** The learning rate of group `groupIndex` after `step` scheduler steps, from the group's initial lr. */
export type LrFormula = (step: number, baseLr: number, groupIndex: number) => number;

export interface LRSchedulerState {
  lastEpoch: number;
  baseLrs: number[];
}

export abstract class LRScheduler {
  /** Each group's learning rate when the scheduler was made (PyTorch's initial_lr). */
  readonly baseLrs: number[];
  /** How many times step() has been called: the epoch (or batch) the current lr belongs to. */
  lastEpoch = 0;
  private lastLrs: number[] = [];

  /** Sets each group's lr to the schedule's value at step 0. */
  protected constructor(
    readonly optimizer: SchedulableOptimizer,
    private readonly formula: LrFormula,
    baseLrs?: readonly number[],
  ) {
    if (!Array.isArray(optimizer?.paramGroups)) throw new Error(`${new.target.name}: the first argument must be an optimiser (SGD, Adam, ...)`);
    this.baseLrs = baseLrs ? [...baseLrs] : optimizer.paramGroups.map((g) => g.lr);
    this.setLrs(0);
  }

  /** The learning rate this schedule gives group `groupIndex` after `step` steps (no side effects). */
  lrAt(step: number, groupIndex = 0): number {
    return this.formula(step, this.baseLrs[groupIndex], groupIndex);
  }

  /** Advance one epoch (or batch) and set each group's lr. */
  step(): void {
    this.setLrs(this.lastEpoch + 1);
  }

  /** The learning rates set by the last step (or by the constructor), one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): LRSchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Resume a schedule: sets the step count and initial lrs, and the groups' lrs to match. */
  loadStateDict(state: LRSchedulerState): void {
    const groups = this.optimizer.paramGroups.length;
    if (!state || !Number.isInteger(state.lastEpoch) || state.lastEpoch < 0) {
      throw new Error(`LRScheduler.loadStateDict: lastEpoch must be an integer >= 0, got ${String(state?.lastEpoch)}`);
    }
    if (!Array.isArray(state.baseLrs) || state.baseLrs.length !== groups || !state.baseLrs.every((lr) => Number.isFinite(lr))) {
      throw new Error(`LRScheduler.loadStateDict: baseLrs must be ${groups} finite number(s) (one per parameter group), got ${JSON.stringify(state.baseLrs)}`);
    }
    this.baseLrs.splice(0, this.baseLrs.length, ...state.baseLrs);
    this.setLrs(state.lastEpoch);
  }

  /** Set every group's lr for `step` (computed first, so a schedule that throws changes nothing). */
  private setLrs(step: number): void {
    const lrs = this.optimizer.paramGroups.map((_, i) => this.lrAt(step, i));
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLrs = lrs;
    this.lastEpoch = step;
  }
}

export function checkPositiveInteger(scheduler: string, option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${scheduler}: ${option} must be a positive integer, got ${value}`);
}

export function checkFiniteNumber(scheduler: string, option: string, value: number, min = -Infinity): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new Error(`${scheduler}: ${option} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${value}`);
  }
}

/** lr = baseLr * gamma^floor(step / stepSize). */
export class StepLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, stepSize: number, gamma = 0.1) {
    checkPositiveInteger('StepLR', 'stepSize', stepSize);
    checkFiniteNumber('StepLR', 'gamma', gamma, 0);
    super(optimizer, (step, base) => base * gamma ** Math.floor(step / stepSize));
  }
}

/** lr = baseLr * gamma^(number of milestones <= step). */
export class MultiStepLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, milestones: readonly number[], gamma = 0.1) {
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      throw new Error(`MultiStepLR: milestones must be a list of integers >= 0, got ${JSON.stringify(milestones)}`);
    }
    checkFiniteNumber('MultiStepLR', 'gamma', gamma, 0);
    const sorted = [...milestones].sort((a, b) => a - b);
    super(optimizer, (step, base) => base * gamma ** sorted.filter((m) => m <= step).length);
  }
}

/** lr = baseLr * gamma^step. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, gamma: number) {
    checkFiniteNumber('ExponentialLR', 'gamma', gamma, 0);
    super(optimizer, (step, base) => base * gamma ** step);
  }
}

/** lr = etaMin + (baseLr - etaMin) * (1 + cos(pi * step / tMax)) / 2: half a cosine from baseLr down to etaMin. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, tMax: number, etaMin = 0) {
    checkPositiveInteger('CosineAnnealingLR', 'tMax', tMax);
    checkFiniteNumber('CosineAnnealingLR', 'etaMin', etaMin, 0);
    super(optimizer, (step, base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * step) / tMax))) / 2);
  }
}
