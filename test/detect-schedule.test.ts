// The detector's learning-rate schedule (linear warm-up, cosine to lrf, optionally spanning a time budget):
// hand-computed factors, the lr fit() trains each batch with, the mid-epoch stop when the budget is spent,
// a resumed run's lr, and the errors for bad options.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../src/tensor/tensor.js';
import { Generator, manualSeed } from '../src/util/random.js';
import { Sequential } from '../src/nn/sequential.js';
import { Linear, ReLU } from '../src/nn/layers.js';
import { DataLoader, TensorDataset } from '../src/data/index.js';
import { SGD } from '../src/optim/index.js';
import { fit, type Callback } from '../src/train/index.js';
import type { TrainingContext } from '../src/train/training-context.js';
import { detectionLrFactor, detectionSchedule } from '../src/detect/index.js';
import { assertAllClose } from './helpers/assert-close.js';

function points(n: number): TensorDataset {
  const g = new Generator(3);
  const x = Float32Array.from({ length: 2 * n }, () => g.uniform(-1, 1));
  const y = Int32Array.from({ length: n }, (_, i) => (x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0));
  return new TensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n]));
}

/** Records the lr of every optimiser step (read before the step, at the previous batch's end). */
function lrRecorder(optimizer: SGD, seen: number[]): Callback {
  return {
    onTrainBegin: () => void seen.push(optimizer.paramGroups[0].lr),
    onBatchEnd: () => void seen.push(optimizer.paramGroups[0].lr),
  };
}

it('detectionLrFactor: linear warm-up from warmupStart, then a cosine from 1 to finalFactor', () => {
  const o = { warmupSteps: 4, warmupStart: 0.1, finalFactor: 0.01 };
  // Warm-up: 0.1 + 0.9 * step / 4 at progress 0 (cosine factor 1).
  assertAllClose([0, 1, 2, 4].map((s) => detectionLrFactor(s, 0, o)), [0.1, 0.325, 0.55, 1], { atol: 1e-12 });
  // Cosine: 0.01 + 0.99 * (1 + cos(pi p)) / 2 at p = 0.5, 1 and beyond (clamped).
  assertAllClose([0.5, 1, 1.5].map((p) => detectionLrFactor(10, p, o)), [0.505, 0.01, 0.01], { atol: 1e-12 });
  // Both at once multiply: step 2 of the warm-up at p = 0.5.
  assertAllClose([detectionLrFactor(2, 0.5, o)], [0.55 * 0.505], { atol: 1e-12 });
});

it('detectionSchedule sets the lr of every step in fit, stepping by the step count', async () => {
  manualSeed(1);
  const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
  const optimizer = new SGD(model.parameters(), { lr: 0.2 });
  const seen: number[] = [];
  // 32 points in batches of 8: 4 steps per epoch, 2 epochs, 2 warm-up steps.
  const schedule = detectionSchedule(optimizer, { totalSteps: 8, warmupSteps: 2, warmupStart: 0.5, finalFactor: 0 });
  const history = await fit(model, new DataLoader(points(32), { batchSize: 8 }), { epochs: 2, optimizer, callbacks: [schedule, lrRecorder(optimizer, seen)] });
  const expected = Array.from({ length: 9 }, (_, s) => 0.2 * (s < 2 ? 0.5 + (0.5 * s) / 2 : 1) * ((1 + Math.cos((Math.PI * s) / 8)) / 2));
  assertAllClose(seen, expected, { atol: 1e-7 });
  assert.deepEqual(history.epochs.map((e) => e.lr), [expected[0], expected[4]], 'each epoch logs the lr of its first step');
});

it('detectionSchedule with a time budget follows the clock and stops training mid-epoch when the budget is spent', async () => {
  manualSeed(2);
  const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const seen: number[] = [];
  // The clock reads 0 at the start, then 2 s more at every batch end: a 10 s budget ends at the 5th step,
  // inside epoch 2 (4 steps each), long before the 40 steps that 10 epochs would take.
  let reads = 0;
  const clock = () => 2000 * reads++;
  const schedule = detectionSchedule(optimizer, { totalSteps: 40, finalFactor: 0, seconds: 10, now: clock });
  const steps: number[] = [];
  const counter: Callback = { onBatchEnd: (_logs, context) => void steps.push(context.progress().step) };
  const history = await fit(model, new DataLoader(points(32), { batchSize: 8 }), { epochs: 10, optimizer, callbacks: [schedule, lrRecorder(optimizer, seen), counter] });
  assert.deepEqual(steps, [1, 2, 3, 4, 5]);
  assert.deepEqual([history.epochs.length, history.stoppedEarly], [2, true]);
  // Progress is the time fraction (2 s per step of 10 s beats 1 step of 40): p = 0.2 s for step s.
  assertAllClose(seen.slice(0, 5), [0, 1, 2, 3, 4].map((s) => (0.1 * (1 + Math.cos(Math.PI * 0.2 * s))) / 2), { atol: 1e-7 });
});

it('detectionSchedule resumes at the restored step, and rejects bad options naming itself', () => {
  const optimizer = new SGD(new Linear(2, 2).parameters(), { lr: 1 });
  const schedule = detectionSchedule(optimizer, { totalSteps: 10, finalFactor: 0 });
  optimizer.paramGroups[0].lr = 0.3; // a checkpoint's optimiser state brings its last lr back
  schedule.onTrainBegin!({ progress: () => ({ epoch: 1, step: 5, seed: 0, history: [] }) } as unknown as TrainingContext);
  assertAllClose([optimizer.paramGroups[0].lr], [0.5], { atol: 1e-12 });
  assert.throws(() => detectionSchedule(optimizer, { totalSteps: 0 }), /detectionSchedule: totalSteps must be a positive integer, got 0/);
  assert.throws(() => detectionSchedule(optimizer, { totalSteps: 5, warmupStart: 0, seconds: -1 }), /detectionSchedule: warmupStart must be in \(0, 1\], got 0; seconds must be a positive number, got -1/);
});
