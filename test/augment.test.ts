// Augmentations on small images: exact geometric identities, hand-computed warps, colour ranges and seeding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, rand, tensor, uniform } from '../src/index.js';
import { DataLoader, TensorDataset, TransformDataset } from '../src/data/index.js';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustLighting,
  adjustSaturation,
  affine,
  colorJitter,
  compose,
  erase,
  hflip,
  imagenetEigenvalues,
  imagenetEigenvectors,
  pcaLighting,
  randomAffine,
  randomCrop,
  randomErasing,
  randomHorizontalFlip,
  randomVerticalFlip,
  toBatchTransform,
  toSampleTransform,
  vflip,
} from '../src/data/augment.js';
import { augmentPreview, defaultAugmentation } from '../src/data/augment-preview.js';
import { grayscale } from '../src/data/transforms.js';
import { assertAllClose } from './helpers/assert-close.js';

const image = (h: number, w: number, c: number, seed = 1): Tensor => rand([h, w, c], { generator: new Generator(seed) });
/** Value at (row, col, channel) of an [H, W, C] tensor. */
const at = (x: Tensor, row: number, col: number, c = 0): number => x.data[(row * x.shape[1] + col) * x.shape[2] + c];

function assertInUnitRange(x: Tensor, label: string): void {
  for (let i = 0; i < x.size; i++) {
    if (!(x.data[i] >= 0 && x.data[i] <= 1)) assert.fail(`${label}: element ${i} is ${x.data[i]}, outside [0, 1]`);
  }
}

describe('flips', () => {
  it('hflip and vflip mirror the right indices and are their own inverses', () => {
    const x = image(3, 4, 2);
    const h = hflip(x);
    const v = vflip(x);
    for (let r = 0; r < 3; r++) {
      for (let col = 0; col < 4; col++) {
        for (let c = 0; c < 2; c++) {
          assert.equal(at(h, r, col, c), at(x, r, 3 - col, c));
          assert.equal(at(v, r, col, c), at(x, 2 - r, col, c));
        }
      }
    }
    assert.deepEqual(hflip(h).toFlatArray(), x.toFlatArray());
    assert.deepEqual(vflip(v).toFlatArray(), x.toFlatArray());
  });

  it('apply image by image to a batch [N, H, W, C]', () => {
    const a = image(2, 3, 1, 1);
    const b = image(2, 3, 1, 2);
    const batch = new Tensor(Float32Array.from([...a.data, ...b.data]), [2, 2, 3, 1]);
    assert.deepEqual(hflip(batch).toFlatArray(), [...hflip(a).data, ...hflip(b).data]);
  });

  it('random flips with p = 0 and p = 1 never and always flip; p outside [0, 1] is an error', () => {
    const x = image(3, 3, 3);
    const g = new Generator(0);
    assert.deepEqual(randomHorizontalFlip(0)(x, g).toFlatArray(), x.toFlatArray());
    assert.deepEqual(randomHorizontalFlip(1)(x, g).toFlatArray(), hflip(x).toFlatArray());
    assert.deepEqual(randomVerticalFlip(1)(x, g).toFlatArray(), vflip(x).toFlatArray());
    assert.throws(() => randomHorizontalFlip(1.5), /randomHorizontalFlip: p must be a probability in \[0, 1\], got 1.5/);
  });
});

describe('affine', () => {
  it('angle 0, translate 0, scale 1 and shear 0 is exactly the identity', () => {
    const x = image(5, 6, 3);
    const y = affine(x, { angle: 0, translate: [0, 0], scale: 1, shear: [0, 0] });
    assert.deepEqual(y.toFlatArray(), x.toFlatArray());
    assert.deepEqual(affine(x, {}, { interpolation: 'nearest' }).toFlatArray(), x.toFlatArray());
  });

  it('rotating a square image by 90 degrees (counter-clockwise) is a transpose followed by a vertical flip', () => {
    for (const n of [4, 5]) {
      const x = image(n, n, 2, n);
      const expected = vflip(x.permute([1, 0, 2]));
      assertAllClose(affine(x, { angle: 90 }).data, expected.data, { atol: 1e-6, rtol: 0 }, `${n}x${n} rotation`);
      // Counter-clockwise: the top-right pixel moves to the top-left corner.
      assert.ok(Math.abs(at(affine(x, { angle: 90 }), 0, 0, 1) - at(x, 0, n - 1, 1)) < 1e-6);
    }
  });

  it('translation shifts content right and down by whole pixels, filling from outside', () => {
    const x = image(4, 5, 1);
    const y = affine(x, { translate: [1, 2] }, { fill: 0.5 });
    for (let r = 0; r < 4; r++) {
      for (let col = 0; col < 5; col++) {
        const expected = r >= 2 && col >= 1 ? at(x, r - 2, col - 1) : 0.5;
        assert.ok(Math.abs(at(y, r, col) - expected) < 1e-6, `(${r}, ${col}): ${at(y, r, col)} vs ${expected}`);
      }
    }
  });

  it('scale 2 about the centre keeps the centre and interpolates bilinearly elsewhere', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1]);
    const y = affine(x, { scale: 2 });
    // Output (0, 0) reads the input at (0.5, 0.5): the mean of the four top-left pixels.
    assert.ok(Math.abs(at(y, 0, 0) - (1 + 2 + 4 + 5) / 4) < 1e-6);
    assert.ok(Math.abs(at(y, 1, 1) - 5) < 1e-6);
    assert.ok(Math.abs(at(y, 2, 1) - (5 + 8) / 2) < 1e-6);
  });

  it('a 45-degree x-shear slides each row by its distance from the centre row', () => {
    const x = image(3, 5, 1);
    const y = affine(x, { shear: 45 });
    // x' = x + tan(45°) y about the centre: the output row above the centre reads one pixel to the right.
    for (let col = 0; col < 5; col++) {
      assert.ok(Math.abs(at(y, 0, col) - (col + 1 < 5 ? at(x, 0, col + 1) : 0)) < 1e-6);
      assert.ok(Math.abs(at(y, 1, col) - at(x, 1, col)) < 1e-6);
      assert.ok(Math.abs(at(y, 2, col) - (col - 1 >= 0 ? at(x, 2, col - 1) : 0)) < 1e-6);
    }
  });

  it('randomAffine with empty ranges is the identity, and rejects bad ranges', () => {
    const x = image(4, 4, 3);
    const g = new Generator(3);
    assert.deepEqual(randomAffine({ degrees: 0, translate: [0, 0], scale: [1, 1], shear: 0 })(x, g).toFlatArray(), x.toFlatArray());
    assert.throws(() => randomAffine({ scale: [0, 1] }), /randomAffine: scale must be \[min, max\] with 0 < min <= max/);
    assert.throws(() => randomAffine({ degrees: [10, -10] }), /randomAffine: degrees must be/);
    assert.throws(() => affine(x, { shear: 90 }), /affine: shear angles must lie in \(-90, 90\)/);
  });
});

describe('colour', () => {
  const x = uniform([6, 7, 3], 0, 1, { generator: new Generator(5) });

  it('brightness 0 is black, 1 the identity, large factors saturate at 1', () => {
    assert.ok(adjustBrightness(x, 0).toFlatArray().every((v) => v === 0));
    assertAllClose(adjustBrightness(x, 1).data, x.data, { atol: 0, rtol: 0 });
    const bright = adjustBrightness(x, 3);
    assertInUnitRange(bright, 'brightness 3');
    assert.ok(bright.toFlatArray().some((v) => v === 1));
  });

  it('contrast 0 is the mean gray level everywhere; saturation 0 is the grayscale image', () => {
    const gray = grayscale(x, 3);
    const mean = gray.toFlatArray().reduce((a, b) => a + b, 0) / gray.size;
    assertAllClose(adjustContrast(x, 0).data, new Float32Array(x.size).fill(mean), { atol: 1e-6, rtol: 0 });
    assertAllClose(adjustSaturation(x, 0).data, gray.data, { atol: 1e-6, rtol: 0 });
    assertAllClose(adjustSaturation(x, 1).data, x.data, { atol: 1e-6, rtol: 0 });
  });

  it('hue 0 is the identity, a third of a turn takes red to green, two half turns return', () => {
    assertAllClose(adjustHue(x, 0).data, x.data, { atol: 1e-6, rtol: 0 });
    const red = tensor([1, 0, 0, 0.5, 0.25, 0.25], [1, 2, 3]);
    assertAllClose(adjustHue(red, 1 / 3).data, [0, 1, 0, 0.25, 0.5, 0.25], { atol: 1e-6, rtol: 0 });
    assertAllClose(adjustHue(adjustHue(x, 0.5), 0.5).data, x.data, { atol: 1e-6, rtol: 0 });
    assert.throws(() => adjustHue(x, 0.7), /adjustHue: hueFactor must lie in \[-0.5, 0.5\], got 0.7/);
  });

  it('colour shifts keep values in [0, 1], even from inputs outside it', () => {
    const wide = uniform([8, 8, 3], -0.5, 1.5, { generator: new Generator(6) });
    const g = new Generator(7);
    const jitter = colorJitter({ brightness: 0.9, contrast: 0.9, saturation: 0.9, hue: 0.5 });
    for (let i = 0; i < 10; i++) {
      assertInUnitRange(jitter(x, g), `colorJitter on [0, 1], draw ${i}`);
      assertInUnitRange(jitter(wide, g), `colorJitter on [-0.5, 1.5], draw ${i}`);
      assertInUnitRange(pcaLighting(5)(x, g), `pcaLighting(5), draw ${i}`);
    }
    assertInUnitRange(adjustContrast(x, 4), 'contrast 4');
    assertInUnitRange(adjustSaturation(x, 4), 'saturation 4');
  });

  it('PCA lighting adds eigenvector * alpha * eigenvalue to every pixel', () => {
    const gray = new Tensor(new Float32Array(2 * 2 * 3).fill(0.5), [2, 2, 3]);
    const alpha: [number, number, number] = [0.3, -0.2, 0.1];
    const shift = [0, 1, 2].map((c) => [0, 1, 2].reduce((s, j) => s + imagenetEigenvectors[c][j] * alpha[j] * imagenetEigenvalues[j], 0));
    assertAllClose(adjustLighting(gray, alpha).data, [0, 1, 2, 3].flatMap(() => shift.map((s) => 0.5 + s)), { atol: 1e-6, rtol: 0 });
    assert.throws(() => adjustLighting(image(2, 2, 1), alpha), /adjustLighting: expected an RGB image \[H, W, 3\], got \[2, 2, 1\]/);
  });
});

describe('random erasing', () => {
  it('erase sets exactly the rectangle, clipped to the image', () => {
    const x = new Tensor(new Float32Array(4 * 5 * 2).fill(1), [4, 5, 2]);
    const y = erase(x, 1, 3, 2, 4, [0.25, 0.75]);
    for (let r = 0; r < 4; r++) {
      for (let col = 0; col < 5; col++) {
        const inside = r >= 1 && r < 3 && col >= 3;
        assert.deepEqual([at(y, r, col, 0), at(y, r, col, 1)], inside ? [0.25, 0.75] : [1, 1]);
      }
    }
  });

  it('randomErasing with p = 1 blanks one rectangle within the area range; p = 0 changes nothing', () => {
    const x = new Tensor(new Float32Array(20 * 20).fill(1), [20, 20, 1]);
    const g = new Generator(11);
    for (let i = 0; i < 20; i++) {
      const y = randomErasing({ p: 1, scale: [0.05, 0.2], value: 0 })(x, g);
      const zeros = y.toFlatArray().filter((v) => v === 0).length;
      // Rounded sides can move the area a little outside the drawn fraction.
      assert.ok(zeros > 0 && zeros <= 0.3 * 400, `draw ${i}: ${zeros} erased pixels`);
    }
    assert.deepEqual(randomErasing({ p: 0 })(x, g).toFlatArray(), x.toFlatArray());
  });
});

describe('seeding', () => {
  const pipeline = compose(
    randomHorizontalFlip(),
    randomCrop(6, { padding: 1 }),
    randomAffine({ degrees: 20, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: [-5, 5, -5, 5] }),
    colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }),
    pcaLighting(),
    randomErasing({ p: 0.5, value: 'random' }),
  );
  const images = rand([8, 6, 6, 3], { generator: new Generator(21) });
  const labels = new Tensor(Int32Array.from({ length: 8 }, (_, i) => i % 2), [8]);
  const firstBatch = (seed: number): number[] => {
    const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: 8, generator: new Generator(seed), transform: toBatchTransform(pipeline) });
    return [...loader][0].x.toFlatArray();
  };

  it('the same seed gives the same batch, different seeds different ones, through the DataLoader', () => {
    assert.deepEqual(firstBatch(1), firstBatch(1));
    assert.notDeepEqual(firstBatch(1), firstBatch(2));
  });

  it('works per sample through TransformDataset, keeping the labels', () => {
    const sampleOf = (seed: number) => new TransformDataset(new TensorDataset(images, labels), toSampleTransform(pipeline), { generator: new Generator(seed) }).get(3);
    const a = sampleOf(4);
    assert.deepEqual(a.x.shape, [6, 6, 3]);
    assert.equal(a.y.item(), 1);
    assert.deepEqual(a.x.toFlatArray(), sampleOf(4).x.toFlatArray());
    assert.notDeepEqual(a.x.toFlatArray(), sampleOf(5).x.toFlatArray());
  });

  it('never calls Math.random', () => {
    const original = Math.random;
    Math.random = () => assert.fail('Math.random was called');
    try {
      firstBatch(3);
      augmentPreview(image(5, 5, 3), { n: 3, seed: 1 });
    } finally {
      Math.random = original;
    }
  });
});

describe('augmentPreview', () => {
  it('tiles n augmented copies into a near-square grid, the same for the same seed', () => {
    const x = image(10, 12, 3);
    const grid = augmentPreview(x, { n: 5, seed: 2 });
    // 5 copies in rows of ceil(sqrt(5)) = 3: 2 rows; 2-pixel padding as torchvision's make_grid.
    assert.deepEqual(grid.shape, [2 * 12 + 2, 3 * 14 + 2, 3]);
    assert.deepEqual(grid.toFlatArray(), augmentPreview(x, { n: 5, seed: 2 }).toFlatArray());
    assert.notDeepEqual(grid.toFlatArray(), augmentPreview(x, { n: 5, seed: 3 }).toFlatArray());
    assertInUnitRange(grid, 'grid');
    assert.throws(() => augmentPreview(x, { transform: randomCrop(4) }), /augmentPreview: the transform changed the image shape \[10, 12, 3\] to \[4, 4, 3\]/);
    assert.equal(typeof defaultAugmentation(), 'function');
  });
});
