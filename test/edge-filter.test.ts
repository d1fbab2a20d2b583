// The edge filters of convkit/data: the named kernels, parsing custom ones, and filterImage's |response| / max
// against the texts' worked example and hand arithmetic (test/helpers/hand-conv.ts, no ConvKit).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor } from '../src/index.js';
import { EDGE_KERNELS, filterImage, parseKernel } from '../src/data/index.js';
import { forEachBackend } from './helpers/backends.js';
import { handConvolve } from './helpers/hand-conv.js';

const TEXT_IMAGE = [
  [3, 0, 1, 2, 7, 4],
  [1, 5, 8, 9, 3, 1],
  [2, 7, 2, 5, 1, 3],
  [0, 1, 3, 1, 7, 8],
  [4, 2, 1, 6, 2, 8],
  [2, 4, 5, 2, 3, 9],
];

/** A 2-D grid as a grayscale image [H, W, 1], scaled into [0, 1] as images are read. */
function grayImage(rows: number[][], scale: number): Tensor {
  return tensor(rows.map((row) => row.map((v) => v / scale))).reshape([rows.length, rows[0].length, 1]);
}

describe('parseKernel', () => {
  it('gives the named kernels, the y versions the transposes of the x ones', () => {
    assert.deepEqual(parseKernel('vertical'), [[1, 0, -1], [1, 0, -1], [1, 0, -1]]);
    assert.deepEqual(parseKernel('horizontal'), [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]);
    assert.deepEqual(parseKernel('sobel-y'), [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]);
    assert.deepEqual(parseKernel('scharr-x'), [[3, 0, -3], [10, 0, -10], [3, 0, -3]]);
    assert.deepEqual(Object.keys(EDGE_KERNELS), ['vertical', 'horizontal', 'sobel-x', 'sobel-y', 'scharr-x', 'scharr-y']);
  });

  it('reads custom rows "a,b;c,d" and names the bad value, the ragged rows or the unknown name', () => {
    assert.deepEqual(parseKernel('0, 1; -1, 0.5'), [[0, 1], [-1, 0.5]]);
    assert.throws(() => parseKernel('1,0,-1;1,0'), /^Error: parseKernel: rows have different lengths \(3, 2 values in "1,0,-1;1,0"\)/);
    assert.throws(() => parseKernel('1,,2'), /parseKernel: row 1, value 2 is empty, not a number/);
    assert.throws(() => parseKernel('prewitt', { source: '--kernel' }), /^Error: --kernel: unknown kernel 'prewitt'; expected a name \(vertical, horizontal/);
  });
});

forEachBackend(() => {
  describe('filterImage', () => {
    it("gives the text's 4x4 vertical-edge map as magnitudes over the largest (16)", () => {
      const fromText = [
        [-5, -4, 0, 8],
        [-10, -2, 2, 3],
        [0, -2, -4, -7],
        [-3, -2, -3, -16],
      ];
      assert.deepEqual(handConvolve(TEXT_IMAGE, EDGE_KERNELS.vertical), fromText);
      const edges = filterImage(grayImage(TEXT_IMAGE, 10), EDGE_KERNELS.vertical);
      assert.deepEqual(edges.shape, [4, 4, 1]);
      const expected = fromText.flat().map((v) => Math.abs(v) / 16);
      Array.from(edges.data).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `pixel ${i}: ${v} vs ${expected[i]}`));
    });

    it('takes stride and padding as F.conv2d does', () => {
      const kernel = parseKernel('sobel-x');
      const strided = filterImage(grayImage(TEXT_IMAGE, 10), kernel, { stride: 2 });
      const hand = handConvolve(TEXT_IMAGE, kernel, 2).flat().map(Math.abs);
      const max = Math.max(...hand);
      assert.deepEqual(strided.shape, [2, 2, 1]);
      Array.from(strided.data).forEach((v, i) => assert.ok(Math.abs(v - hand[i] / max) < 1e-6, `pixel ${i}`));
      assert.deepEqual(filterImage(grayImage(TEXT_IMAGE, 10), kernel, { padding: 'same' }).shape, [6, 6, 1]);
    });

    it('a flat image has no edges: all zeros, not NaN', () => {
      const flat = grayImage([[5, 5, 5], [5, 5, 5], [5, 5, 5]], 10);
      assert.deepEqual(Array.from(filterImage(flat, EDGE_KERNELS.vertical).data), [0]);
    });

    it('rejects a colour image and a ragged or non-finite kernel, naming what it got', () => {
      const rgb = new Tensor(new Float32Array(4 * 4 * 3), [4, 4, 3]);
      assert.throws(() => filterImage(rgb, EDGE_KERNELS.vertical), /^Error: filterImage: expected a grayscale image \[H, W, 1\], got \[4, 4, 3\]/);
      const gray = grayImage(TEXT_IMAGE, 10);
      assert.throws(() => filterImage(gray, [[1, 0], [1]]), /filterImage: the kernel needs rows of one non-zero length; got 2 row\(s\) of 2, 1 value\(s\)/);
      assert.throws(() => filterImage(gray, []), /filterImage: the kernel needs rows of one non-zero length; got 0 row\(s\)/);
      assert.throws(() => filterImage(gray, [[1, NaN]]), /filterImage: kernel values must be finite numbers, got NaN/);
    });
  });
});
