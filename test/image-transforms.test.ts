// Deterministic image transforms against hand-computed results, and randomCrop's seeding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, rand, tensor } from '../src/index.js';
import { centerCrop, compose, crop, grayscale, normalize, pad, randomCrop, resize, toGrid } from '../src/data/transforms.js';
import { hflip } from '../src/data/augment.js';
import { assertAllClose } from './helpers/assert-close.js';

const image = (h: number, w: number, c: number, seed = 1): Tensor => rand([h, w, c], { generator: new Generator(seed) });
/** A 1-channel [H, W, 1] image from rows of numbers. */
const gray = (rows: number[][]): Tensor => tensor(rows.flat(), [rows.length, rows[0].length, 1]);

describe('resize', () => {
  it('a constant image stays constant in both modes, up and down', () => {
    const constant = new Tensor(new Float32Array(5 * 7 * 3).fill(0.3), [5, 7, 3]);
    for (const mode of ['bilinear', 'nearest'] as const) {
      for (const size of [[11, 3], [2, 9]] as const) {
        const y = resize(constant, size, mode);
        assert.deepEqual(y.shape, [size[0], size[1], 3]);
        assertAllClose(y.data, new Float32Array(y.size).fill(0.3), { atol: 1e-7, rtol: 0 }, `${mode} ${size}`);
      }
    }
  });

  it('bilinear 2x2 -> 4x4 matches the half-pixel-centre result by hand (PyTorch align_corners=False)', () => {
    // Source rows/cols for outputs 0..3: (o + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the edge).
    const y = resize(gray([[0, 1], [2, 3]]), [4, 4]);
    assert.deepEqual(y.toFlatArray(), [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it('nearest uses half-pixel centres: 4 -> 2 picks columns 1 and 3, 2 -> 4 repeats each', () => {
    assert.deepEqual(resize(gray([[0, 1, 2, 3]]), [1, 2], 'nearest').toFlatArray(), [1, 3]);
    assert.deepEqual(resize(gray([[5, 7]]), [1, 4], 'nearest').toFlatArray(), [5, 5, 7, 7]);
  });

  it('resizes each image of a batch and rejects bad sizes and shapes', () => {
    const batch = rand([2, 3, 3, 2], { generator: new Generator(2) });
    assert.deepEqual(resize(batch, 6).shape, [2, 6, 6, 2]);
    assert.throws(() => resize(batch, [0, 4]), /resize: size must be a positive integer or \[height, width\] of them, got \[0,4\]/);
    assert.throws(() => resize(tensor([1, 2, 3, 4], [2, 2]), 4), /resize: expected a float image tensor \[H, W, C\].*got float32 \[2, 2\]/);
  });
});

describe('crop and pad', () => {
  const x = gray([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ]);

  it('crop takes the window and fills what lies outside', () => {
    assert.deepEqual(crop(x, 1, 1, 2, 2).toFlatArray(), [6, 7, 10, 11]);
    assert.deepEqual(crop(x, -1, 3, 2, 2, -1).toFlatArray(), [-1, -1, 4, -1]);
  });

  it('centerCrop takes the middle (offsets floored) and pads when larger', () => {
    assert.deepEqual(centerCrop(x, [1, 2]).toFlatArray(), [6, 7]);
    assert.deepEqual(centerCrop(x, [3, 3]).toFlatArray(), [1, 2, 3, 5, 6, 7, 9, 10, 11]);
    assert.deepEqual(centerCrop(x, [5, 4]).toFlatArray(), [0, 0, 0, 0, ...x.data, 0, 0, 0, 0]);
  });

  it('pad in constant, edge and reflect modes', () => {
    const row = gray([[1, 2, 3]]);
    assert.deepEqual(pad(row, [0, 0, 2, 1], { value: 9 }).toFlatArray(), [9, 9, 1, 2, 3, 9]);
    assert.deepEqual(pad(row, [0, 0, 2, 1], { mode: 'edge' }).toFlatArray(), [1, 1, 1, 2, 3, 3]);
    assert.deepEqual(pad(row, [0, 0, 2, 2], { mode: 'reflect' }).toFlatArray(), [3, 2, 1, 2, 3, 2, 1]);
    assert.deepEqual(pad(x, 1).shape, [5, 6, 1]);
    assert.throws(() => pad(row, 1, { mode: 'reflect' }), /pad: 'reflect' padding \(top\/bottom 1\) must be smaller than the image height 1/);
    assert.throws(() => pad(row, [1, 2] as never), /pad: padding must be a non-negative integer or \[top, bottom, left, right\]/);
  });

  it('randomCrop covers every valid offset, is seeded, and rejects crops larger than the padded image', () => {
    const seen = new Set<string>();
    const g = new Generator(3);
    const transform = randomCrop(2, { padding: 1 });
    for (let i = 0; i < 200; i++) seen.add(transform(x, g).toFlatArray().join(','));
    // Padded to 5x6: 4 x 5 = 20 offsets, each giving a different window of distinct values.
    assert.equal(seen.size, 20);
    const again = (seed: number) => randomCrop(2)(x, new Generator(seed)).toFlatArray();
    assert.deepEqual(again(8), again(8));
    assert.throws(() => randomCrop(4)(x, g), /randomCrop: crop 4x4 is larger than the \(padded\) image 3x4/);
  });
});

describe('colour transforms', () => {
  it('normalize subtracts the mean and divides by the std per channel', () => {
    const x = tensor([0.5, 0.5, 1, 0, 0.25, 0.75], [1, 2, 3]);
    assertAllClose(normalize(x, [0.5, 0.25, 0.5], [0.5, 0.25, 0.25]).data, [0, 1, 2, -1, 0, 1], { atol: 1e-7, rtol: 0 });
    assertAllClose(normalize(x, [0.5], [2]).data, [0, 0, 0.25, -0.25, -0.125, 0.125], { atol: 1e-7, rtol: 0 });
    assert.throws(() => normalize(x, [0.5, 0.5], [1, 1]), /normalize: mean has 2 values but the image \[1, 2, 3\] has 3 channels/);
    assert.throws(() => normalize(x, [0], [0]), /normalize: every std must be finite and non-zero/);
  });

  it('grayscale uses the BT.601 luma weights 0.299, 0.587, 0.114', () => {
    const primaries = tensor([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6], [2, 2, 3]);
    assertAllClose(grayscale(primaries).data, [0.299, 0.587, 0.114, 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6], { atol: 1e-7, rtol: 0 });
    assert.deepEqual(grayscale(primaries, 3).shape, [2, 2, 3]);
    assert.throws(() => grayscale(image(2, 2, 4)), /grayscale: expected 3 \(RGB\) or 1 channels, got \[2, 2, 4\]/);
  });
});

describe('toGrid and compose', () => {
  it('tiles a batch row by row with padding, like torchvision make_grid', () => {
    const batch = tensor([1, 2, 3], [3, 1, 1, 1]);
    const grid = toGrid(batch, { nrow: 2, padding: 1, padValue: -1 });
    assert.deepEqual(grid.shape, [5, 5, 1]);
    assert.deepEqual(grid.toFlatArray(), [-1, -1, -1, -1, -1, -1, 1, -1, 2, -1, -1, -1, -1, -1, -1, -1, 3, -1, -1, -1, -1, -1, -1, -1, -1]);
    assert.throws(() => toGrid(image(2, 2, 3)), /toGrid: expected a non-empty float batch \[N, H, W, C\], got float32 \[2, 2, 3\]/);
  });

  it('compose applies transforms left to right with one generator', () => {
    const x = image(6, 6, 3);
    const pipeline = compose((t) => resize(t, [3, 3]), hflip, (t) => normalize(t, [0.5], [0.5]));
    assert.deepEqual(pipeline(x, new Generator(0)).toFlatArray(), normalize(hflip(resize(x, [3, 3])), [0.5], [0.5]).toFlatArray());
    assert.throws(() => compose(hflip, 3 as never), /compose: transform 1 is number, expected a function/);
  });
});
