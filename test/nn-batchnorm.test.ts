import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randn, tensor, Generator } from '../src/index.js';
import { BatchNorm2d, Sequential } from '../src/nn/index.js';
import { freezeBatchNorm } from '../src/train/index.js';
import { assertAllClose } from './helpers/assert-close.js';

describe('BatchNorm2d', () => {
  it('in training mode, normalises with batch statistics and moves the running statistics', () => {
    const bn = new BatchNorm2d(3);
    const x = randn([4, 5, 5, 3], { generator: new Generator(1) }).mul(3).add(2);
    const y = bn.forward(x);
    assert.ok(Math.abs(y.mean().item()) < 1e-5);
    assert.notDeepEqual(Array.from(bn.runningMean!.data), [0, 0, 0]);
  });

  it('frozen parameters do not change the mode: in training it normalises by the batch and moves the running statistics, as PyTorch', () => {
    const bn = new BatchNorm2d(2);
    bn.freeze('*');
    bn.train();
    // Channel 0 holds 1, 2, 3, 4; channel 1 holds 10 four times: PyTorch's running mean moves to 0.1 * the batch mean.
    const y = bn.forward(tensor([1, 10, 2, 10, 3, 10, 4, 10], [2, 2, 1, 2]));
    assertAllClose(bn.runningMean!.data, [0.25, 1]);
    assertAllClose(bn.runningVar!.data, [0.9 + 0.1 * (5 / 3), 0.9]);
    assertAllClose(y.data.slice(0, 2), [-1.5 / Math.sqrt(1.25 + 1e-5), 0]);
  });

  it('freezeBatchNorm: a batch norm with frozen parameters normalises with its running statistics and keeps them; frozen = false undoes it', () => {
    const frozenBn = new BatchNorm2d(3);
    const trainedBn = new BatchNorm2d(3);
    const model = new Sequential(frozenBn, trainedBn);
    frozenBn.runningMean!.data.set([1, 2, 3]);
    frozenBn.runningVar!.data.set([4, 4, 4]);
    model.freeze('0');
    assert.deepEqual(freezeBatchNorm(model), ['0'], 'only the batch norm whose parameters are frozen');
    model.train();
    const x = randn([4, 5, 5, 3], { generator: new Generator(2) });
    const y = frozenBn.forward(x);
    assert.deepEqual(Array.from(frozenBn.runningMean!.data), [1, 2, 3], 'running mean unchanged');
    assert.deepEqual(Array.from(frozenBn.runningVar!.data), [4, 4, 4], 'running variance unchanged');
    const expected = (x.data[0] - 1) / Math.sqrt(4 + 1e-5);
    assert.ok(Math.abs(y.data[0] - expected) < 1e-5, `${y.data[0]} vs ${expected}`);
    trainedBn.forward(x);
    assert.notDeepEqual(Array.from(trainedBn.runningMean!.data), [0, 0, 0], 'the trainable one trains');
    assert.deepEqual(freezeBatchNorm(model, false), []);
    frozenBn.forward(x);
    assert.notDeepEqual(Array.from(frozenBn.runningMean!.data), [1, 2, 3], 'statistics move again');
  });
});
