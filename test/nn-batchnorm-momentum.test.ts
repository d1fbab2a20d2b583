// Issue 10, case 17: a batch norm's momentum is checked (old: F.batchNorm took momentum 5, and turned PyTorch's
// `momentum: None` into 0.1), and BatchNorm2d({ momentum: null }) keeps PyTorch's cumulative average.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, tensor, zeros, ones } from '../src/index.js';
import { BatchNorm2d } from '../src/nn/index.js';
import { assertAllClose } from './helpers/assert-close.js';
import { forEachBackend } from './helpers/backends.js';

const stats = () => [zeros([1]), ones([1])] as const;
/** One channel, [4, 1, 1, 1]. */
const batch = (values: number[]) => tensor(values, [values.length, 1, 1, 1]);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const unbiasedVariance = (v: number[]) => v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1);

it('F.batchNorm and BatchNorm2d refuse a momentum outside [0, 1], naming the value', () => {
  for (const momentum of [5, -0.1, NaN, '0.1']) {
    const [rm, rv] = stats();
    assert.throws(
      () => F.batchNorm(batch([1, 2, 3]), rm, rv, null, null, { training: true, momentum: momentum as number }),
      new RegExp(`^Error: batchNorm: momentum must be a number in \\[0, 1\\], or null for the cumulative average, got ${momentum === '0.1' ? '"0.1"' : momentum}`),
    );
    assert.throws(() => new BatchNorm2d(1, { momentum: momentum as number }), /^Error: BatchNorm2d: momentum must be a number in \[0, 1\]/);
    assert.deepEqual(Array.from(rm.data), [0], 'nothing was updated');
  }
});

it('F.batchNorm with momentum null says where the cumulative average is (not a silent 0.1)', () => {
  const [rm, rv] = stats();
  assert.throws(
    () => F.batchNorm(batch([1, 2, 3]), rm, rv, null, null, { training: true, momentum: null as unknown as number }),
    /batchNorm: momentum null \(the cumulative average\) needs the number of batches seen: use BatchNorm2d\(\{ momentum: null \}\)/,
  );
  assert.deepEqual(Array.from(rm.data), [0]);
});

forEachBackend(() => {
  it('BatchNorm2d({ momentum: null }): the running statistics are the plain average over the training batches, as PyTorch', () => {
    const batches = [[1, 2, 3, 6], [10, 10, 12, 16], [-4, 0, 1, 3]];
    const bn = new BatchNorm2d(1, { momentum: null });
    bn.train();
    batches.forEach((values, i) => {
      bn.forward(batch(values));
      const seen = batches.slice(0, i + 1);
      assertAllClose(bn.runningMean!.data, [mean(seen.map(mean))]);
      assertAllClose(bn.runningVar!.data, [mean(seen.map(unbiasedVariance))]);
      assert.deepEqual(Array.from(bn.numBatchesTracked!.data), [i + 1]);
    });
    bn.eval();
    bn.forward(batch([100, 200, 300, 400]));
    assert.deepEqual(Array.from(bn.numBatchesTracked!.data), [3], 'eval batches are not counted');
    assertAllClose(bn.runningMean!.data, [mean(batches.map(mean))]);
  });

  it('the count is state: a layer loaded from the state dict continues the same average', () => {
    const first = new BatchNorm2d(1, { momentum: null });
    first.forward(batch([1, 2, 3, 6]));
    first.forward(batch([10, 10, 12, 16]));
    const second = new BatchNorm2d(1, { momentum: null });
    second.loadStateDict(first.stateDict());
    first.forward(batch([-4, 0, 1, 3]));
    second.forward(batch([-4, 0, 1, 3]));
    assert.deepEqual(Array.from(second.runningMean!.data), Array.from(first.runningMean!.data));
    assertAllClose(second.runningMean!.data, [mean([3, 12, 0])]);
    assert.ok(!('numBatchesTracked' in new BatchNorm2d(1).stateDict()), 'a layer with a momentum keeps no count, as before');
  });
});
