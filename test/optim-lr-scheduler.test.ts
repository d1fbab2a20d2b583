// Learning-rate schedules against PyTorch's closed forms, written out here as numbers and formulas.
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
    assertAllClose(lrSequence(new StepLR(sgd(0.1), 3, 0.5), 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025], { atol: 1e-15 });
  });

  it('MultiStepLR multiplies by gamma at each milestone (a repeated milestone counts twice)', () => {
    assertAllClose(lrSequence(new MultiStepLR(sgd(1), [5, 2, 5], 0.1), 6), [1, 1, 0.1, 0.1, 0.1, 0.001, 0.001], { atol: 1e-15 });
  });

  it('ExponentialLR multiplies by gamma every step', () => {
    assertAllClose(lrSequence(new ExponentialLR(sgd(2), 0.5), 4), [2, 1, 0.5, 0.25, 0.125], { atol: 1e-15 });
  });

  it('CosineAnnealingLR follows half a cosine from the initial lr to etaMin in tMax steps', () => {
    const expected = [0.1, 0.08681980515339464, 0.055, 0.023180194846605362, 0.01];
    assertAllClose(lrSequence(new CosineAnnealingLR(sgd(0.1), 4, 0.01), 4), expected, { atol: 1e-15 });
  });

  it('schedules every parameter group from its own initial lr', () => {
    const a = tensor([1], [1], { requiresGrad: true });
    const b = tensor([1], [1], { requiresGrad: true });
    const opt = new SGD([{ params: [a], lr: 1 }, { params: [b], lr: 0.1 }]);
    const s = new StepLR(opt, 1, 0.5);
    s.step();
    assertAllClose(s.getLastLr(), [0.5, 0.05], { atol: 1e-15 });
    assert.deepEqual(s.baseLrs, [1, 0.1]);
  });

  it('LinearWarmup ramps from startFactor * lr to lr, then hands over to the wrapped schedule', () => {
    const opt = sgd(1);
    const scheduler = warmup(new CosineAnnealingLR(opt, 4), 4, 0.25);
    const expected = [0.25, 0.4375, 0.625, 0.8125, 1, 0.8535533905932737, 0.5, 0.14644660940672624, 0];
    assertAllClose(lrSequence(scheduler, 8), expected, { atol: 1e-15 });
  });

  it('LinearWarmup without a following schedule holds the lr after warm-up (default startFactor 1/3)', () => {
    assertAllClose(lrSequence(new LinearWarmup(sgd(0.3), 2), 3), [0.1, 0.2, 0.3, 0.3], { atol: 1e-15 });
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
    assertAllClose(gotLrs, lrs, { atol: 1e-15 }, 'lr');
    assertAllClose(gotMomenta, momenta, { atol: 1e-15 }, 'momentum');
    assertAllClose([lrs[9]], [4e-6], { atol: 1e-15 }, 'final lr');
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
    assertAllClose(lrs, expectedLr, { atol: 1e-15 }, 'lr');
    assertAllClose(beta1s, expectedBeta1, { atol: 1e-15 }, 'beta1');
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
    assertAllClose([s.lrAt(0), s.lrAt(3), s.lrAt(4)], [1, 0.1, 0.01], { atol: 1e-15 });
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
