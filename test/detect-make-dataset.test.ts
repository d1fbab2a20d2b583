// The synthetic digit-detection dataset: scenes are seeded; each label box is the tight box of a pasted
// digit (checked against the texture the same seed draws: outside the boxes no pixel changed, and every box
// edge touches changed pixels); the writer's files read back through the Ultralytics loader; and the CLI's
// make-dataset and anchors commands, whose reported fit is recomputed with anchorFitness.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runConvkit } from './helpers/run-cli.js';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, Tensor } from '../src/index.js';
import { anchorFitness, boxSizes, datasetAnchors, digitScene, proceduralTexture } from '../src/detect/index.js';
import { makeMnistDetectionDataset, readYoloDataset } from '../src/node/index.js';

/** Three 28 x 28 "digits": filled rectangles at known places, classes 7, 3 and 5. */
function rectangleDigits(): { digits: Tensor; classes: number[] } {
  const data = new Float32Array(3 * 28 * 28);
  const rects = [[4, 6, 20, 22], [10, 2, 18, 26], [2, 10, 26, 18]]; // x1, y1, x2, y2 (exclusive)
  rects.forEach(([x1, y1, x2, y2], n) => {
    for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) data[n * 784 + y * 28 + x] = 1;
  });
  return { digits: new Tensor(data, [3, 28, 28, 1]), classes: [7, 3, 5] };
}

describe('digitScene', () => {
  const { digits, classes } = rectangleDigits();
  const size = 96;

  it('is seeded: the same seed gives the same scene, another seed another', () => {
    const a = digitScene(digits, classes, new Generator(11), { size });
    const b = digitScene(digits, classes, new Generator(11), { size });
    const c = digitScene(digits, classes, new Generator(12), { size });
    assert.deepEqual(a.labels, b.labels);
    assert.deepEqual(Array.from(a.image.data), Array.from(b.image.data));
    assert.notDeepEqual(Array.from(a.image.data), Array.from(c.image.data));
  });

  it('labels each pasted digit with its tight box: nothing changed outside, ink (alpha > 0.25) on every edge and none just past it', () => {
    let objects = 0;
    let edgesChecked = 0;
    for (let seed = 0; seed < 20; seed++) {
      const { image, labels } = digitScene(digits, classes, new Generator(seed), { size, backgroundFraction: 0 });
      const texture = proceduralTexture(size, size, new Generator(seed)).data;
      const at = (x: number, y: number, c: number): number => 3 * (y * size + x) + c;
      const changed = (x: number, y: number): boolean => [0, 1, 2].some((c) => image.data[at(x, y, c)] !== texture[at(x, y, c)]);
      const boxes = labels.boxes.map(([cx, cy, w, h]) => [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2].map((v) => Math.round(v * size)));
      assert.ok(labels.classes.length >= 1 && labels.classes.every((c) => classes.includes(c)), `seed ${seed}: classes ${labels.classes}`);
      objects += boxes.length;
      // Bilinear edges below the ink threshold may reach 2 pixels past the box.
      const near = (x: number, y: number, others: number[][], margin: number): boolean =>
        others.some(([x1, y1, x2, y2]) => x >= x1 - margin && x < x2 + margin && y >= y1 - margin && y < y2 + margin);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) if (!near(x, y, boxes, 2)) assert.ok(!changed(x, y), `seed ${seed}: pixel (${x}, ${y}) changed outside every box`);
      }
      boxes.forEach((box, k) => {
        const [x1, y1, x2, y2] = box;
        const others = boxes.filter((_, j) => j !== k);
        // The rectangles are solid, so the box centre shows the digit's colour unmixed; alpha follows from it.
        const [mx, my] = [Math.floor((x1 + x2) / 2), Math.floor((y1 + y2) / 2)];
        const colour = [0, 1, 2].map((c) => image.data[at(mx, my, c)]);
        const alpha = (x: number, y: number): number => {
          const c = [0, 1, 2].reduce((best, ch) => (Math.abs(colour[ch] - texture[at(x, y, ch)]) > Math.abs(colour[best] - texture[at(x, y, best)]) ? ch : best), 0);
          const spread = colour[c] - texture[at(x, y, c)];
          return Math.abs(spread) < 0.1 ? NaN : (image.data[at(x, y, c)] - texture[at(x, y, c)]) / spread;
        };
        const line = (points: [number, number][]) => points.filter(([x, y]) => x >= 0 && y >= 0 && x < size && y < size && !near(x, y, others, 2)).map(([x, y]) => alpha(x, y)).filter((a) => !Number.isNaN(a));
        const xs = Array.from({ length: x2 - x1 }, (_, i) => x1 + i);
        const ys = Array.from({ length: y2 - y1 }, (_, i) => y1 + i);
        const edges: [string, [number, number][], [number, number][]][] = [
          ['top', xs.map((x) => [x, y1]), xs.map((x) => [x, y1 - 1])],
          ['bottom', xs.map((x) => [x, y2 - 1]), xs.map((x) => [x, y2])],
          ['left', ys.map((y) => [x1, y]), ys.map((y) => [x1 - 1, y])],
          ['right', ys.map((y) => [x2 - 1, y]), ys.map((y) => [x2, y])],
        ];
        for (const [name, inside, outside] of edges) {
          const inner = line(inside);
          if (inner.length < inside.length / 2) continue; // mostly under another digit: no clean view of this edge
          edgesChecked++;
          assert.ok(Math.max(...inner) > 0.25, `seed ${seed}, box [${box}]: the ${name} edge has no ink (max alpha ${Math.max(...inner)})`);
          assert.ok(line(outside).every((a) => a <= 0.25 + 1e-4), `seed ${seed}, box [${box}]: ink just past the ${name} edge`);
        }
      });
    }
    assert.ok(objects >= 40, `20 scenes of 1-4 digits hold ${objects}`);
    assert.ok(edgesChecked >= 3 * objects, `${edgesChecked} edges checked of ${4 * objects}`);
  });

  it('gives background images at the asked rate, and rejects bad options by name', () => {
    const empty = Array.from({ length: 200 }, (_, seed) => digitScene(digits, classes, new Generator(seed), { size: 32, backgroundFraction: 0.3 })).filter((s) => s.labels.classes.length === 0);
    assert.ok(empty.length > 40 && empty.length < 80, `${empty.length} of 200 empty at rate 0.3`);
    assert.throws(() => digitScene(digits, classes, new Generator(0), { minScale: 0.6, maxScale: 0.5 }), /digitScene: need 0 < minScale <= maxScale <= 1.*got minScale 0\.6, maxScale 0\.5/);
    assert.throws(() => digitScene(digits, classes, new Generator(0), { size: 16 }), /digitScene: size must be an integer of at least 32 pixels, got 16/);
    assert.throws(() => digitScene(digits, [1], new Generator(0)), /digitScene: 1 classes for 3 digits/);
  });
});

it('datasetAnchors: two exact clusters come back as the anchors, in grid cells', () => {
  // 320 x 320 images at 320 px: a 0.1 x 0.2 box is 32 x 64 px = 1 x 2 cells; a 0.5 x 0.25 box 5 x 2.5 cells.
  const image = (boxes: [number, number, number, number][]) => ({ file: 'x', width: 320, height: 320, classes: boxes.map(() => 0), boxes });
  const fit = datasetAnchors([image([[0.5, 0.5, 0.1, 0.2], [0.3, 0.3, 0.5, 0.25]]), image([[0.5, 0.5, 0.1, 0.2]])], 2, { size: 320 });
  assert.deepEqual(fit.anchors.map((a) => a.map((v) => Math.round(v * 1e9) / 1e9)), [[1, 2], [5, 2.5]]);
  assert.equal(fit.meanIoU, 1);
  assert.throws(() => datasetAnchors([image([[0.5, 0.5, 0.1, 0.2]])], 2), /datasetAnchors: the 1 images hold 1 objects; k = 2 anchors need at least 2/);
});

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'convkit-make-dataset-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('makeMnistDetectionDataset', () => {
  it('writes the Ultralytics layout that readYoloDataset reads back, the same files for the same seed', async () => {
    const summary = await makeMnistDetectionDataset(join(root, 'a'), { train: 6, val: 3, size: 64, seed: 4 });
    await makeMnistDetectionDataset(join(root, 'b'), { train: 6, val: 3, size: 64, seed: 4 });
    assert.equal(summary.dataYaml, join(root, 'a', 'data.yaml'));
    assert.deepEqual(await readdir(join(root, 'a', 'images', 'val')), ['000000.jpg', '000001.jpg', '000002.jpg']);
    const train = await readYoloDataset(summary.dataYaml, 'train');
    assert.deepEqual(train.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(train.images.length, 6);
    assert.equal(train.images.reduce((n, i) => n + i.classes.length, 0), summary.instances.train);
    assert.ok(train.images.every((i) => i.width === 64 && i.height === 64));
    for (const name of ['labels/train/000005.txt', 'labels/val/000002.txt', 'images/train/000003.jpg']) {
      assert.deepEqual(await readFile(join(root, 'b', name)), await readFile(join(root, 'a', name)), name);
    }
    await assert.rejects(makeMnistDetectionDataset(join(root, 'a'), { train: 1, val: 0 }), /makeMnistDetectionDataset: '.*\/a' is not empty .*give a new or empty folder/);
    await assert.rejects(makeMnistDetectionDataset(join(root, 'c'), { train: 0, val: 0 }), /train and val are both 0/);
  });
});

const convkit = (args: string[]) => runConvkit(args, { env: { CONVKIT_BACKEND: 'js' } });

describe('convkit detect make-dataset and anchors', () => {
  it('writes a dataset and fits anchors to it; the JSON fit agrees with anchorFitness on the boxes', async () => {
    const out = join(root, 'cli');
    const made = await convkit(['detect', 'make-dataset', 'mnist', '--out', out, '--train', '20', '--val', '4', '--size', '96', '--seed', '2']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /wrote 20 training images \(\d+ digits\) and 4 validation images/);
    const result = await convkit(['detect', 'anchors', '--data', join(out, 'data.yaml'), '-k', '3', '--size', '192', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const fit = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as { anchors: [number, number][]; meanIoU: number; bestPossibleRecall: number };
    assert.deepEqual(Object.keys(fit), ['anchors', 'meanIoU', 'bestPossibleRecall']);
    assert.equal(fit.anchors.length, 3);
    const sizes = boxSizes((await readYoloDataset(join(out, 'data.yaml'), 'train')).images, { size: 192 });
    const check = anchorFitness(sizes, fit.anchors);
    assert.ok(Math.abs(check.meanIoU - fit.meanIoU) < 1e-12 && Math.abs(check.bestPossibleRecall - fit.bestPossibleRecall) < 1e-12, JSON.stringify({ check, fit }));
    // 96 px scenes at 192: digits of 0.15-0.5 of the side are 29-96 px, about 0.5-3 cells of 32.
    assert.ok(fit.anchors.every(([w, h]) => w > 0.2 && w < 3.5 && h > 0.2 && h < 3.5), JSON.stringify(fit.anchors));
  });

  it('fails cleanly on a dataset without labels and on an unknown kind', async () => {
    const dir = join(root, 'nolabels');
    await makeMnistDetectionDataset(dir, { train: 2, val: 0, size: 32 });
    await rm(join(dir, 'labels'), { recursive: true });
    const result = await convkit(['detect', 'anchors', '--data', join(dir, 'data.yaml')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no labels found for the 2 'train' images: looked for .*\/labels\/train\/\*\.txt/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    const kind = await convkit(['detect', 'make-dataset', 'cifar', '--out', join(root, 'x')]);
    assert.equal(kind.code, 1);
    assert.match(kind.stderr, /value 'cifar' is invalid for argument 'kind'\. Expected one of: mnist\./);
  });
});
