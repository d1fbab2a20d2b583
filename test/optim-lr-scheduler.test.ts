// Learning-rate schedules against the closed forms PyTorch documents (torch.optim.lr_scheduler), computed here,
// and against PyTorch's recursive (chainable) updates where it has them, an independent way to the same numbers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../src/index.js';
import {
  SGD,
  Adam,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearWarmup,
  warmup,
  OneCycleLR,
  type LRScheduler,
} from '../src/optim/index.js';
import { assertAllClose } from './helpers/assert-close.js';

const sgd = (lr: number, momentum = 0) => new SGD([tensor([1, 2], [2], { requiresGrad: true })], { lr, momentum });

/**
 * The closed forms and the recursive forms evaluate the same expressions in a different order: a few
 * roundings of float64 apart per step, never the 1e-5 a wrong formula would miss.
 */
const FLOAT64_ROUNDINGS = { atol: 1e-16, rtol: 1e-14 };

/** PyTorch's documented closed forms, the lr after t scheduler steps. */
const closedForm = {
  stepLr: (base: number, stepSize: number, gamma: number) => (t: number) => base * gamma ** Math.floor(t / stepSize),
  exponentialLr: (base: number, gamma: number) => (t: number) => base * gamma ** t,
  /** eta_t = eta_min + (eta_max - eta_min) (1 + cos(pi T_cur / T_max)) / 2 */
  cosineAnnealingLr: (base: number, tMax: number, etaMin: number) => (t: number) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2,
  /** LinearLR: factor = start + (end - start) * min(t, total) / total, with end 1 */
  linearLr: (base: number, startFactor: number, total: number) => (t: number) => base * (startFactor + ((1 - startFactor) * Math.min(t, total)) / total),
};

/** `steps + 1` values of PyTorch's recursive update lr_t = next(lr_(t-1), t), from lr_0. */
function recursive(lr0: number, steps: number, next: (previous: number, t: number) => number): number[] {
  const out = [lr0];
  for (let t = 1; t <= steps; t++) out.push(next(out[t - 1], t));
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, t) => t);

/** The lr of group 0 at construction and after each of `steps` step() calls. */
function lrSequence(scheduler: LRScheduler, steps: number): number[] {
  const out = [scheduler.optimizer.paramGroups[0].lr];
  for (let t = 0; t < steps; t++) {
    scheduler.step();
    out.push(scheduler.optimizer.paramGroups[0].lr);
    assert.deepEqual(scheduler.getLastLr(), [scheduler.optimizer.paramGroups[0].lr]);
  }
  return out;
}

describe('learning-rate schedules', () => {
  it('StepLR multiplies by gamma every stepSize steps', () => {
    assertAllClose(lrSequence(new StepLR(sgd(0.1), 3, 0.5), 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025], FLOAT64_ROUNDINGS);
    // PyTorch's chainable form: lr *= gamma where t is a multiple of stepSize.
    const chained = recursive(0.3, 20, (lr, t) => (t % 4 === 0 ? lr * 0.7 : lr));
    assertAllClose(lrSequence(new StepLR(sgd(0.3), 4, 0.7), 20), chained, FLOAT64_ROUNDINGS);
    assertAllClose(chained, range(21).map(closedForm.stepLr(0.3, 4, 0.7)), FLOAT64_ROUNDINGS);
  });

  it('MultiStepLR multiplies by gamma at each milestone (a repeated milestone counts twice)', () => {
    assertAllClose(lrSequence(new MultiStepLR(sgd(1), [5, 2, 5], 0.1), 6), [1, 1, 0.1, 0.1, 0.1, 0.001, 0.001], FLOAT64_ROUNDINGS);
  });

  it('ExponentialLR multiplies by gamma every step', () => {
    assertAllClose(lrSequence(new ExponentialLR(sgd(2), 0.5), 4), [2, 1, 0.5, 0.25, 0.125], FLOAT64_ROUNDINGS);
    const chained = recursive(0.1, 30, (lr) => lr * 0.9);
    assertAllClose(lrSequence(new ExponentialLR(sgd(0.1), 0.9), 30), chained, FLOAT64_ROUNDINGS);
    assertAllClose(chained, range(31).map(closedForm.exponentialLr(0.1, 0.9)), FLOAT64_ROUNDINGS);
  });

  it('CosineAnnealingLR follows half a cosine from the initial lr to etaMin in tMax steps', () => {
    const got = lrSequence(new CosineAnnealingLR(sgd(0.1), 4, 0.01), 4);
    assertAllClose(got, range(5).map(closedForm.cosineAnnealingLr(0.1, 4, 0.01)), FLOAT64_ROUNDINGS);
    assertAllClose([got[0], got[2], got[4]], [0.1, (0.1 + 0.01) / 2, 0.01], FLOAT64_ROUNDINGS); // start, halfway, end
    // PyTorch's recursive form within the first half period:
    // eta_t = (1 + cos(pi t / T)) / (1 + cos(pi (t - 1) / T)) * (eta_(t-1) - eta_min) + eta_min
    const tMax = 50;
    const chained = recursive(0.2, tMax - 1, (lr, t) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (lr - 1e-3) + 1e-3);
    assertAllClose(lrSequence(new CosineAnnealingLR(sgd(0.2), tMax, 1e-3), tMax - 1), chained, FLOAT64_ROUNDINGS);
  });

  it('schedules every parameter group from its own initial lr', () => {
    const a = tensor([1], [1], { requiresGrad: true });
    const b = tensor([1], [1], { requiresGrad: true });
    const opt = new SGD([{ params: [a], lr: 1 }, { params: [b], lr: 0.1 }]);
    const s = new StepLR(opt, 1, 0.5);
    s.step();
    assertAllClose(s.getLastLr(), [0.5, 0.05], FLOAT64_ROUNDINGS);
    assert.deepEqual(s.baseLrs, [1, 0.1]);
  });

  it('LinearWarmup ramps from startFactor * lr to lr, then hands over to the wrapped schedule', () => {
    // SequentialLR([LinearLR(start 0.25, total 4), CosineAnnealingLR(T_max 4)], milestones [4]).
    const opt = sgd(1);
    const scheduler = warmup(new CosineAnnealingLR(opt, 4), 4, 0.25);
    const linear = closedForm.linearLr(1, 0.25, 4);
    const cosine = closedForm.cosineAnnealingLr(1, 4, 0);
    const expected = range(9).map((t) => (t < 4 ? linear(t) : cosine(t - 4)));
    assertAllClose(lrSequence(scheduler, 8), expected, FLOAT64_ROUNDINGS);
    assertAllClose(expected.slice(0, 5), [0.25, 0.4375, 0.625, 0.8125, 1], FLOAT64_ROUNDINGS); // quarters by hand
    assert.equal(expected[8], 0);
  });

  it('LinearWarmup without a following schedule holds the lr after warm-up (default startFactor 1/3)', () => {
    assertAllClose(lrSequence(new LinearWarmup(sgd(0.3), 2), 3), [0.1, 0.2, 0.3, 0.3], FLOAT64_ROUNDINGS);
    // PyTorch's recursive LinearLR: lr *= 1 + (end - start) / (total * start + (t - 1) * (end - start)), t <= total.
    const [start, total] = [0.1, 12];
    const chained = recursive(0.5 * start, 15, (lr, t) => (t > total ? lr : lr * (1 + (1 - start) / (total * start + (t - 1) * (1 - start)))));
    assertAllClose(lrSequence(new LinearWarmup(sgd(0.5), total, { startFactor: start }), 15), chained, FLOAT64_ROUNDINGS);
    assertAllClose(chained, range(16).map(closedForm.linearLr(0.5, start, total)), FLOAT64_ROUNDINGS);
  });

  it('LinearWarmup checks that the wrapped schedule is fresh and on the same optimiser', () => {
    const opt = sgd(1);
    const stepped = new StepLR(opt, 2);
    stepped.step();
    assert.throws(() => warmup(stepped, 3), /LinearWarmup: after has already been stepped 1 time\(s\)/);
    assert.throws(() => new LinearWarmup(sgd(1), 3, { after: new StepLR(opt, 2) }), /after must schedule the same optimiser/);
    assert.throws(() => new LinearWarmup(opt, 0), /LinearWarmup: warmupSteps must be a positive integer, got 0/);
  });

  it('OneCycleLR: lr up from maxLr/25 to maxLr over 30%, cosine down to maxLr/25/1e4; momentum the other way', () => {
    const opt = sgd(123, 0.9);
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    // Phase 1 ends at step 0.3 * 10 - 1 = 2, phase 2 at step 9.
    const cosFrom = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    const lrs = [0.04, 0.52, 1, ...[1, 2, 3, 4, 5, 6, 7].map((k) => cosFrom(1, 4e-6, k / 7))];
    const momenta = [0.95, 0.9, 0.85, ...[1, 2, 3, 4, 5, 6, 7].map((k) => cosFrom(0.85, 0.95, k / 7))];
    const gotMomenta = [opt.paramGroups[0].momentum];
    const gotLrs = [opt.paramGroups[0].lr];
    for (let t = 1; t < 10; t++) {
      s.step();
      gotLrs.push(opt.paramGroups[0].lr);
      gotMomenta.push(opt.paramGroups[0].momentum);
    }
    assertAllClose(gotLrs, lrs, FLOAT64_ROUNDINGS, 'lr');
    assertAllClose(gotMomenta, momenta, FLOAT64_ROUNDINGS, 'momentum');
    assertAllClose([lrs[9]], [4e-6], FLOAT64_ROUNDINGS, 'final lr');
    s.step(); // PyTorch allows totalSteps steps
    assert.throws(() => s.step(), /OneCycleLR: stepped 11 times, past totalSteps = 10/);
  });

  it("OneCycleLR cycles Adam's beta1 and supports three phases and linear annealing", () => {
    const opt = new Adam([tensor([1], [1], { requiresGrad: true })], { betas: [0.5, 0.99] });
    const s = new OneCycleLR(opt, { maxLr: 0.5, epochs: 2, stepsPerEpoch: 5, threePhase: true, annealStrategy: 'linear', pctStart: 0.2 });
    // Phases end at steps 1, 2 and 9: lr 0.02 -> 0.5 -> 0.02 -> 2e-6.
    const expectedLr = [0.02, 0.5, 0.02, ...[1, 2, 3, 4, 5, 6, 7].map((k) => 0.02 + ((2e-6 - 0.02) * k) / 7)];
    const expectedBeta1 = [0.95, 0.85, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
    const lrs = [opt.paramGroups[0].lr];
    const beta1s = [opt.paramGroups[0].betas[0]];
    for (let t = 1; t < 10; t++) {
      s.step();
      lrs.push(opt.paramGroups[0].lr);
      beta1s.push(opt.paramGroups[0].betas[0]);
    }
    assertAllClose(lrs, expectedLr, FLOAT64_ROUNDINGS, 'lr');
    assertAllClose(beta1s, expectedBeta1, FLOAT64_ROUNDINGS, 'beta1');
    assert.equal(opt.paramGroups[0].betas[1], 0.99);
  });

  it('a schedule resumes from its state dict', () => {
    const first = new CosineAnnealingLR(sgd(0.1), 10);
    for (let t = 0; t < 4; t++) first.step();
    const state = JSON.parse(JSON.stringify(first.stateDict()));
    const opt = sgd(0.1);
    const resumed = new CosineAnnealingLR(opt, 10);
    resumed.loadStateDict(state);
    assert.equal(resumed.lastEpoch, 4);
    assert.equal(opt.paramGroups[0].lr, first.getLastLr()[0]);
    first.step();
    resumed.step();
    assert.deepEqual(resumed.getLastLr(), first.getLastLr());
    assert.throws(() => resumed.loadStateDict({ lastEpoch: 2, baseLrs: [0.1, 0.2] }), /baseLrs must be 1 finite number\(s\)/);
  });

  it('lrAt gives any step without side effects', () => {
    const opt = sgd(1);
    const s = new StepLR(opt, 2, 0.1);
    assertAllClose([s.lrAt(0), s.lrAt(3), s.lrAt(4)], [1, 0.1, 0.01], FLOAT64_ROUNDINGS);
    assert.equal(opt.paramGroups[0].lr, 1);
    assert.equal(s.lastEpoch, 0);
  });

  it('rejects bad arguments, naming the schedule and the value', () => {
    assert.throws(() => new StepLR(sgd(1), 0.5), /StepLR: stepSize must be a positive integer, got 0.5/);
    assert.throws(() => new MultiStepLR(sgd(1), [1, -2]), /MultiStepLR: milestones must be a list of integers >= 0, got \[1,-2\]/);
    assert.throws(() => new CosineAnnealingLR(sgd(1), 0), /CosineAnnealingLR: tMax must be a positive integer, got 0/);
    assert.throws(() => new OneCycleLR(sgd(1), { maxLr: 1 }), /OneCycleLR: give totalSteps, or epochs and stepsPerEpoch/);
    assert.throws(() => new StepLR({} as never, 2), /StepLR: the first argument must be an optimiser/);
  });
});
