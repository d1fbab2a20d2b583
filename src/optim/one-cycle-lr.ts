// The 1cycle policy (Smith & Topin), as torch.optim.lr_scheduler.OneCycleLR: the lr climbs from maxLr / divFactor
// to maxLr over the first pctStart of training and anneals to (maxLr / divFactor) / finalDivFactor by the end,
// while momentum (SGD's momentum or Adam's beta1) moves the opposite way. Step it once per batch.
import { LRScheduler, checkFiniteNumber, checkPositiveInteger, type LRSchedulerState, type SchedulableOptimizer } from './lr-scheduler.js';

export interface OneCycleLROptions {
  /** The peak lr, for every group or one per group. */
  maxLr: number | readonly number[];
  /** Scheduler steps in the whole cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum inversely to the lr (default true; needs an optimiser with momentum or betas). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** Initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Use a third phase that anneals from the initial lr to the final one (default false). */
  threePhase?: boolean;
}

/** One phase: the step it ends at, and where lr and momentum go from and to (as keys of GroupTargets). */
interface Phase {
  endStep: number;
  lr: [keyof GroupTargets, keyof GroupTargets];
  momentum: [keyof GroupTargets, keyof GroupTargets];
}

interface GroupTargets {
  initialLr: number;
  maxLr: number;
  minLr: number;
  baseMomentum: number;
  maxMomentum: number;
}

type MomentumGroup = { lr: number; momentum?: number; betas?: readonly [number, number] };

export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  /** The momentum (or beta1) this schedule gives group `groupIndex` after `step` steps. */
  readonly momentumAt: (step: number, groupIndex: number) => number;
  private readonly cycleMomentum: boolean;

  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    const groups = optimizer.paramGroups;
    const { pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95 } = options;
    const { divFactor = 25, finalDivFactor = 1e4, threePhase = false } = options;
    const totalSteps = resolveTotalSteps(options);
    if (!(pctStart >= 0 && pctStart <= 1)) throw new Error(`OneCycleLR: pctStart must be in [0, 1], got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${String(annealStrategy)}`);
    checkFiniteNumber('OneCycleLR', 'divFactor', divFactor, Number.MIN_VALUE);
    checkFiniteNumber('OneCycleLR', 'finalDivFactor', finalDivFactor, Number.MIN_VALUE);
    const maxLrs = typeof options.maxLr === 'number' ? groups.map(() => options.maxLr as number) : [...(options.maxLr ?? [])];
    if (maxLrs.length !== groups.length || !maxLrs.every((lr) => Number.isFinite(lr) && lr >= 0)) {
      throw new Error(`OneCycleLR: maxLr must be a number >= 0 or one per parameter group (${groups.length}), got ${JSON.stringify(options.maxLr)}`);
    }
    if (cycleMomentum && !groups.every((g) => 'momentum' in g || 'betas' in g)) {
      throw new Error('OneCycleLR: cycleMomentum needs an optimiser with momentum (SGD, RMSprop) or betas (Adam); pass cycleMomentum: false');
    }
    const targets = maxLrs.map((maxLr) => ({ initialLr: maxLr / divFactor, maxLr, minLr: maxLr / divFactor / finalDivFactor, baseMomentum, maxMomentum }));
    const phases: Phase[] = threePhase
      ? [
          { endStep: pctStart * totalSteps - 1, lr: ['initialLr', 'maxLr'], momentum: ['maxMomentum', 'baseMomentum'] },
          { endStep: 2 * pctStart * totalSteps - 2, lr: ['maxLr', 'initialLr'], momentum: ['baseMomentum', 'maxMomentum'] },
          { endStep: totalSteps - 1, lr: ['initialLr', 'minLr'], momentum: ['maxMomentum', 'maxMomentum'] },
        ]
      : [
          { endStep: pctStart * totalSteps - 1, lr: ['initialLr', 'maxLr'], momentum: ['maxMomentum', 'baseMomentum'] },
          { endStep: totalSteps - 1, lr: ['maxLr', 'minLr'], momentum: ['baseMomentum', 'maxMomentum'] },
        ];
    const anneal = annealStrategy === 'cos' ? annealCos : annealLinear;
    const valueAt = (step: number, i: number, which: 'lr' | 'momentum'): number => {
      if (step > totalSteps) throw new Error(`OneCycleLR: stepped ${step} times, past totalSteps = ${totalSteps}`);
      let start = 0;
      for (let p = 0; p < phases.length; p++) {
        const phase = phases[p];
        if (step <= phase.endStep || p === phases.length - 1) {
          const [from, to] = phase[which];
          return anneal(targets[i][from], targets[i][to], (step - start) / (phase.endStep - start));
        }
        start = phase.endStep;
      }
      throw new Error('OneCycleLR: unreachable');
    };
    super(optimizer, (step, _base, i) => valueAt(step, i, 'lr'), targets.map((t) => t.initialLr));
    this.totalSteps = totalSteps;
    this.cycleMomentum = cycleMomentum;
    this.momentumAt = (step, i) => valueAt(step, i, 'momentum');
    this.setMomentum(0);
  }

  override step(): void {
    super.step();
    this.setMomentum(this.lastEpoch);
  }

  override loadStateDict(state: LRSchedulerState): void {
    super.loadStateDict(state);
    this.setMomentum(this.lastEpoch);
  }

  private setMomentum(step: number): void {
    if (!this.cycleMomentum) return;
    this.optimizer.paramGroups.forEach((group, i) => {
      const g = group as MomentumGroup;
      const m = this.momentumAt(step, i);
      if (g.betas) g.betas = [m, g.betas[1]];
      else g.momentum = m;
    });
  }
}

function resolveTotalSteps(options: OneCycleLROptions): number {
  if (options.totalSteps !== undefined) {
    checkPositiveInteger('OneCycleLR', 'totalSteps', options.totalSteps);
    return options.totalSteps;
  }
  if (options.epochs === undefined || options.stepsPerEpoch === undefined) {
    throw new Error('OneCycleLR: give totalSteps, or epochs and stepsPerEpoch');
  }
  checkPositiveInteger('OneCycleLR', 'epochs', options.epochs);
  checkPositiveInteger('OneCycleLR', 'stepsPerEpoch', options.stepsPerEpoch);
  return options.epochs * options.stepsPerEpoch;
}

/** Cosine from start (pct 0) to end (pct 1). */
function annealCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
