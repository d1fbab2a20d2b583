// sort, argsort and topk: hand values for ties (stable both ways), NaN (larger than everything, as PyTorch)
// and other dimensions; topk against tfjs topk (values, indices; gradient through tfjs gather at tfjs's
// indices); float64 gradient checks; errors.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, gradcheck, randn, tensor, uniform } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';
import { compareWithTfjs, tf } from './helpers/tfjs-reference.js';

forEachBackend(() => {
  it('sorts stably both ways, NaN above every number', () => {
    const { values, indices } = F.sort(tensor([3, 1, 2]));
    assert.deepEqual([values.toFlatArray(), indices.toFlatArray(), indices.dtype], [[1, 2, 3], [1, 2, 0], 'int32']);
    assert.deepEqual(F.argsort(tensor([2, 1, 2, 1])).toFlatArray(), [1, 3, 0, 2]);
    assert.deepEqual(F.argsort(tensor([2, 1, 2, 1]), { descending: true }).toFlatArray(), [0, 2, 1, 3], 'ties keep their order descending too');
    const withNaN = tensor([NaN, 1, -Infinity, NaN, 0]);
    assert.deepEqual(withNaN.sort().values.toFlatArray(), [-Infinity, 0, 1, NaN, NaN]);
    assert.deepEqual(withNaN.argsort().toFlatArray(), [2, 4, 1, 0, 3]);
    assert.deepEqual(withNaN.argsort({ descending: true }).toFlatArray(), [0, 3, 1, 4, 2]);
    // Along dim 0 of [[3, 1], [1, 2], [2, 0]]: each column on its own.
    const m = tensor([[3, 1], [1, 2], [2, 0]]);
    assert.deepEqual(F.sort(m, { dim: 0 }).values.toArray(), [[1, 0], [2, 1], [3, 2]]);
    assert.deepEqual(F.argsort(m, { dim: 0, descending: true }).toArray(), [[0, 1], [2, 0], [1, 2]]);
  });

  it('topk: largest or smallest, sorted or in position order, NaN counted as the largest', () => {
    const x = tensor([4, 9, NaN, 1, 9, 3]);
    assert.deepEqual(F.topk(x, 3).indices.toFlatArray(), [2, 1, 4]);
    assert.deepEqual(F.topk(x, 2, { largest: false }).values.toFlatArray(), [1, 3]);
    assert.deepEqual(F.topk(x, 3, { largest: false, sorted: false }).indices.toFlatArray(), [0, 3, 5]);
    assert.deepEqual(F.topk(x, 0).values.shape, [0]);
    // Per row of [2, 3] along the last dimension (the default).
    const r = tensor([[1, 5, 3], [6, 4, 2]]).topk(2);
    assert.deepEqual([r.values.toArray(), r.indices.toArray()], [[[5, 3], [6, 4]], [[1, 2], [0, 1]]]);
  });

  it('topk agrees with tfjs topk (values and indices; gradient at the chosen positions)', () => {
    const g = new Generator(17);
    for (const [shape, k, largest] of [[[9], 4, true], [[3, 7], 7, true], [[2, 3, 6], 2, false], [[4, 5], 1, false]] as const) {
      const x = randn([...shape], { generator: g, requiresGrad: true });
      const tfX = tf.tensor(x.data as Float32Array, [...shape]);
      const expected = largest ? tf.topk(tfX, k) : tf.topk(tf.neg(tfX), k);
      const ours = F.topk(x, k, { largest });
      assert.deepEqual(ours.indices.toFlatArray(), Array.from(expected.indices.dataSync()), `indices ${JSON.stringify(shape)} k ${k}`);
      const tfIndices = expected.indices;
      compareWithTfjs({
        label: `topk ${JSON.stringify(shape)} k ${k} largest ${largest}`,
        inputs: [x],
        convkit: (xs) => F.topk(xs, k, { largest }).values,
        tfjs: (xs) => (largest ? tf.topk(xs, k).values : tf.neg(tf.topk(tf.neg(xs), k).values)),
        // tfjs has no topk gradient: pick x at its indices with a one-hot mask, which is what topk's values are.
        tfjsForGradients: (xs) => tf.sum(tf.mul(tf.expandDims(xs, -2), tf.oneHot(tfIndices, shape[shape.length - 1])), -1),
      });
    }
  });

  it('sort and topk values pass float64 gradient checks', () => {
    const x = uniform([3, 5], -1, 1, { dtype: 'float64', generator: new Generator(6) }).requiresGrad_();
    assert.equal(gradcheck((t) => F.sort(t, { dim: 0, descending: true }).values, [x]), true);
    assert.equal(gradcheck((t) => F.topk(t, 3, { largest: false, sorted: false }).values.mul(t.narrow(1, 0, 3)), [x]), true);
  });

  it('bad k and dims are named', () => {
    const x = tensor([[1, 2, 3]]);
    assert.throws(() => F.topk(x, 4), /topk: k must be an integer from 0 to the size 3 of dimension 1 of \[1, 3\], got 4/);
    assert.throws(() => F.topk(x, 1, { dim: 2 }), /topk: axis 2 is out of range for a tensor of rank 2/);
    assert.throws(() => F.sort(x, { dim: -3 }), /sort: axis -3 is out of range/);
  });
});
