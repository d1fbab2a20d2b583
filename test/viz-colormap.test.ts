// Colour maps and the heat-map overlay (issue 13 viz item 4): applyColormap gives matplotlib's 8-bit colours
// (fixture from scripts/make-colormap-fixtures.py); overlayHeatMap blends by hand-computed weights.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor } from '../src/index.js';
import { applyColormap, overlayHeatMap, normalizeMap, COLORMAP_NAMES } from '../src/viz/index.js';
import { percentile } from '../src/viz/overlay.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/viz/colormaps.json', import.meta.url), 'utf8')) as {
  values: number[];
  colours: Record<string, number[][]>;
};

describe('applyColormap', () => {
  for (const name of COLORMAP_NAMES) {
    it(`${name}: matplotlib's colours at the ends, both sides of entry boundaries and random values`, () => {
      const rgb = applyColormap(tensor(fixture.values, [fixture.values.length]), name);
      assert.deepEqual(rgb.shape, [fixture.values.length, 3]);
      const bytes = Array.from({ length: fixture.values.length }, (_, i) => [0, 1, 2].map((k) => Math.round(rgb.data[3 * i + k] * 255)));
      assert.deepEqual(bytes, fixture.colours[name]);
    });
  }

  it('clamps values outside [0, 1] to the ends and keeps the shape', () => {
    const rgb = applyColormap(tensor([-3, 7, 0, 1], [2, 2]), 'viridis');
    assert.deepEqual(rgb.shape, [2, 2, 3]);
    assert.deepEqual(rgb.toFlatArray().slice(0, 3), rgb.toFlatArray().slice(6, 9));
    assert.deepEqual(rgb.toFlatArray().slice(3, 6), rgb.toFlatArray().slice(9, 12));
  });

  it('rejects NaN and unknown names, saying which', () => {
    assert.throws(() => applyColormap(tensor([0, NaN], [2])), /applyColormap: value at flat index 1 .* is NaN/);
    assert.throws(() => applyColormap(tensor([0], [1]), 'jet' as never), /unknown colour map "jet"; use one of viridis, turbo/);
  });
});

describe('overlayHeatMap', () => {
  it('blends the min-max scaled, coloured map with the image by alpha', () => {
    const image = tensor([0.2, 0.4, 0.6, 1, 0, 0.5], [1, 2, 1, 3]);
    const map = tensor([5, 9], [2, 1]); // scales to 0 and 1
    const out = overlayHeatMap(image, map, { alpha: 0.25, colormap: 'viridis' });
    const ends = applyColormap(tensor([0, 1], [2]), 'viridis').toFlatArray();
    const expected = image.toFlatArray().map((v, i) => 0.75 * v + 0.25 * ends[i]);
    assert.deepEqual(out.shape, [2, 1, 3]);
    out.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${i}: ${v} vs ${expected[i]}`));
  });

  it('spreads a gray image to RGB and resizes a smaller map bilinearly (half-pixel centres)', () => {
    const out = overlayHeatMap(tensor([0, 0, 0, 0, 0, 0, 0, 0], [2, 4, 1]), tensor([0, 1], [1, 2]), { alpha: 1 });
    assert.deepEqual(out.shape, [2, 4, 3]);
    // 2 -> 4 columns: source positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    const row = applyColormap(tensor([0, 0.25, 0.75, 1], [4]), 'turbo').toFlatArray();
    assert.deepEqual(out.toFlatArray(), [...row, ...row]);
  });

  it('normalizeMap: min-max to [0, 1], a constant map to zeros', () => {
    assert.deepEqual(normalizeMap(tensor([2, 4, 3], [3])).toFlatArray(), [0, 1, 0.5]);
    assert.deepEqual(normalizeMap(tensor([3, 3], [2])).toFlatArray(), [0, 0]);
  });

  it('normalizeMap clips at a percentile, interpolated between ranks as numpy does', () => {
    // 0..10 and an outlier 100: the 90th percentile sits at rank 0.9 * 11 = 9.9, between 9 and 10: 9.9.
    assert.ok(Math.abs(percentile([100, ...Array.from({ length: 11 }, (_, i) => i)], 90) - 9.9) < 1e-12);
    assert.equal(percentile([4, 1, 3], 50), 3);
    assert.equal(percentile([4, 1, 3], 100), 4);
    const scaled = normalizeMap(tensor([0, 5, 8, 10, 1000], [5]), 75).toFlatArray(); // 75th: rank 3, the 10
    assert.deepEqual(scaled, [0, 0.5, 0.800000011920929, 1, 1]);
    assert.throws(() => normalizeMap(tensor([1], [1]), 0), /normalizeMap: clipPercentile must be in \(0, 100\], got 0/);
  });

  it('rejects a map that is not 2-D, an image that is not RGB or gray, and alpha outside [0, 1]', () => {
    assert.throws(() => overlayHeatMap(tensor([0, 0, 0], [1, 1, 3]), tensor([1], [1, 1, 1])), /overlayHeatMap: the heat map must be \[h, w\], got \[1, 1, 1\]/);
    assert.throws(() => overlayHeatMap(tensor([0, 0], [1, 1, 2]), tensor([1], [1, 1])), /RGB or gray.*got \[1, 1, 2\]/);
    assert.throws(() => overlayHeatMap(tensor([0, 0, 0], [1, 1, 3]), tensor([1], [1, 1]), { alpha: 2 }), /alpha must be in \[0, 1\], got 2/);
  });
});
