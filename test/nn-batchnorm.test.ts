import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randn, Generator } from '../src/index.js';
import { BatchNorm2d } from '../src/nn/index.js';

describe('BatchNorm2d', () => {
  it('in training mode, normalises with batch statistics and moves the running statistics', () => {
    const bn = new BatchNorm2d(3);
    const x = randn([4, 5, 5, 3], { generator: new Generator(1) }).mul(3).add(2);
    const y = bn.forward(x);
    assert.ok(Math.abs(y.mean().item()) < 1e-5);
    assert.notDeepEqual(Array.from(bn.runningMean!.data), [0, 0, 0]);
  });

  it('once frozen (weight not trainable), runs in inference mode even while training, as in Keras', () => {
    const bn = new BatchNorm2d(3);
    bn.runningMean!.data.set([1, 2, 3]);
    bn.runningVar!.data.set([4, 4, 4]);
    bn.freeze();
    bn.train();
    const x = randn([4, 5, 5, 3], { generator: new Generator(2) });
    const y = bn.forward(x);
    assert.deepEqual(Array.from(bn.runningMean!.data), [1, 2, 3], 'running mean unchanged');
    assert.deepEqual(Array.from(bn.runningVar!.data), [4, 4, 4], 'running variance unchanged');
    const expected = (x.data[0] - 1) / Math.sqrt(4 + 1e-5);
    assert.ok(Math.abs(y.data[0] - expected) < 1e-5, `${y.data[0]} vs ${expected}`);
    bn.unfreeze();
    bn.forward(x);
    assert.notDeepEqual(Array.from(bn.runningMean!.data), [1, 2, 3], 'unfrozen: statistics move again');
  });
});
