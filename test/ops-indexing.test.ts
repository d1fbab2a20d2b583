// indexSelect, gather and take (PyTorch's index_select, gather, take): the documented examples, indexSelect
// against tfjs gather (forward and gradient), repeated indices adding up in the gradient, float64 gradient
// checks, and errors that name the op, the index and the valid range.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, gradcheck, randint, randn, tensor, uniform } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';
import { compareWithTfjs, tf } from './helpers/tfjs-reference.js';

const int = (values: number[] | number[][], shape?: number[]) => tensor(values, shape, { dtype: 'int32' });

forEachBackend(() => {
  it("PyTorch's documented examples", () => {
    // torch.gather(t, 1, [[0, 0], [1, 0]]) with t = [[1, 2], [3, 4]] is [[1, 1], [4, 3]].
    assert.deepEqual(F.gather(tensor([[1, 2], [3, 4]]), 1, int([[0, 0], [1, 0]])).toArray(), [[1, 1], [4, 3]]);
    // Along dim 0 with a smaller index: out[i][j] = t[index[i][j]][j].
    assert.deepEqual(F.gather(tensor([[1, 2, 3], [4, 5, 6]]), 0, int([[1, 0]])).toArray(), [[4, 2]]);
    // torch.take([[4, 3, 5], [6, 7, 8]], [0, 2, 5]) is [4, 5, 8]; negative indices count from the end.
    const src = tensor([[4, 3, 5], [6, 7, 8]]);
    assert.deepEqual(F.take(src, int([0, 2, 5])).toFlatArray(), [4, 5, 8]);
    assert.deepEqual(F.take(src, int([[-1, -6]])).toArray(), [[8, 4]]);
    // torch.index_select(x, 1, [0, 2]) keeps columns 0 and 2; repeats and any order are allowed.
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(F.indexSelect(x, 1, int([2, 0, 2])).toArray(), [[3, 1, 3], [6, 4, 6]]);
    assert.deepEqual(F.indexSelect(x, -2, int([1])).toArray(), [[4, 5, 6]]);
    assert.deepEqual(F.indexSelect(int([7, 8, 9]), 0, int([2, 2])).toFlatArray(), [9, 9], 'int32 data');
    assert.equal(F.indexSelect(int([7, 8, 9]), 0, int([2])).dtype, 'int32');
  });

  it('gradients scatter back and add where an index repeats', () => {
    const x = tensor([10, 20, 30], [3]).requiresGrad_();
    F.take(x, int([2, 0, 2])).mul(tensor([1, 2, 4])).sum().backward();
    assert.deepEqual(x.grad!.toFlatArray(), [2, 0, 5]);
    const m = tensor([[1, 2], [3, 4]]).requiresGrad_();
    F.gather(m, 1, int([[1, 1], [0, 1]])).sum().backward();
    assert.deepEqual(m.grad!.toArray(), [[0, 2], [1, 1]]);
    m.grad = null;
    F.indexSelect(m, 0, int([1, 1, 1])).sum().backward();
    assert.deepEqual(m.grad!.toArray(), [[0, 0], [3, 3]]);
  });

  it('indexSelect agrees with tfjs gather on random shapes, forward and gradient', () => {
    const g = new Generator(21);
    const between = (lo: number, hi: number) => lo + g.randint(hi - lo + 1);
    for (let run = 0; run < 8; run++) {
      const shape = Array.from({ length: between(1, 4) }, () => between(1, 5));
      const dim = g.randint(shape.length);
      const index = randint(0, shape[dim], [between(1, 7)], { generator: g });
      const x = randn(shape, { generator: g, requiresGrad: true });
      compareWithTfjs({
        label: `indexSelect ${JSON.stringify(shape)} dim ${dim} index ${index.toFlatArray()}`,
        inputs: [x],
        convkit: (xs) => F.indexSelect(xs, dim, index),
        tfjs: (xs) => tf.gather(xs, tf.tensor1d(index.data as Int32Array, 'int32'), dim),
      });
    }
  });

  it('pass float64 gradient checks', () => {
    const g = new Generator(4);
    const x = uniform([3, 4, 2], -1, 1, { dtype: 'float64', generator: g }).requiresGrad_();
    assert.equal(gradcheck((t) => F.indexSelect(t, 1, int([3, 0, 3, 1])), [x]), true);
    const gatherIndex = randint(0, 4, [3, 6, 2], { generator: g });
    assert.equal(gradcheck((t) => F.gather(t, 1, gatherIndex), [x]), true);
    const takeIndex = randint(-24, 24, [5, 3], { generator: g });
    assert.equal(gradcheck((t) => F.take(t, takeIndex), [x]), true);
  });

  it('bad indices are named with the valid range', () => {
    const x = randn([2, 3]);
    assert.throws(() => F.indexSelect(x, 1, tensor([0, 1])), /indexSelect: index must be an int32 tensor .*, got float32/);
    assert.throws(() => F.indexSelect(x, 1, int([[0]])), /indexSelect: index must be 1-D, got shape \[1, 1\]/);
    assert.throws(() => F.indexSelect(x, 1, int([3])), /indexSelect: index 3 is out of range for dimension 1 of \[2, 3\] of size 3 \(valid: 0..2\)/);
    assert.throws(() => F.indexSelect(x, 2, int([0])), /indexSelect: axis 2 is out of range for a tensor of rank 2/);
    assert.throws(() => F.gather(x, 0, int([-1, 0], [1, 2])), /gather: index -1 is out of range for dimension 0 of input \[2, 3\] of size 2 \(valid: 0..1\)/);
    assert.throws(() => F.gather(x, 0, int([0, 0, 0, 0], [1, 4])), /gather: index \[1, 4\] must have the rank of input \[2, 3\] and no dimension larger than the input's, except dimension 0/);
    assert.throws(() => F.take(x, int([6])), /take: index 6 is out of range for input \[2, 3\] read flat of size 6 \(valid: -6..5\)/);
  });
});
