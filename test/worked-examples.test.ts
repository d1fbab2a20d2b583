// The course texts' worked examples (shared/seeds), exactly: edge detection, the 7x7 binary image, pooling,
// ReLU, flattening, the output-size formula and convolutions over volumes. Expected maps are the numbers the
// texts print, cross-checked against hand arithmetic (test/helpers/hand-conv.ts) that does not use ConvKit.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, tensor, Tensor, Generator, randint, randn } from '../src/index.js';
import { Conv2d, Flatten, MaxPool2d, ReLU } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';
import { handConvolve } from './helpers/hand-conv.js';
import { assertAllClose } from './helpers/assert-close.js';

const VERTICAL = [
  [1, 0, -1],
  [1, 0, -1],
  [1, 0, -1],
];
const HORIZONTAL = [
  [1, 1, 1],
  [0, 0, 0],
  [-1, -1, -1],
];

/** A 2-D grid as a one-image, one-channel NHWC tensor. */
function image(rows: number[][]): Tensor {
  return tensor(rows).reshape([1, rows.length, rows[0].length, 1]);
}

/** A 2-D filter as a [f, f, 1, 1] weight. */
function filter(rows: number[][]): Tensor {
  return tensor(rows).reshape([rows.length, rows[0].length, 1, 1]);
}

/** Convolve a 2-D grid with a 2-D filter through F.conv2d and return the 2-D map. */
function convolve(rows: number[][], kernel: number[][], stride = 1): unknown {
  const y = F.conv2d(image(rows), filter(kernel), null, { stride });
  return y.reshape([y.shape[1], y.shape[2]]).toArray();
}

function repeatRow(row: number[], times: number): number[][] {
  return Array.from({ length: times }, () => [...row]);
}

forEachBackend(() => {
  it('6x6 image with the vertical filter gives the 4x4 map of the text (-5, -4, 0, 8, ...)', () => {
    const img = [
      [3, 0, 1, 2, 7, 4],
      [1, 5, 8, 9, 3, 1],
      [2, 7, 2, 5, 1, 3],
      [0, 1, 3, 1, 7, 8],
      [4, 2, 1, 6, 2, 8],
      [2, 4, 5, 2, 3, 9],
    ];
    const fromText = [
      [-5, -4, 0, 8],
      [-10, -2, 2, 3],
      [0, -2, -4, -7],
      [-3, -2, -3, -16],
    ];
    // The text's first element written out: 3*1 + 0 + 1*-1 + 1*1 + 5*0 + 8*-1 + 2*1 + 7*0 + 2*-1.
    assert.equal(3 * 1 + 0 + 1 * -1 + 1 * 1 + 5 * 0 + 8 * -1 + 2 * 1 + 7 * 0 + 2 * -1, -5);
    assert.deepEqual(handConvolve(img, VERTICAL), fromText);
    assert.deepEqual(convolve(img, VERTICAL), fromText);
  });

  it('10/0 image with the vertical filter gives columns of 30', () => {
    const img = repeatRow([10, 10, 10, 0, 0, 0], 6);
    const expected = repeatRow([0, 30, 30, 0], 4);
    assert.deepEqual(handConvolve(img, VERTICAL), expected);
    assert.deepEqual(convolve(img, VERTICAL), expected);
  });

  it('5/0 vertical edges give 15 (light to dark) and -15 (dark to light)', () => {
    const lightLeft = repeatRow([5, 5, 5, 0, 0, 0], 6);
    const darkLeft = repeatRow([0, 0, 0, 5, 5, 5], 6);
    assert.deepEqual(convolve(lightLeft, VERTICAL), repeatRow([0, 15, 15, 0], 4));
    assert.deepEqual(convolve(darkLeft, VERTICAL), repeatRow([0, -15, -15, 0], 4));
    // The text's worked sum for a flat patch: 5 + 0 - 5 + 5 + 0 - 5 + 5 + 0 - 5 = 0.
    assert.equal(5 + 0 - 5 + 5 + 0 - 5 + 5 + 0 - 5, 0);
  });

  it('5/0 horizontal edge gives rows 0, 15, 15, 0', () => {
    const img = [...repeatRow([5, 5, 5, 5, 5, 5], 3), ...repeatRow([0, 0, 0, 0, 0, 0], 3)];
    const expected = [[0, 0, 0, 0], ...repeatRow([15, 15, 15, 15], 2), [0, 0, 0, 0]];
    assert.deepEqual(handConvolve(img, HORIZONTAL), expected);
    assert.deepEqual(convolve(img, HORIZONTAL), expected);
  });

  const binary7x7 = [
    [0, 0, 0, 1, 0, 0, 1],
    [0, 1, 0, 0, 1, 0, 0],
    [1, 0, 0, 0, 1, 0, 0],
    [0, 0, 1, 0, 0, 0, 1],
    [1, 1, 1, 1, 1, 0, 0],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 1, 1, 0, 1, 1, 0],
  ];
  const detector = [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 1],
  ];

  it('7x7 binary image with its 3x3 feature detector at stride 1 gives a 5x5 map starting 0, 2', () => {
    const map = convolve(binary7x7, detector) as number[][];
    assert.equal(map.length, 5);
    assert.equal(map[0].length, 5);
    // The text's two worked values: 0+0+0+0+0+0+0+0 = 0 and 0+0+1+1+0+0+0+0+0 = 2.
    assert.deepEqual(map[0].slice(0, 2), [0, 2]);
    assert.deepEqual(map, handConvolve(binary7x7, detector));
  });

  it('stride 2 takes every other position of the stride-1 map (7x7, f = 3, s = 2 -> 3x3)', () => {
    const strided = convolve(binary7x7, detector, 2) as number[][];
    const full = handConvolve(binary7x7, detector);
    assert.deepEqual(strided, [0, 2, 4].map((r) => [0, 2, 4].map((c) => full[r][c])));
  });

  it('both 4x4 max pooling examples (2x2 filter, stride 2)', () => {
    const first = [
      [1, 3, 2, 1],
      [2, 9, 1, 1],
      [1, 3, 2, 3],
      [5, 6, 1, 2],
    ];
    const second = [
      [1, 4, 7, 5],
      [0, 2, 3, 2],
      [8, 2, 3, 5],
      [7, 1, 2, 2],
    ];
    const pool = (rows: number[][]) => F.maxPool2d(image(rows), 2, { stride: 2 }).reshape([2, 2]).toArray();
    assert.deepEqual(pool(first), [
      [9, 2],
      [6, 3],
    ]);
    assert.deepEqual(pool(second), [
      [4, 7],
      [8, 5],
    ]);
    // The layer form gives the same.
    assert.deepEqual(new MaxPool2d(2, { stride: 2 }).forward(image(second)).toFlatArray(), [4, 7, 8, 5]);
  });

  it('average and sum pooling of the first example take the mean and the sum of each 2x2 block', () => {
    const x = image([
      [1, 3, 2, 1],
      [2, 9, 1, 1],
      [1, 3, 2, 3],
      [5, 6, 1, 2],
    ]);
    const sums = [1 + 3 + 2 + 9, 2 + 1 + 1 + 1, 1 + 3 + 5 + 6, 2 + 3 + 1 + 2];
    assert.deepEqual(F.sumPool2d(x, 2).toFlatArray(), sums);
    assertAllClose(F.avgPool2d(x, 2).data, sums.map((s) => s / 4));
  });

  it('ReLU replaces the negative values of the feature map by zero', () => {
    const map = tensor([
      [1, -2, 8],
      [-3, -1, 1],
      [1, 1, -5],
    ]);
    const expected = [
      [1, 0, 8],
      [0, 0, 1],
      [1, 1, 0],
    ];
    assert.deepEqual(F.relu(map).toArray(), expected);
    assert.deepEqual(new ReLU().forward(map).toArray(), expected);
  });

  it('flattening the pooled 3x3 map gives the column 2 1 1 0 3 4 5 2 7', () => {
    const pooled = image([
      [2, 1, 1],
      [0, 3, 4],
      [5, 2, 7],
    ]);
    const expected = [2, 1, 1, 0, 3, 4, 5, 2, 7];
    const flat = F.flatten(pooled);
    assert.deepEqual(flat.shape, [1, 9]);
    assert.deepEqual(flat.toFlatArray(), expected);
    assert.deepEqual(new Flatten().forward(pooled).toFlatArray(), expected);
  });

  it('output size floor((n + 2p - f) / s) + 1 through F.outputLength, for the texts cases and a grid', () => {
    const texts: Array<[n: number, p: number, f: number, s: number, out: number]> = [
      [6, 0, 3, 1, 4], // 6x6 * 3x3 -> 4x4
      [7, 0, 3, 1, 5], // 7x7 * 3x3 -> 5x5
      [7, 1, 3, 1, 7], // padded to 9x9 -> 7x7
      [6, 1, 3, 1, 6], // padded to 8x8 -> 6x6
      [39, 0, 3, 1, 37], // 39x39x3 * 10 filters 3x3 -> 37x37x10
      [7, 0, 3, 2, 3], // stride 2
      [4, 0, 2, 2, 2], // 2x2 max pooling, stride 2
    ];
    for (const [n, p, f, s, out] of texts) assert.equal(F.outputLength(n, p, p, f, s), out, `n=${n} p=${p} f=${f} s=${s}`);
    for (let n = 1; n <= 12; n++) {
      for (let f = 1; f <= n; f++) {
        for (let p = 0; p <= 2; p++) {
          for (let s = 1; s <= 3; s++) assert.equal(F.outputLength(n, p, p, f, s), Math.floor((n + 2 * p - f) / s) + 1);
        }
      }
    }
  });

  it("'same' padding is p = (f - 1) / 2 at stride 1, and keeps n x n", () => {
    for (const f of [1, 3, 5, 7]) {
      const p = (f - 1) / 2;
      assert.deepEqual(F.samePadding(10, f, 1), [p, p]);
      assert.equal(10 + 2 * p - f + 1, 10);
    }
  });

  it('conv2d output shapes follow the formula: valid, same, explicit padding and stride', () => {
    const g = new Generator(7);
    const x = randn([1, 7, 7, 1], { generator: g });
    const w = randn([3, 3, 1, 1], { generator: g });
    const shapeOf = (options: F.Conv2dOptions) => F.conv2d(x, w, null, options).shape;
    assert.deepEqual(shapeOf({ padding: 'valid' }), [1, 5, 5, 1]);
    assert.deepEqual(shapeOf({ padding: 'same' }), [1, 7, 7, 1]);
    assert.deepEqual(shapeOf({ padding: 1 }), [1, 7, 7, 1]);
    assert.deepEqual(shapeOf({ padding: 1, stride: 2 }), [1, 4, 4, 1]);
    assert.deepEqual(shapeOf({ stride: 2 }), [1, 3, 3, 1]);
    assert.deepEqual(shapeOf({ stride: 3 }), [1, 2, 2, 1]);
    // 'same' with p = (f - 1) / 2 equals explicit padding p, value for value.
    assert.deepEqual(F.conv2d(x, w, null, { padding: 'same' }).toFlatArray(), F.conv2d(x, w, null, { padding: 1 }).toFlatArray());
  });

  it('convolution over a 6x6x3 volume with a 3x3x3 filter gives 4x4: the sum over channels', () => {
    const g = new Generator(11);
    const channels = [0, 1, 2].map(() => Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => g.randint(10))));
    const kernels = [VERTICAL, HORIZONTAL, [[0, 1, 0], [1, -4, 1], [0, 1, 0]]];
    const x = tensor(Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, c) => channels.map((ch) => ch[r][c])))).reshape([1, 6, 6, 3]);
    const w = tensor(Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => kernels.map((k) => [k[i][j]])))).reshape([3, 3, 3, 1]);
    const y = F.conv2d(x, w);
    assert.deepEqual(y.shape, [1, 4, 4, 1]);
    const perChannel = channels.map((ch, k) => handConvolve(ch, kernels[k]));
    const expected = perChannel[0].map((row, r) => row.map((_, c) => perChannel[0][r][c] + perChannel[1][r][c] + perChannel[2][r][c]));
    assert.deepEqual(y.reshape([4, 4]).toArray(), expected);
  });

  it('two filters (vertical and horizontal) on a 6x6 image give a 4x4x2 volume', () => {
    const img = [...repeatRow([10, 10, 10, 0, 0, 0], 3), ...repeatRow([0, 0, 0, 0, 0, 0], 3)];
    const w = tensor(Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => [[VERTICAL[i][j], HORIZONTAL[i][j]]])));
    const y = F.conv2d(image(img), w.reshape([3, 3, 1, 2]));
    assert.deepEqual(y.shape, [1, 4, 4, 2]);
    const vertical = handConvolve(img, VERTICAL);
    const horizontal = handConvolve(img, HORIZONTAL);
    assert.deepEqual(y.toFlatArray(), vertical.flatMap((row, r) => row.flatMap((v, c) => [v, horizontal[r][c]])));
  });

  it('1x1 convolution: 6x6x32 with 5 filters gives 6x6x5, each a dot product across the depth', () => {
    // Small integers keep float32 arithmetic exact, so the comparison is exact on every backend.
    const g = new Generator(3);
    const x = randint(-3, 4, [1, 6, 6, 32], { generator: g }).to('float32');
    const w = randint(-3, 4, [1, 1, 32, 5], { generator: g }).to('float32');
    const y = F.conv2d(x, w);
    assert.deepEqual(y.shape, [1, 6, 6, 5]);
    const expected: number[] = [];
    for (let pixel = 0; pixel < 36; pixel++) {
      for (let k = 0; k < 5; k++) {
        let dot = 0;
        for (let c = 0; c < 32; c++) dot += x.data[pixel * 32 + c] * w.data[c * 5 + k];
        expected.push(dot);
      }
    }
    assert.deepEqual(y.toFlatArray(), expected);
  });

  it('a layer of 10 filters 3x3x3 with biases has 280 parameters and maps 39x39x3 to 37x37x10', () => {
    const layer = new Conv2d(3, 10, 3, { generator: new Generator(1) });
    assert.equal(layer.numParameters(), (3 * 3 * 3 + 1) * 10);
    assert.equal(layer.numParameters(), 280);
    assert.deepEqual(layer.forward(randn([1, 39, 39, 3], { generator: new Generator(2) })).shape, [1, 37, 37, 10]);
  });
});
