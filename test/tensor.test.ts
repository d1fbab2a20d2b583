// Tensors: creation, dtypes, broadcasting, reductions, argmax, shape ops, printing and seeded randomness.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import {
  F,
  Generator,
  Tensor,
  arange,
  concat,
  full,
  linspace,
  manualSeed,
  oneHot,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  stack,
  tensor,
  uniform,
  zeros,
  zerosLike,
} from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';

forEachBackend(() => {
  it('tensor() infers shapes from nested arrays, takes flat data with a shape, and wraps scalars', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.toFlatArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray(), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const s = tensor(7);
    assert.deepEqual(s.shape, []);
    assert.equal(s.item(), 7);
    assert.equal(tensor([1, 2], undefined, { dtype: 'int32' }).dtype, 'int32');
    assert.throws(() => tensor([[1, 2], [3]]), /tensor: ragged nested array/);
  });

  it('zeros, ones, full, *Like, arange, linspace and oneHot', () => {
    assert.deepEqual(zeros([2, 2]).toFlatArray(), [0, 0, 0, 0]);
    assert.deepEqual(ones([3]).toFlatArray(), [1, 1, 1]);
    assert.deepEqual(full([2], 2.5).toFlatArray(), [2.5, 2.5]);
    const f64 = ones([2, 3], { dtype: 'float64' });
    assert.equal(zerosLike(f64).dtype, 'float64');
    assert.deepEqual(onesLike(f64).shape, [2, 3]);
    const range = arange(5);
    assert.equal(range.dtype, 'int32');
    assert.deepEqual(range.toFlatArray(), [0, 1, 2, 3, 4]);
    assert.deepEqual(arange(1, 2, 0.25).toFlatArray(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(arange(5, 0, -2).toFlatArray(), [5, 3, 1]);
    assert.deepEqual(linspace(0, 1, 5).toFlatArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(oneHot(tensor([2, 0], undefined, { dtype: 'int32' }), 3).toArray(), [
      [0, 0, 1],
      [1, 0, 0],
    ]);
    assert.throws(() => arange(0, 3, 0), /arange: step must not be 0/);
  });

  it('random tensors: seeded, reproducible, in range and roughly standard', () => {
    manualSeed(5);
    const a = randn([1000]);
    manualSeed(5);
    const b = randn([1000]);
    assert.deepEqual(a.toFlatArray(), b.toFlatArray());
    assert.notDeepEqual(randn([10], { generator: new Generator(1) }).toFlatArray(), randn([10], { generator: new Generator(2) }).toFlatArray());
    assert.deepEqual(randn([10], { generator: new Generator(1) }).toFlatArray(), randn([10], { generator: new Generator(1) }).toFlatArray());

    const big = randn([20000], { generator: new Generator(9), dtype: 'float64' });
    const mean = F.mean(big).item();
    const std = Math.sqrt(F.variance(big).item());
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.03, `std ${std}`);

    const u = uniform([1000], -2, 3, { generator: new Generator(4) });
    assert.ok(u.toFlatArray().every((v) => v >= -2 && v < 3));
    assert.ok(rand([1000], { generator: new Generator(4) }).toFlatArray().every((v) => v >= 0 && v < 1));
    const ints = randint(3, 7, [1000], { generator: new Generator(4) });
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual([...new Set(ints.toFlatArray())].sort(), [3, 4, 5, 6]);
  });

  it('broadcasting follows NumPy: align from the right, size-1 dimensions stretch', () => {
    const col = tensor([[1], [2], [3]]); // [3, 1]
    const row = tensor([10, 20]); // [2]
    const sum = col.add(row);
    assert.deepEqual(sum.shape, [3, 2]);
    assert.deepEqual(sum.toArray(), [
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
    const cube = tensor([1, 2], [2, 1, 1]).mul(tensor([[1, 2, 3]])); // [2,1,1] * [1,3] -> [2,1,3]
    assert.deepEqual(cube.shape, [2, 1, 3]);
    assert.deepEqual(cube.toFlatArray(), [1, 2, 3, 2, 4, 6]);
    assert.deepEqual(tensor([[1, 2]]).sub(1).toFlatArray(), [0, 1]);
    assert.deepEqual(F.sub(10, tensor([1, 2])).toFlatArray(), [9, 8]);
    assert.deepEqual(tensor([[1, 2], [3, 4]]).div(tensor([2, 4])).toFlatArray(), [0.5, 0.5, 1.5, 1]);
  });

  it('dtypes promote: int32 with float32 gives float32, int32 divided gives float', () => {
    const ints = tensor([1, 2, 3], undefined, { dtype: 'int32' });
    assert.equal(ints.add(tensor([0.5, 0.5, 0.5])).dtype, 'float32');
    assert.equal(ints.add(1).dtype, 'int32');
    const halves = ints.div(2);
    assert.equal(halves.dtype, 'float32');
    assert.deepEqual(halves.toFlatArray(), [0.5, 1, 1.5]);
    assert.equal(ones([2]).add(ones([2], { dtype: 'float64' })).dtype, 'float64');
  });

  it('reductions over all, one and several axes, with keepDims', () => {
    const x = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]); // [2, 2, 2]
    assert.equal(x.sum().item(), 36);
    assert.deepEqual(x.sum(0).toArray(), [
      [6, 8],
      [10, 12],
    ]);
    assert.deepEqual(x.sum([0, 2]).toFlatArray(), [1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
    assert.deepEqual(x.sum([0, 2], true).shape, [1, 2, 1]);
    assert.deepEqual(x.mean(-1).toFlatArray(), [1.5, 3.5, 5.5, 7.5]);
    assert.deepEqual(x.max(1).toFlatArray(), [3, 4, 7, 8]);
    assert.deepEqual(x.min([1, 2]).toFlatArray(), [1, 5]);
    assert.deepEqual(F.variance(tensor([1, 2, 3, 4])).toFlatArray(), [1.25]);
    assertAllClose(F.variance(tensor([1, 2, 3, 4]), 0, false, 1).data, [5 / 3]);
  });

  it('argmax and argmin along an axis give int32 indices, the first on ties', () => {
    const x = tensor([
      [1, 9, 9, 0],
      [7, 2, 7, -1],
    ]);
    const am = x.argmax();
    assert.equal(am.dtype, 'int32');
    assert.deepEqual(am.toFlatArray(), [1, 0]);
    assert.deepEqual(x.argmax(0).toFlatArray(), [1, 0, 0, 0]);
    assert.deepEqual(x.argmin(1).toFlatArray(), [3, 3]);
    assert.deepEqual(x.argmax(1, true).shape, [2, 1]);
  });

  it('matmul multiplies matrices (2-D and batched)', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([
      [5, 6],
      [7, 8],
    ]);
    assert.deepEqual(a.matmul(b).toArray(), [
      [19, 22],
      [43, 50],
    ]);
    const batched = stack([a, b]).matmul(tensor([[1], [1]]));
    assert.deepEqual(batched.shape, [2, 2, 1]);
    assert.deepEqual(batched.toFlatArray(), [3, 7, 11, 15]);
  });

  it('shape ops: reshape, flatten, permute, transpose, slice, narrow, pad, concat, stack', () => {
    const x = arange(6).to('float32').reshape([2, 3]);
    assert.deepEqual(x.reshape([3, -1]).shape, [3, 2]);
    assert.equal(x.reshape([3, 2]).data, x.data, 'reshape shares the data');
    assert.deepEqual(x.T.toArray(), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const nhwc = arange(24).to('float32').reshape([1, 2, 3, 4]);
    const nchw = nhwc.permute([0, 3, 1, 2]);
    assert.deepEqual(nchw.shape, [1, 4, 2, 3]);
    assert.deepEqual(nchw.slice([0, 1], [1, 2]).toFlatArray(), [1, 5, 9, 13, 17, 21]);
    assert.deepEqual(nhwc.flatten().shape, [1, 24]);
    assert.deepEqual(x.slice([0, -2]).toArray(), [
      [1, 2],
      [4, 5],
    ]);
    assert.deepEqual(x.narrow(1, 1, 1).toFlatArray(), [1, 4]);
    assert.deepEqual(tensor([[1, 2]]).pad([[1, 0], [0, 1]]).toArray(), [
      [0, 0, 0],
      [1, 2, 0],
    ]);
    assert.deepEqual(concat([x, x.mul(10)], 1).toArray(), [
      [0, 1, 2, 0, 10, 20],
      [3, 4, 5, 30, 40, 50],
    ]);
    assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(), [
      [1, 3],
      [2, 4],
    ]);
    assert.deepEqual(tensor([1, 2]).broadcastTo([2, 2]).toArray(), [
      [1, 2],
      [1, 2],
    ]);
  });

  it('comparisons give 0/1 float masks', () => {
    const x = tensor([1, 2, 3]);
    assert.deepEqual(x.gt(1).toFlatArray(), [0, 1, 1]);
    assert.deepEqual(x.lt(tensor([2, 2, 2])).toFlatArray(), [1, 0, 0]);
    assert.equal(x.eq(2).mean().item(), Math.fround(1 / 3));
  });

  it('printing is readable: values in aligned rows, shape and dtype, long dimensions elided', () => {
    const text = tensor([
      [1, -2.5],
      [30, 4],
    ]).toString();
    assert.equal(text, 'tensor([[  1., -2.5],\n        [ 30.,   4.]], shape=[2, 2], dtype=float32)');
    const long = arange(100).toString();
    assert.match(long, /^tensor\(\[ 0,  1,  2, \.\.\., 97, 98, 99\], shape=\[100\], dtype=int32\)$/);
    assert.match(ones([2], { requiresGrad: true }).toString(), /requiresGrad/);
    assert.equal(tensor(3.25).toString(), 'tensor(3.25, shape=[], dtype=float32)');
  });

  it('a Tensor checks that its data fills its shape', () => {
    assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), /Tensor: 5 values do not fill shape \[2, 3\] \(needs 6\)/);
    assert.throws(() => tensor([1, 2]).item(), /item: tensor of shape \[2\] has 2 values, not 1/);
  });
});
