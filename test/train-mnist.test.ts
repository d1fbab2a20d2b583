// Smoke test of the whole training path on real data: a few hundred MNIST digits, one epoch of LeNet-5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed } from '../src/util/random.js';
import { DataLoader } from '../src/data/dataloader.js';
import { loadMnist } from '../src/node/datasets.js';
import { Adam } from '../src/optim/index.js';
import { lenet5 } from '../src/models/lenet.js';
import { fit, evaluate } from '../src/train/index.js';

test('LeNet-5 on 640 MNIST digits for one epoch: the loss falls and test accuracy beats chance (10%) by far', async () => {
  manualSeed(0);
  const train = loadMnist({ split: 'train', limit: 640, normalize: true });
  const testSet = new DataLoader(loadMnist({ split: 'test', limit: 500, normalize: true }), { batchSize: 250 });
  const model = lenet5();
  const before = await evaluate(model, testSet);
  const losses: number[] = [];
  const history = await fit(model, new DataLoader(train, { batchSize: 16, shuffle: true }), {
    epochs: 1,
    optimizer: new Adam(model.parameters(), { lr: 3e-3 }),
    seed: 1,
    callbacks: [{ onBatchEnd: (logs) => void losses.push(logs.batchLoss) }],
  });
  const after = await evaluate(model, testSet);
  const firstQuarter = mean(losses.slice(0, 10));
  const lastQuarter = mean(losses.slice(-10));
  assert.equal(losses.length, 40);
  assert.ok(lastQuarter < 0.6 * firstQuarter, `training loss should fall: first 10 batches ${firstQuarter}, last 10 ${lastQuarter}`);
  assert.ok(after.loss < 0.6 * before.loss, `test loss should fall: ${before.loss} -> ${after.loss}`);
  assert.ok(after.accuracy > 0.5, `test accuracy ${after.accuracy} should be far above chance`);
  assert.equal(history.epochs[0].epoch, 1);
});

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
