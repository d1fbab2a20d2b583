import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../src/tensor/tensor.js';
import { tensor } from '../src/tensor/create.js';
import { manualSeed, Generator } from '../src/util/random.js';
import { softmax } from '../src/ops/activation.js';
import { crossEntropy } from '../src/ops/loss.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { Sequential } from '../src/nn/sequential.js';
import { Linear, ReLU, Dropout } from '../src/nn/layers.js';
import type { Module } from '../src/nn/module.js';
import { DataLoader, TensorDataset } from '../src/data/index.js';
import { Adam, SGD, StepLR } from '../src/optim/index.js';
import { fit, evaluate, predict, EarlyStopping, timeLimit, Accuracy, type Callback, type EpochLogs } from '../src/train/index.js';
import { ModelCheckpoint, loadTrainingState } from '../src/node/model-checkpoint.js';
import { assertAllClose } from './helpers/assert-close.js';

/** n points in the plane, class 1 when x0 + x1 > 0: separable by a line. */
function linearlySeparable(n: number, seed: number): TensorDataset {
  const g = new Generator(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = g.uniform(-1, 1);
    x[2 * i + 1] = g.uniform(-1, 1);
    y[i] = x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0;
  }
  return new TensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n]));
}

function mlp(withDropout = false): Module {
  return new Sequential(new Linear(2, 16), new ReLU(), ...(withDropout ? [new Dropout(0.2)] : []), new Linear(16, 2));
}

test('fit learns a separable problem: the loss falls and accuracy ends high', async () => {
  manualSeed(1);
  const data = linearlySeparable(256, 7);
  const model = mlp();
  const loader = new DataLoader(data, { batchSize: 32, shuffle: true });
  const history = await fit(model, loader, { epochs: 8, optimizer: new Adam(model.parameters(), { lr: 0.02 }), seed: 3 });
  assert.equal(history.epochs.length, 8);
  assert.equal(history.stoppedEarly, false);
  const first = history.epochs[0];
  const last = history.epochs[7];
  assert.ok(last.loss < first.loss / 3, `loss should fall well: ${first.loss} -> ${last.loss}`);
  assert.ok(last.accuracy! > 0.95, `training accuracy ${last.accuracy}`);
  assert.equal(last.lr, 0.02);
  assert.deepEqual(history.epochs.map((e) => e.epoch), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('evaluate averages loss and accuracy over all samples, matching a direct computation', async () => {
  manualSeed(2);
  const data = linearlySeparable(50, 8);
  const model = mlp(true);
  const result = await evaluate(model, new DataLoader(data, { batchSize: 16 }));
  // Direct: the whole set at once, in eval mode (dropout off).
  model.eval();
  const logits = noGrad(() => model.forward(data.x));
  model.train();
  const loss = crossEntropy(logits, data.y).item();
  const accuracy = new Accuracy();
  accuracy.update(logits, data.y);
  assert.equal(result.samples, 50);
  assertAllClose([result.loss], [loss], { atol: 1e-6, rtol: 1e-5 }, 'loss');
  assert.equal(result.accuracy, accuracy.result());
  assert.equal(model.training, true, 'evaluate must restore training mode');
});

test('predict gives softmax probabilities in batches, the same as one forward pass, in eval mode', () => {
  manualSeed(3);
  const data = linearlySeparable(37, 9);
  const model = mlp(true);
  const probs = predict(model, data.x, { batchSize: 10 });
  const logits = predict(model, data.x, { batchSize: 100, output: 'logits' });
  assert.deepEqual(probs.shape, [37, 2]);
  assertAllClose(probs.data, softmax(logits, -1).data, { atol: 1e-6 }, 'probabilities');
  for (let i = 0; i < 37; i++) assertAllClose([probs.data[2 * i] + probs.data[2 * i + 1]], [1], { atol: 1e-6 }, `row ${i} sum`);
  assert.equal(model.training, true);
  assert.throws(() => predict(model, data.x, { batchSize: 0 }), /predict: batchSize must be a positive integer, got 0/);
});

test('callbacks are called in order: train begin, per epoch begin / batches / end, train end', async () => {
  manualSeed(4);
  const data = linearlySeparable(8, 10);
  const model = mlp();
  const events: string[] = [];
  const recorder: Callback = {
    onTrainBegin: (ctx) => void events.push(`trainBegin epochs=${ctx.epochs} steps=${ctx.stepsPerEpoch}`),
    onEpochBegin: (epoch) => void events.push(`epochBegin ${epoch}`),
    onBatchEnd: (logs) => void events.push(`batchEnd ${logs.epoch}.${logs.batch}/${logs.batches} samples=${logs.samples}`),
    onEpochEnd: async (logs) => {
      await new Promise((r) => setTimeout(r, 1)); // async hooks are awaited before training goes on
      events.push(`epochEnd ${logs.epoch} val=${logs.valLoss !== undefined && logs.valAccuracy !== undefined}`);
    },
    onTrainEnd: (history) => void events.push(`trainEnd ${history.epochs.length}`),
  };
  await fit(model, new DataLoader(data, { batchSize: 5 }), {
    epochs: 2,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    validation: new DataLoader(data, { batchSize: 8 }),
    callbacks: [recorder],
  });
  assert.deepEqual(events, [
    'trainBegin epochs=2 steps=2',
    'epochBegin 1',
    'batchEnd 1.1/2 samples=5',
    'batchEnd 1.2/2 samples=8',
    'epochEnd 1 val=true',
    'epochBegin 2',
    'batchEnd 2.1/2 samples=5',
    'batchEnd 2.2/2 samples=8',
    'epochEnd 2 val=true',
    'trainEnd 2',
  ]);
});

test('timeLimit stops after the epoch during which the budget runs out', async () => {
  manualSeed(5);
  const data = linearlySeparable(64, 11);
  const model = mlp();
  // A clock that advances 4 s per reading after the start: epoch ends read 4, 8, 12 s; the budget is 10 s.
  let reads = 0;
  const clock = () => 4000 * reads++;
  const history = await fit(model, new DataLoader(data, { batchSize: 16 }), { epochs: 10, optimizer: new SGD(model.parameters(), { lr: 0.05 }), callbacks: [timeLimit(10, clock)] });
  assert.deepEqual([history.epochs.length, history.stoppedEarly], [3, true]);
  assert.throws(() => timeLimit(0), /timeLimit: seconds must be a positive number, got 0/);
});

test('EarlyStopping ends training when the monitored value stops improving', async () => {
  manualSeed(5);
  const data = linearlySeparable(64, 11);
  const model = mlp();
  // The training loss falls every epoch, so watching it in 'max' mode never improves after epoch 1.
  const stopper = new EarlyStopping({ monitor: 'loss', mode: 'max', patience: 2 });
  const history = await fit(model, new DataLoader(data, { batchSize: 16 }), {
    epochs: 10,
    optimizer: new SGD(model.parameters(), { lr: 0.05 }),
    callbacks: [stopper],
  });
  assert.ok(history.epochs[1].loss < history.epochs[0].loss && history.epochs[2].loss < history.epochs[0].loss);
  assert.equal(history.epochs.length, 3);
  assert.equal(history.stoppedEarly, true);
  assert.equal(stopper.stoppedEpoch, 3);
  await assert.rejects(
    fit(model, new DataLoader(data, { batchSize: 16 }), { epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0.05 }), callbacks: [new EarlyStopping()] }),
    /EarlyStopping: monitored value 'valLoss' is not in the epoch logs \(.*loss.*\); pass a validation loader to fit/,
  );
});

test('resuming from a checkpoint continues exactly as the uninterrupted run (weights, optimiser, schedule, shuffling, dropout)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-train-'));
  try {
    const data = linearlySeparable(96, 12);
    const run = async (epochs: number, options: { checkpoint?: string; resume?: boolean }) => {
      manualSeed(99); // same initial weights for every run
      const model = mlp(true);
      const optimizer = new Adam(model.parameters(), { lr: 0.01 });
      const scheduler = new StepLR(optimizer, 1, 0.5);
      const loader = new DataLoader(data, { batchSize: 20, shuffle: true, generator: new Generator(5) });
      if (options.resume) manualSeed(12345); // a resumed run must not depend on the global state at start
      const resumeFrom = options.resume ? await loadTrainingState(options.checkpoint!) : undefined;
      const history = await fit(model, loader, {
        epochs,
        optimizer,
        scheduler,
        seed: 42,
        resumeFrom,
        callbacks: options.checkpoint && !options.resume ? [new ModelCheckpoint(options.checkpoint)] : [],
      });
      return { model, history };
    };
    const whole = await run(3, {});
    const path = join(dir, 'run.ckpt.safetensors');
    await run(1, { checkpoint: path });
    const resumed = await run(3, { checkpoint: path, resume: true });
    assert.deepEqual(resumed.history.epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.deepEqual(
      resumed.history.epochs.map((e) => e.lr),
      whole.history.epochs.map((e) => e.lr),
    );
    assert.deepEqual(resumed.history.epochs.map(withoutTime), whole.history.epochs.map(withoutTime));
    for (const [name, p] of whole.model.namedParameters()) {
      assert.deepEqual([...resumed.model.stateDict()[name].data], [...p.data], `parameter ${name}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function withoutTime(logs: EpochLogs): EpochLogs {
  const { seconds: _seconds, ...rest } = logs;
  return rest as EpochLogs;
}

test('ModelCheckpoint with saveBestOnly writes only when the monitored value improves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-best-'));
  try {
    manualSeed(6);
    const data = linearlySeparable(64, 13);
    const model = mlp();
    const path = join(dir, 'best.safetensors');
    const saved: number[] = [];
    const spy: Callback = { onEpochEnd: async () => void saved.push((await loadTrainingState(path).catch(() => null))?.progress.epoch ?? 0) };
    // 'max' on a falling loss: only epoch 1 is ever the best.
    await fit(model, new DataLoader(data, { batchSize: 16 }), {
      epochs: 3,
      optimizer: new SGD(model.parameters(), { lr: 0.05 }),
      callbacks: [new ModelCheckpoint(path, { monitor: 'loss', mode: 'max', saveBestOnly: true }), spy],
    });
    assert.deepEqual(saved, [1, 1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Accuracy: argmax ties go to the first class; top-k counts the label among the k best', () => {
  const acc = new Accuracy();
  acc.update(tensor([[0, 0, 0], [1, 3, 2], [5, 1, 1]]), new Tensor(Int32Array.from([1, 1, 0]), [3]));
  assert.equal(acc.result(), 2 / 3); // row 0 ties: argmax is class 0, label 1 -> wrong
  const top2 = new Accuracy(2);
  top2.update(tensor([[1, 3, 2], [1, 3, 2]]), new Tensor(Int32Array.from([2, 0]), [2]));
  assert.equal(top2.name, 'top2Accuracy');
  assert.equal(top2.result(), 1 / 2);
  const oneHot = new Accuracy();
  oneHot.update(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([[0, 1], [0, 1]]));
  assert.equal(oneHot.result(), 1 / 2);
  assert.throws(() => acc.update(tensor([[1, 2]]), new Tensor(Int32Array.from([0, 1]), [2])), /accuracy: output \[1, 2\] must be \[N, classes\]/);
});

test('fit rejects bad options and stops with a clear error when the loss becomes NaN', async () => {
  const data = linearlySeparable(16, 14);
  const model = mlp();
  const loader = new DataLoader(data, { batchSize: 8 });
  await assert.rejects(fit(model, loader, { epochs: 0, optimizer: new SGD(model.parameters(), { lr: 0.1 }) }), /fit: epochs must be a positive integer, got 0/);
  await assert.rejects(fit(model, loader, { epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0.1 }), metrics: ['f2'] }), /metrics: unknown metric 'f2'/);
  const nanLoss = () => tensor([NaN]).sum();
  await assert.rejects(
    fit(model, loader, { epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: nanLoss }),
    /fit: the loss became NaN at epoch 1, batch 1 of 2 \(step 1, learning rate 0.1\)/,
  );
});

test('a failed fit tells the callbacks (so a progress bar stops) and restores each submodule’s own mode', async () => {
  const data = linearlySeparable(16, 15);
  const model = mlp();
  const [, first] = model.namedModules()[1];
  model.train();
  first.eval(); // deliberately in eval mode before fit
  const seen: string[] = [];
  const recorder: Callback = {
    onTrainBegin: () => void seen.push('begin'),
    onTrainEnd: () => void seen.push('end'),
    onTrainError: (error) => void seen.push(`error: ${(error as Error).message}`),
  };
  const nanLoss = () => tensor([NaN]).sum();
  await assert.rejects(
    fit(model, new DataLoader(data, { batchSize: 8 }), { epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: nanLoss, callbacks: [recorder] }),
    /the loss became NaN/,
  );
  assert.equal(seen.length, 2, seen.join(' | '));
  assert.equal(seen[0], 'begin');
  assert.match(seen[1], /^error: fit: the loss became NaN/);
  assert.equal(first.training, false, 'the submodule put in eval mode stays in eval mode');
  assert.equal(model.training, true);
});
