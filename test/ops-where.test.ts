// where, maskedFill and the comparisons ne / ge / le: hand values with broadcasting, NaN and infinities,
// gradients that go only to the chosen values (an infinity not chosen does not make NaN), tfjs where
// (forward and gradients), float64 gradient checks, errors.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, gradcheck, rand, randn, tensor, uniform } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';
import { compareWithTfjs, tf } from './helpers/tfjs-reference.js';

forEachBackend(() => {
  it('where picks a where the condition is non-zero, b elsewhere, broadcasting all three', () => {
    assert.deepEqual(F.where(tensor([1, 0, 1]), tensor([1, 2, 3]), tensor([10, 20, 30])).toFlatArray(), [1, 20, 3]);
    // condition [2, 1], a [3], b a number: out [2, 3].
    const y = F.where(tensor([[1], [0]]), tensor([1, 2, 3]), -1);
    assert.deepEqual(y.toArray(), [[1, 2, 3], [-1, -1, -1]]);
    assert.deepEqual(F.where(tensor([NaN, 0]), 5, 6).toFlatArray(), [5, 6], 'NaN is non-zero: true');
    assert.equal(F.where(tensor([1]), tensor([1], [1], { dtype: 'int32' }), 0.5).dtype, 'float32');
    assert.equal(F.where(tensor([1]), tensor([1], [1], { dtype: 'float64' }), 0).dtype, 'float64');
  });

  it('the gradient goes to the chosen value only, summed over broadcast dimensions', () => {
    const a = tensor([Infinity, 2, 3]).requiresGrad_();
    const b = tensor([5]).requiresGrad_();
    const cond = tensor([[0, 1, 1], [1, 0, 1]]);
    const y = F.where(cond, a, b);
    assert.deepEqual(y.toArray(), [[5, 2, 3], [Infinity, 5, 3]], 'the unchosen infinity leaves no NaN behind');
    y.mul(tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
    assert.deepEqual(a.grad!.toFlatArray(), [4, 2, 9]);
    assert.deepEqual(b.grad!.toFlatArray(), [1 + 5]);
  });

  it('agrees with tfjs where, forward and gradients', () => {
    const g = new Generator(12);
    for (const shape of [[7], [3, 4], [2, 3, 2, 5]]) {
      const cond = rand(shape, { generator: g }).gt(0.5);
      const a = randn(shape, { generator: g, requiresGrad: true });
      const b = randn(shape, { generator: g, requiresGrad: true });
      const tfCond = tf.cast(tf.tensor(cond.data as Float32Array, shape), 'bool');
      compareWithTfjs({ label: `where ${JSON.stringify(shape)}`, inputs: [a, b], convkit: (as, bs) => F.where(cond, as, bs), tfjs: (as, bs) => tf.where(tfCond, as, bs) });
    }
  });

  it('where and maskedFill pass float64 gradient checks', () => {
    const g = new Generator(2);
    const a = uniform([3, 4], -1, 1, { dtype: 'float64', generator: g }).requiresGrad_();
    const b = uniform([4], -1, 1, { dtype: 'float64', generator: g }).requiresGrad_();
    const cond = rand([3, 4], { generator: g }).gt(0.3);
    assert.equal(gradcheck((as, bs) => F.where(cond, as.mul(as), bs), [a, b]), true);
    assert.equal(gradcheck((as) => F.maskedFill(as, cond, 7).mul(as), [a]), true);
  });

  it('maskedFill fills where the mask is set, keeping the shape and dtype', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(F.maskedFill(x, tensor([1, 0, 1]), 0).toArray(), [[0, 2, 0], [0, 5, 0]]);
    assert.deepEqual(x.maskedFill(x.gt(4), -Infinity).toFlatArray(), [1, 2, 3, 4, -Infinity, -Infinity]);
    const ints = tensor([1, 2], [2], { dtype: 'int32' });
    assert.equal(F.maskedFill(ints, tensor([0, 1]), 9).dtype, 'int32');
    assert.throws(() => F.maskedFill(tensor([1, 2, 3]), tensor([[1], [0]]), 0), /maskedFill: mask \[2, 1\] must broadcast to the input's shape \[3\], but together they make \[2, 3\]/);
    assert.throws(() => F.where(tensor([1, 0]), tensor([1, 2, 3]), 0), /where: shapes \[2\] and \[3\] cannot be broadcast/);
  });

  it('ne, ge and le are 0/1 float32 masks, NaN comparing unequal to everything', () => {
    const a = tensor([1, 2, NaN, 3]);
    const b = tensor([1, 3, NaN, 2]);
    assert.deepEqual(F.ne(a, b).toFlatArray(), [0, 1, 1, 1]);
    assert.deepEqual(a.ge(b).toFlatArray(), [1, 0, 0, 1]);
    assert.deepEqual(a.le(2).toFlatArray(), [1, 1, 0, 0]);
    assert.equal(a.le(2).dtype, 'float32');
  });
}, {
  expectedFallbacks: [{ ops: ['channelSums'], reason: 'not float32', because: 'the gradient checks run in float64 (their broadcast gradients are summed per channel)' }],
});
