// pad's modes ('constant', 'reflect', 'replicate', as PyTorch's F.pad) and the 2-D padding layers: hand
// values, forward and gradient against tfjs mirrorPad('reflect'), float64 gradient checks, errors.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, gradcheck, randn, tensor, uniform } from '../src/index.js';
import { ReflectionPad2d, ReplicationPad2d, ZeroPad2d } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';
import { compareWithTfjs, tf, viaMatrix } from './helpers/tfjs-reference.js';

forEachBackend(() => {
  it('reflect mirrors without repeating the edge, replicate repeats it, constant fills', () => {
    const x = tensor([1, 2, 3], [3]);
    // PyTorch: F.pad(t, (2, 2), 'reflect') of [1, 2, 3] is [3, 2, 1, 2, 3, 2, 1]; 'replicate' [1, 1, 1, 2, 3, 3, 3].
    assert.deepEqual(F.pad(x, [[2, 2]], { mode: 'reflect' }).toFlatArray(), [3, 2, 1, 2, 3, 2, 1]);
    assert.deepEqual(F.pad(x, [[2, 1]], { mode: 'replicate' }).toFlatArray(), [1, 1, 1, 2, 3, 3]);
    assert.deepEqual(F.pad(x, [[1, 2]], { value: -1 }).toFlatArray(), [-1, 1, 2, 3, -1, -1]);
    assert.deepEqual(F.pad(x, [[1, 0]], 5).toFlatArray(), [5, 1, 2, 3], 'a number is the constant value, as before');
    // A 2x2 image with one channel, reflect-padded by 1 on every side (NHWC: height and width are dims 1, 2).
    const img = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    assert.deepEqual(new ReflectionPad2d(1).forward(img).toFlatArray(), [4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3, 2, 1, 2, 1]);
    assert.deepEqual(new ReplicationPad2d([0, 1, 1, 0]).forward(img).toFlatArray(), [1, 1, 2, 3, 3, 4, 3, 3, 4]);
    assert.deepEqual(new ZeroPad2d([1, 0, 0, 0]).forward(img).toFlatArray(), [0, 0, 1, 2, 3, 4]);
  });

  it("the gradient adds every copy back: replicate's edge collects all its copies", () => {
    const x = tensor([1, 2, 3], [3]).requiresGrad_();
    F.pad(x, [[2, 1]], { mode: 'replicate' }).mul(tensor([1, 10, 100, 1000, 10000, 100000], [6])).sum().backward();
    assert.deepEqual(x.grad!.toFlatArray(), [111, 1000, 110000]);
    x.grad = null;
    F.pad(x, [[2, 2]], { mode: 'reflect' }).mul(tensor([1, 10, 100, 1000, 10000, 100000, 1000000], [7])).sum().backward();
    // Sources 2, 1, 0, 1, 2, 1, 0.
    assert.deepEqual(x.grad!.toFlatArray(), [100 + 1000000, 10 + 1000 + 100000, 1 + 10000]);
  });

  it('reflect agrees with tfjs mirrorPad, forward and gradient, on random NHWC shapes', () => {
    const g = new Generator(3);
    const between = (lo: number, hi: number) => lo + g.randint(hi - lo + 1);
    for (let run = 0; run < 6; run++) {
      const x = randn([between(1, 2), between(2, 6), between(2, 6), between(1, 3)], { generator: g, requiresGrad: true });
      const widths: Array<[number, number]> = [[0, 0], [between(0, x.shape[1] - 1), between(0, x.shape[1] - 1)], [between(0, x.shape[2] - 1), between(0, x.shape[2] - 1)]];
      compareWithTfjs({
        label: `reflect pad ${JSON.stringify(x.shape)} ${JSON.stringify(widths)}`,
        inputs: [x],
        convkit: (xs) => F.pad(xs, widths, { mode: 'reflect' }),
        tfjs: (xs) => tf.mirrorPad(xs, [...widths, [0, 0]], 'reflect'),
        // tfjs's mirrorPad gradient only slices dy (it drops the mirrored copies' share).
        tfjsForGradients: viaMatrix((xs) => tf.mirrorPad(xs, [...widths, [0, 0]], 'reflect'), [...x.shape]),
      });
    }
  });

  it('passes float64 gradient checks in each mode', () => {
    const x = uniform([2, 3, 4, 2], -1, 1, { dtype: 'float64', generator: new Generator(8) }).requiresGrad_();
    for (const mode of ['constant', 'reflect', 'replicate'] as const) {
      assert.equal(gradcheck((t) => F.pad(t, [[0, 0], [2, 1], [3, 3]], { mode }), [x]), true, mode);
    }
  });

  it('bad widths and modes are named', () => {
    const x = randn([1, 3, 3, 1]);
    assert.throws(() => F.pad(x, [[0, 0], [3, 0]], { mode: 'reflect' }), /pad: 'reflect' widths \[3, 0\] of dimension 1 must be smaller than its size 3 \(input \[1, 3, 3, 1\]\)/);
    assert.throws(() => F.pad(tensor([], [0]), [[1, 0]], { mode: 'replicate' }), /pad: 'replicate' cannot pad dimension 0 of \[0\]: it is empty/);
    assert.throws(() => F.pad(x, [[0, 0]], { mode: 'circular' as 'reflect' }), /pad: mode must be 'constant', 'reflect' or 'replicate', got "circular"/);
    assert.throws(() => new ReflectionPad2d([1, -1]), /ReflectionPad2d: padding must be a non-negative integer, \[padH, padW\] or \[top, bottom, left, right\], got \[1,-1\]/);
  });
});
