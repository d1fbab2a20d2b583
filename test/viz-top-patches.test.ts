// Top-activating patches (issue 13 item 2): equal to a brute-force search over every activation of a small
// set (with duplicated images, so ties are decided the documented way), batched or not; the receptive-field
// crop against hand-indexed pixels; the grid layout; and `convkit viz top-patches`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, Tensor, concat, manualSeed, rand, tensor } from '../src/index.js';
import { Conv2d, MaxPool2d, ReLU, Sequential } from '../src/nn/index.js';
import { getLayerOutputs } from '../src/nn/index.js';
import { loadVizImages, readRawImage, writeImage } from '../src/node/index.js';
import { cropReceptiveField, imageGrid, topPatches, vizModel, type TopPatch } from '../src/viz/index.js';
import { forEachBackend } from './helpers/backends.js';
import { lastJson, runConvkit } from './helpers/run-cli.js';

function smallNet(): Sequential {
  manualSeed(4);
  return new Sequential({ conv1: new Conv2d(1, 4, 3, { padding: 1 }), relu1: new ReLU(), pool: new MaxPool2d(2), conv2: new Conv2d(4, 3, 3), relu2: new ReLU() });
}

/** 14 images 10x10x1; image 9 repeats image 2 and image 12 repeats image 5, so their activations tie. */
function smallSet(): Tensor {
  const base = rand([14, 10, 10, 1], { generator: new Generator(8) });
  const parts = Array.from({ length: 14 }, (_, i) => base.narrow(0, i === 9 ? 2 : i === 12 ? 5 : i, 1));
  return concat(parts, 0);
}

/** Every activation of the unit, ranked by value (descending), then image, row, column; one per image if distinct. */
function bruteForce(net: Sequential, images: Tensor, layer: string, unit: number, k: number, distinct: boolean): TopPatch[] {
  const all: TopPatch[] = [];
  for (let i = 0; i < images.shape[0]; i++) {
    const a = getLayerOutputs(net, images.narrow(0, i, 1), [layer])[layer];
    const [, h, w, c] = a.shape;
    const candidates: TopPatch[] = [];
    for (let r = 0; r < h; r++) for (let col = 0; col < w; col++) candidates.push({ value: a.data[(r * w + col) * c + unit], image: i, position: [r, col] });
    if (!distinct) all.push(...candidates);
    else all.push(candidates.reduce((best, p) => (p.value > best.value ? p : best)));
  }
  const order = (p: TopPatch) => (p.image * 100 + p.position[0]) * 100 + p.position[1];
  return all.sort((a, b) => b.value - a.value || order(a) - order(b)).slice(0, k);
}

forEachBackend(() => {
  describe('topPatches', () => {
    for (const distinct of [true, false]) {
      it(`equals a brute-force search (${distinct ? 'one patch per image' : 'all positions'}), whatever the batch size`, () => {
        const net = smallNet();
        const images = smallSet();
        const model = vizModel(net, [10, 10, 1]);
        for (const batchSize of [1, 5, 64]) {
          const result = topPatches(model, { conv1: [0, 3], conv2: [0, 1, 2] }, images, { k: 6, batchSize, distinctImages: distinct });
          assert.deepEqual(result.map((r) => r.layer), ['conv1', 'conv2']);
          for (const r of result) {
            for (const { unit, patches } of r.units) {
              const want = bruteForce(net, images, r.layer, unit, 6, distinct);
              assert.deepEqual(patches.map((p) => [p.image, ...p.position]), want.map((p) => [p.image, ...p.position]), `${r.layer} unit ${unit} batch ${batchSize}`);
              patches.forEach((p, i) => assert.ok(Math.abs(p.value - want[i].value) <= 1e-6 * Math.max(1, Math.abs(want[i].value))));
            }
          }
          assert.deepEqual(result[1].receptiveField.size, [8, 8]); // 3x3 conv, 2x2 pool, 3x3 conv at jump 2
        }
      });
    }

    it('keeps the earlier image of two with equal activations', () => {
      const net = smallNet();
      const images = concat([smallSet().narrow(0, 2, 1), smallSet().narrow(0, 2, 1)], 0);
      const [r] = topPatches(vizModel(net, [10, 10, 1]), { conv2: [1] }, images, { k: 1 });
      assert.equal(r.units[0].patches[0].image, 0);
    });

    it('names the layer, the units and the shapes it refuses', () => {
      const model = vizModel(smallNet(), [10, 10, 1]);
      const images = smallSet();
      assert.throws(() => topPatches(model, { conv2: [3] }, images), /topPatches: layer 'conv2' has units 0..2; got \[3\]/);
      assert.throws(() => topPatches(model, { conv9: [0] }, images), /no layer named 'conv9'/);
      assert.throws(() => topPatches(model, { conv1: [0] }, rand([2, 8, 8, 1])), /images must be \[N, 10, 10, 1\] \(N > 0\) for Sequential, got \[2, 8, 8, 1\]/);
      assert.throws(() => topPatches(model, { conv1: [0] }, images, { k: 0 }), /k must be a positive integer, got 0/);
    });
  });
});

describe('cropReceptiveField', () => {
  it('cuts the window at the unit, filling outside the image', () => {
    const image = tensor(Array.from({ length: 25 }, (_, i) => i), [5, 5, 1]);
    const rf = { size: [3, 3] as [number, number], stride: [2, 2] as [number, number], offset: [-1, -1] as [number, number], center: [0, 0] as [number, number] };
    assert.deepEqual(Array.from(cropReceptiveField(image, rf, [0, 0], -1).data), [-1, -1, -1, -1, 0, 1, -1, 5, 6]);
    assert.deepEqual(Array.from(cropReceptiveField(image, rf, [1, 2], -1).data), [8, 9, -1, 13, 14, -1, 18, 19, -1]);
  });
});

describe('imageGrid', () => {
  it('places scaled tiles row by row on the background', () => {
    const a = tensor([0, 0.5, 0.5, 0], [2, 2, 1]);
    const b = tensor([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1], [2, 2, 3]);
    const { image, labels } = imageGrid([[a, b], [b]], { scale: 2, gap: 1, background: 0.25 });
    assert.deepEqual(image.shape, [1 + 2 * 5, 1 + 2 * 5, 3]);
    const px = (y: number, x: number) => Array.from(image.data.slice((y * 11 + x) * 3, (y * 11 + x) * 3 + 3));
    assert.deepEqual(px(0, 0), [0.25, 0.25, 0.25]); // the top gap
    assert.deepEqual(px(1, 1), [0, 0, 0]);
    assert.deepEqual(px(2, 3), [0.5, 0.5, 0.5]); // a's (0, 1), scaled
    assert.deepEqual(px(1, 6), [1, 0, 0]); // b starts after a (4 px) and a gap
    assert.deepEqual(px(6, 1), [1, 0, 0]); // row 2 holds b
    assert.deepEqual(px(7, 3), [0, 1, 0]); // b's (0, 1), scaled
    assert.deepEqual(px(6, 6), [0.25, 0.25, 0.25]); // no second tile in row 2
    assert.deepEqual(labels, []);
    assert.throws(() => imageGrid([[a, rand([3, 2, 1])]]), /every tile must be \[2, 2, 1 or 3\] like the first, got \[3, 2, 1\]/);
  });
});

describe('convkit viz top-patches', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-top-patches-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a folder of images (recursively, sorted by path) at the model input, and refuses what is not one', async () => {
    const folder = join(dir, 'images');
    await mkdir(join(folder, 'b'), { recursive: true });
    await writeImage(join(folder, 'b', 'one.png'), rand([6, 8, 3], { generator: new Generator(1) }));
    await writeImage(join(folder, 'a.png'), rand([5, 5, 3], { generator: new Generator(2) }));
    const { images, names } = await loadVizImages(folder, [4, 4, 3]);
    assert.deepEqual(images.shape, [2, 4, 4, 3]);
    assert.deepEqual(names, [join(folder, 'a.png'), join(folder, 'b', 'one.png')]);
    assert.ok(Array.from(images.data).every((v) => v >= 0 && v <= 1));
    await assert.rejects(loadVizImages(join(dir, 'missing'), [4, 4, 3]), /loadVizImages: '.*missing' is neither mnist, fashion-mnist nor a folder of images/);
    await assert.rejects(loadVizImages('mnist', [32, 32, 1]), /loadVizImages: mnist images are 28x28x1 but the model reads 32x32x1/);
  });

  it('writes one labelled grid per layer and the patches as JSON', async () => {
    const r = await runConvkit(['viz', 'top-patches', 'lenet5', '--data', 'mnist', '--limit', '100', '--layers', 'features.conv1,features.act2', '--units', '0-3', '--k', '4', '--out', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = lastJson<{ files: string[]; figures: Array<{ layer: string; receptiveField: { size: number[] }; units: Array<{ unit: number; patches: Array<{ name: string; image: number }> }> }> }>(r.stdout);
    assert.deepEqual(out.files, [join(dir, 'top-patches-features.conv1.png'), join(dir, 'top-patches-features.act2.png')]);
    assert.deepEqual(out.figures.map((f) => f.receptiveField.size), [[5, 5], [14, 14]]);
    assert.deepEqual(out.figures[1].units.map((u) => u.unit), [0, 1, 2, 3]);
    for (const u of out.figures[1].units) {
      assert.equal(u.patches.length, 4);
      for (const p of u.patches) assert.equal(p.name, `mnist test #${p.image}`);
    }
    const png = await readRawImage(out.files[1]);
    assert.equal(png.channels, 3);
    assert.ok(png.height > 4 * 14 * 4 && png.width > 4 * 14 * 4, `${png.width}x${png.height}`); // 4 rows, 4 tiles of 14 px scaled x4
  });
});
