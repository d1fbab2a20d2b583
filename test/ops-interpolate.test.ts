// interpolate / nn.Upsample: hand-computed values from PyTorch's index rules (nearest's floor(dst * scale)
// with 1 / scaleFactor, nearest-exact, bilinear with alignCorners both ways), forward and gradient against
// TensorFlow.js's resizeNearestNeighbor / resizeBilinear on random shapes, float64 gradient checks, errors.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, gradcheck, randn, tensor, uniform } from '../src/index.js';
import { Upsample } from '../src/nn/index.js';
import type { InterpolateMode } from '../src/ops/functional.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';
import { compareWithTfjs, tf, viaMatrix } from './helpers/tfjs-reference.js';

/** A [1, 1, w, 1] row of values (NHWC), to resize along the width only. */
const row = (values: number[]) => tensor(values, [1, 1, values.length, 1]);
const arange = (n: number) => Array.from({ length: n }, (_, i) => i);
/** The source column each output column reads, found by resizing 0..n-1. */
const sourcesOf = (n: number, options: F.InterpolateOptions) => F.interpolate(row(arange(n)), options).toFlatArray();

forEachBackend(() => {
  it("nearest reads floor(dst * scale) (PyTorch's rule), nearest-exact floor((dst + 0.5) * scale)", () => {
    assert.deepEqual(F.interpolate(tensor([1, 2, 3, 4], [1, 2, 2, 1]), { scaleFactor: 2 }).toFlatArray(), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    // 5 -> 2: scale 2.5; nearest reads 0 and floor(2.5) = 2, nearest-exact floor(1.25) = 1 and floor(3.75) = 3.
    assert.deepEqual(sourcesOf(5, { size: [1, 2] }), [0, 2]);
    assert.deepEqual(sourcesOf(5, { size: [1, 2], mode: 'nearest-exact' }), [1, 3]);
    // 4 * 2.6 -> 10 columns. With the scale factor the scale is 1 / 2.6 (dst 5 reads floor(1.923) = 1);
    // recomputed it is 4 / 10 (dst 5 reads floor(2.0) = 2).
    assert.deepEqual(sourcesOf(4, { scaleFactor: [1, 2.6] }), [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]);
    assert.deepEqual(sourcesOf(4, { scaleFactor: [1, 2.6], recomputeScaleFactor: true }), [0, 0, 0, 1, 1, 2, 2, 2, 3, 3]);
    // Downsampling by a scale factor: 3 * 0.7 -> 2 columns, reading 0 and floor(1 / 0.7) = 1.
    assert.deepEqual(sourcesOf(3, { scaleFactor: [1, 0.7] }), [0, 1]);
  });

  it('bilinear: alignCorners false clamps src = (dst + 0.5) * in / out - 0.5 at 0; true uses dst * (in - 1) / (out - 1)', () => {
    // PyTorch: F.interpolate([[[[1., 2.]]]], size=(1, 4), mode='bilinear') = [1, 1.25, 1.75, 2].
    assertAllClose(F.interpolate(row([1, 2]), { size: [1, 4], mode: 'bilinear' }).data, [1, 1.25, 1.75, 2]);
    assertAllClose(F.interpolate(row([1, 2]), { size: [1, 4], mode: 'bilinear', alignCorners: true }).data, [1, 4 / 3, 5 / 3, 2]);
    // 2x2 -> 3x3 aligned corners: the centre is the mean of the four, the edge midpoints pairwise means.
    const y = F.interpolate(tensor([0, 4, 8, 12], [1, 2, 2, 1]), { size: 3, mode: 'bilinear', alignCorners: true });
    assertAllClose(y.data, [0, 2, 4, 4, 6, 8, 8, 10, 12]);
    // One output pixel with aligned corners reads the first input pixel (scale 0).
    assert.deepEqual(F.interpolate(row([7, 8, 9]), { size: [1, 1], mode: 'bilinear', alignCorners: true }).toFlatArray(), [7]);
    // Channels are independent (NHWC): the two channels of a pixel stay apart.
    const two = F.interpolate(tensor([1, 10, 3, 30], [1, 1, 2, 2]), { size: [1, 3], mode: 'bilinear', alignCorners: true });
    assertAllClose(two.data, [1, 10, 2, 20, 3, 30]);
  });

  it('forward and gradient agree with tfjs resizeBilinear / resizeNearestNeighbor on random shapes', () => {
    const g = new Generator(7);
    const between = (lo: number, hi: number) => lo + g.randint(hi - lo + 1);
    const cases: Array<{ mode: InterpolateMode; alignCorners?: boolean }> = [
      { mode: 'bilinear', alignCorners: false },
      { mode: 'bilinear', alignCorners: true },
      { mode: 'nearest' },
      { mode: 'nearest-exact' },
    ];
    for (let run = 0; run < 6; run++) {
      for (const c of cases) {
        const x = randn([between(1, 2), between(1, 7), between(1, 7), between(1, 3)], { generator: g, requiresGrad: true });
        const size: [number, number] = [between(1, 15), between(1, 15)];
        const halfPixelCenters = c.mode === 'nearest-exact' || (c.mode === 'bilinear' && !c.alignCorners);
        const alignCorners = c.alignCorners ?? false;
        const resize = (xs: tf.Tensor) =>
          c.mode === 'bilinear'
            ? tf.image.resizeBilinear(xs as tf.Tensor4D, size, alignCorners, halfPixelCenters)
            : tf.image.resizeNearestNeighbor(xs as tf.Tensor4D, size, alignCorners, halfPixelCenters);
        compareWithTfjs({
          label: `interpolate ${JSON.stringify(x.shape)} -> ${size} ${JSON.stringify(c)}`,
          inputs: [x],
          convkit: (xs) => F.interpolate(xs, { size, ...c }),
          tfjs: resize,
          // tfjs's resize gradients ignore halfPixelCenters, and the bilinear one returns [batch, width, height, channels].
          tfjsForGradients: viaMatrix(resize, [...x.shape]),
        });
      }
    }
  });

  it('passes float64 gradient checks in every mode, up and down, with size and scaleFactor', () => {
    const g = new Generator(5);
    const x = uniform([2, 3, 4, 2], -1, 1, { dtype: 'float64', generator: g }).requiresGrad_();
    for (const options of [
      { size: [5, 7] as const, mode: 'bilinear' as const },
      { size: [2, 3] as const, mode: 'bilinear' as const, alignCorners: true },
      { scaleFactor: 1.5, mode: 'bilinear' as const },
      { scaleFactor: [2, 0.5] as const },
      { size: [4, 9] as const, mode: 'nearest-exact' as const },
    ]) {
      assert.equal(gradcheck((t) => F.interpolate(t, options), [x]), true, JSON.stringify(options));
    }
  });

  it('nn.Upsample is the op; bad arguments are named', () => {
    const x = randn([1, 3, 3, 2], { generator: new Generator(1) });
    const up = new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false });
    assert.deepEqual(up.forward(x).toFlatArray(), F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }).toFlatArray());
    assert.equal(up.forward(x).shape.join(), '1,6,6,2');
    assert.throws(() => new Upsample({ scaleFactor: 2, alignCorners: true }), /Upsample: alignCorners can only be set with mode 'bilinear' \(got mode 'nearest'\)/);
    assert.throws(() => new Upsample({}), /Upsample: give exactly one of size and scaleFactor \(got neither\)/);
    assert.throws(() => F.interpolate(x, { size: 4, scaleFactor: 2 }), /interpolate: give exactly one of size and scaleFactor \(got both\)/);
    assert.throws(() => F.interpolate(x, { size: [4, 0] }), /interpolate: size must be a positive integer or \[height, width\] of them, got \[4,0\]/);
    assert.throws(() => F.interpolate(x, { mode: 'bicubic' as InterpolateMode, size: 4 }), /interpolate: mode must be 'nearest', 'nearest-exact' or 'bilinear', got "bicubic"/);
    assert.throws(() => F.interpolate(x, { scaleFactor: 0.2 }), /interpolate: scaleFactor \[0.2,0.2\] makes input \[1, 3, 3, 2\] 0x0; the output must be at least 1x1/);
    assert.throws(() => F.interpolate(tensor([1, 2, 3]), { size: 2 }), /interpolate: input must be 4-D \[batch, height, width, channels\] \(NHWC\), got \[3\]/);
  });
});
