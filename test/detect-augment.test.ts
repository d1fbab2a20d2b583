// Detection augmentation moves boxes with the pixels: images of solid rectangles, each in its own colour that
// also encodes its class, go through mosaic / scale / shift / flips, and every box that comes out must frame
// pixels of its rectangle's colour (inside) and none (2 px outside); rectangles that mostly left the image
// must be dropped, visible ones kept. Flips are checked on a hand case, the dataset wrapper for its seeding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBackend } from './helpers/backends.js';
import { Generator, Tensor } from '../src/index.js';
import { AugmentedDetectionDataset, DetectionDataset, augmentDetection, type BoxedImage } from '../src/detect/index.js';

const S = 48;
const GREY = 114 / 255;

/** Distinct colours; colour k is class k. */
const colour = (k: number): number[] => [((k * 37) % 11) / 12 + 0.04, ((k * 17) % 7) / 8 + 0.05, (k % 5) / 6 + 0.03];

/** An S x S image of grey with `rects` ([x1, y1, x2, y2] integer pixels) filled in colours first, first + 1, ... */
function rectangles(rects: number[][], first: number): BoxedImage {
  const data = new Float32Array(S * S * 3).fill(GREY);
  rects.forEach(([x1, y1, x2, y2], k) => {
    for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) data.set(colour(first + k), 3 * (y * S + x));
  });
  return { image: new Tensor(data, [S, S, 3]), classes: rects.map((_, k) => first + k), boxes: rects.map((r) => [...r]) };
}

/** Four images of two or three rectangles each (12 classes in all), placed by the seed. */
function fourImages(generator: Generator): BoxedImage[] {
  return [0, 1, 2, 3].map((i) => {
    const rects: number[][] = [];
    const bands = [[0, 16], [16, 32], [32, 48]];
    for (const [b0, b1] of bands.slice(0, 2 + (i % 2))) {
      const w = 4 + generator.randint(12);
      const h = 6 + generator.randint(8);
      const x1 = b0 + generator.randint(b1 - b0 - 4);
      const y1 = generator.randint(S - h);
      rects.push([x1, y1, Math.min(b1, x1 + w), y1 + h]);
    }
    return rectangles(rects, 3 * i);
  });
}

const isColour = (image: Tensor, x: number, y: number, c: number[], tol = 1e-4): boolean =>
  [0, 1, 2].every((ch) => Math.abs(image.data[3 * (y * S + x) + ch] - c[ch]) <= tol);

function countColour(image: Tensor, c: number[]): number {
  let n = 0;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if (isColour(image, x, y, c)) n++;
  return n;
}

forEachBackend(() => {
  it('flips move boxes exactly: left-right maps x to S - x, top-bottom y to S - y', () => {
    const input = rectangles([[2, 5, 10, 20]], 0);
    const still = { scale: 0, translate: 0, mosaic: 0, colorJitter: {} };
    const lr = augmentDetection([input], new Generator(1), { ...still, fliplr: 1, flipud: 0 });
    assert.deepEqual(lr.boxes, [[38, 5, 46, 20]]);
    assert.ok(isColour(lr.image, 38, 5, colour(0)) && isColour(lr.image, 45, 19, colour(0)) && !isColour(lr.image, 37, 5, colour(0)));
    const ud = augmentDetection([input], new Generator(1), { ...still, fliplr: 0, flipud: 1 });
    assert.deepEqual(ud.boxes, [[2, 28, 10, 43]]);
    assert.equal(countColour(ud.image, colour(0)), 8 * 15);
  });

  it('every box that comes out frames its own rectangle, through mosaics, scales, shifts and flips', () => {
    let kept = 0;
    let mosaics = 0;
    for (let seed = 0; seed < 40; seed++) {
      const generator = new Generator(seed);
      const four = fourImages(generator);
      const out = augmentDetection(four, generator, { mosaic: 0.5, scale: 0.5, translate: 0.2, fliplr: 0.5, flipud: 0.5, colorJitter: {} });
      assert.deepEqual(out.image.shape, [S, S, 3]);
      if (new Set(out.classes.map((c) => Math.floor(c / 3))).size > 1) mosaics++;
      out.boxes.forEach((box, k) => {
        const c = colour(out.classes[k]);
        const [x1, y1, x2, y2] = box;
        assert.ok(x1 >= 0 && y1 >= 0 && x2 <= S && y2 <= S && x2 - x1 >= 2 && y2 - y1 >= 2, `seed ${seed}: box [${box}] clipped to the image`);
        // Pixel centres at least 1.5 px inside the box are the rectangle's colour (bilinear blends only its edge).
        for (let y = Math.ceil(y1 + 1); y + 0.5 < y2 - 1; y++) {
          for (let x = Math.ceil(x1 + 1); x + 0.5 < x2 - 1; x++) assert.ok(isColour(out.image, x, y, c, 1e-3), `seed ${seed}: (${x}, ${y}) inside box [${box}] of class ${out.classes[k]}`);
        }
        // ... and no pixel 2 px or more outside it is.
        for (let y = 0; y < S; y++) {
          for (let x = 0; x < S; x++) {
            const outside = x + 0.5 < x1 - 2 || x + 0.5 > x2 + 2 || y + 0.5 < y1 - 2 || y + 0.5 > y2 + 2;
            if (outside) assert.ok(!isColour(out.image, x, y, c, 0.02), `seed ${seed}: (${x}, ${y}) has class ${out.classes[k]}'s colour outside its box [${box}]`);
          }
        }
        kept++;
      });
    }
    assert.ok(kept > 60 && mosaics >= 5, `${kept} boxes kept, ${mosaics} outputs with boxes from two or more mosaic tiles`);
  });

  it('drops a box when less than minVisible of its scaled area is left in the image, and keeps it otherwise', () => {
    // The top half [0, 0, 48, 24] zoomed by s about the centre keeps 1/s^2 of its area for s > 1 (all of it for
    // s <= 1); a marker [20, 30, 28, 38] near the centre is never clipped, so its width 8s reveals s.
    const outcomes = { kept: 0, dropped: 0 };
    for (let seed = 0; seed < 60; seed++) {
      const input = rectangles([[0, 0, 48, 24], [20, 30, 28, 38]], 0);
      const out = augmentDetection([input], new Generator(seed), { mosaic: 0, scale: 0.5, translate: 0, fliplr: 0, flipud: 0, colorJitter: {}, minVisible: 0.6 });
      const marker = out.boxes[out.classes.indexOf(1)];
      const s = (marker[2] - marker[0]) / 8;
      const visible = s > 1 ? 1 / (s * s) : 1;
      if (Math.abs(visible - 0.6) < 0.01) continue; // too close to the threshold to call
      const kept = out.classes.includes(0);
      assert.equal(kept, visible >= 0.6, `seed ${seed}: zoom ${s} leaves ${visible} of the top half`);
      outcomes[kept ? 'kept' : 'dropped']++;
      if (kept) assert.deepEqual(out.boxes[out.classes.indexOf(0)].map((v) => Math.round(v * 1e6) / 1e6), s > 1 ? [0, 0, 48, 24] : [24 - 24 * s, 24 - 24 * s, 24 + 24 * s, 24].map((v) => Math.round(v * 1e6) / 1e6));
    }
    assert.ok(outcomes.kept > 10 && outcomes.dropped > 5, JSON.stringify(outcomes));
    // minSize: a 1-pixel-wide sliver is dropped at zoom 1, a 2-pixel one kept.
    const still = { mosaic: 0, scale: 0, translate: 0, fliplr: 0, colorJitter: {} };
    assert.deepEqual(augmentDetection([rectangles([[0, 0, 1, 30], [10, 0, 12, 30]], 0)], new Generator(0), still).classes, [1]);
  });
});

describe('AugmentedDetectionDataset', () => {
  const record = (v: number, box: [number, number, number, number]) => ({
    file: `${v}.png`, width: 32, height: 32, image: { width: 32, height: 32, channels: 3, data: new Uint8Array(32 * 32 * 3).fill(v) }, classes: [v % 2], boxes: [box],
  });
  const base = new DetectionDataset([record(10, [0.5, 0.5, 0.4, 0.4]), record(60, [0.3, 0.3, 0.2, 0.3]), record(200, [0.7, 0.6, 0.3, 0.2])], { labels: ['a', 'b'], size: 32 });

  it('is seeded, and batches [M, 6] rows of normalised boxes', () => {
    const a = new AugmentedDetectionDataset(base, { seed: 3 }).getBatch([0, 1, 2, 0]);
    const b = new AugmentedDetectionDataset(base, { seed: 3 }).getBatch([0, 1, 2, 0]);
    const c = new AugmentedDetectionDataset(base, { seed: 4 }).getBatch([0, 1, 2, 0]);
    assert.deepEqual(a.x.shape, [4, 32, 32, 3]);
    assert.deepEqual(Array.from(a.y.data), Array.from(b.y.data));
    assert.deepEqual(Array.from(a.x.data), Array.from(b.x.data));
    assert.notDeepEqual(Array.from(a.x.data), Array.from(c.x.data));
    assert.equal(a.y.shape[1], 6);
    for (let m = 0; m < a.y.shape[0]; m++) {
      const [image, cls, cx, cy, w, h] = a.y.data.subarray(6 * m, 6 * m + 6);
      assert.ok(Number.isInteger(image) && image >= 0 && image < 4 && (cls === 0 || cls === 1), `row ${m}`);
      assert.ok(cx - w / 2 >= -1e-6 && cx + w / 2 <= 1 + 1e-6 && cy - h / 2 >= -1e-6 && cy + h / 2 <= 1 + 1e-6 && w > 0 && h > 0, `row ${m}: ${[cx, cy, w, h]}`);
    }
  });

  it('needs images letterboxed to one square size, and checks its options by name', () => {
    const unsized = new DetectionDataset([{ ...record(10, [0.5, 0.5, 0.1, 0.1]), width: 32, height: 16, image: { width: 32, height: 16, channels: 3, data: new Uint8Array(32 * 16 * 3) } }], { labels: ['a', 'b'] });
    assert.throws(() => new AugmentedDetectionDataset(unsized), /AugmentedDetectionDataset: every image must be letterboxed to one square size \(load the dataset with \{ size \}\), got 32 x 16/);
    assert.throws(() => new AugmentedDetectionDataset(base, { mosaic: 2 }), /augmentDetection: mosaic: p must be a probability in \[0, 1\], got 2/);
    assert.throws(() => new AugmentedDetectionDataset(base, { scale: 1 }), /augmentDetection: scale must lie in \[0, 1\)/);
  });
});
