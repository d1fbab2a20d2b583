// convkit detect predict as a user runs it (child processes): the JSON contract on a face-api sample photo
// with the pretrained tiny face detector (against face-api's own boxes), --out drawing, a detector file
// from detect train's format, and the errors; drawDetections' pixels on a small image.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runConvkit, lastJson as lastJsonLine } from './helpers/run-cli.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed } from '../src/index.js';
import { TinyYolo, detect, detectorInfoOf, drawDetections, trainedDetector } from '../src/detect/index.js';
import { TAB10 } from '../src/data/index.js';
import { faceApiModelDir, loadDetector, readRawImage, saveDetector, tinyYolov2FaceWeightsPath, writeImage } from '../src/node/index.js';
import type { RawImage } from '../src/data/image.js';

const convkit = (args: string[]) => runConvkit(args);
interface PredictJson {
  images: { path: string; width: number; height: number; detections: { box: number[]; score: number; classId: number; label: string }[] }[];
}
const lastJson = (stdout: string) => lastJsonLine<PredictJson>(stdout);

const sample = join(faceApiModelDir(), '..', 'demo', 'sample1.jpg');
const fixture = JSON.parse(readFileSync('test/fixtures/face-api/tiny-face-detector.json', 'utf8'));
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convkit-detect-predict-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('convkit detect predict --model tiny-face', () => {
  it('prints the contract JSON with face-api\'s faces and draws them with --out', async () => {
    const out = join(dir, 'boxes.png');
    const r = await convkit(['detect', 'predict', sample, '--model', 'tiny-face', '--conf', '0.5', '--iou', '0.4', '--size', '416', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = lastJson(r.stdout);
    assert.deepEqual(Object.keys(json), ['images']);
    const [image] = json.images;
    assert.deepEqual([image.path, image.width, image.height], [sample, 1920, 1280]);
    const expected = fixture.images[0].runs.find((run: { inputSize: number }) => run.inputSize === 416).detections.filter((d: { score: number }) => d.score > 0.5);
    assert.equal(image.detections.length, expected.length);
    image.detections.forEach((d: { box: number[]; score: number; classId: number; label: string }, k: number) => {
      assert.deepEqual(Object.keys(d), ['box', 'score', 'classId', 'label']);
      assert.deepEqual([d.classId, d.label], [0, 'face']);
      assert.ok(Math.abs(d.score - expected[k].score) <= 1e-3);
      // Image pixels: face-api's rounding of the resized height moves y by up to 0.12% (1.5 px at y = 1280).
      d.box.forEach((v, j) => assert.ok(Math.abs(v - expected[k].box[j]) <= 2, `face ${k} coordinate ${j}: ${v} vs ${expected[k].box[j]}`));
    });
    const drawn = await readRawImage(out);
    assert.deepEqual([drawn.width, drawn.height, drawn.channels], [1920, 1280, 3]);
    // The outline is drawn just outside the box's left edge, in tab10's first colour.
    const [x1, y1, , y2] = image.detections[0].box;
    const at = (x: number, y: number) => Array.from(drawn.data.subarray((y * 1920 + x) * 3, (y * 1920 + x) * 3 + 3));
    assert.deepEqual(at(Math.round(x1) - 2, Math.round((y1 + y2) / 2)), [...TAB10[0]]);
  });

  it('rejects an unknown model, a size that is not a multiple of 32 and a bad --conf, naming what is valid', async () => {
    let r = await convkit(['detect', 'predict', sample, '--model', 'no-such-model']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /'no-such-model' is neither a pretrained detector \(tiny-face, tiny-yolov2-face\) nor a readable detector file/);
    if (!tinyYolov2FaceWeightsPath()) {
      r = await convkit(['detect', 'predict', sample, '--model', 'tiny-yolov2-face']);
      assert.match(r.stderr, /face-api\.js@0\.10\.0 is not installed.*npm install --no-save face-api\.js@0\.10\.0/);
    }
    r = await convkit(['detect', 'predict', sample, '--model', 'tiny-face', '--size', '400']);
    assert.match(r.stderr, /detect: size must be a positive multiple of the detector's stride 32, got 400/);
    r = await convkit(['detect', 'predict', sample, '--model', 'tiny-face', '--conf', '2']);
    assert.match(r.stderr, /option '--conf <x>' argument '2' is invalid/);
  });
});

describe('a detector file written in detect train\'s format', () => {
  it('predict gives the same detections as detect(trainedDetector(loadDetector(file)))', async () => {
    manualSeed(3);
    const model = new TinyYolo({ numClasses: 2, width: 0.25, depth: 3, anchors: [[1, 1], [2, 3]] });
    const file = join(dir, 'det.safetensors');
    await saveDetector(file, model, detectorInfoOf(model, { labels: ['red', 'blue'], inputSize: [64, 64], dataset: 'synthetic' }));
    const image: RawImage = { width: 90, height: 50, channels: 3, data: Uint8Array.from({ length: 90 * 50 * 3 }, (_, i) => (i * 31) % 256) };
    const library = detect(trainedDetector(await loadDetector(file)), image, { conf: 0.3 });
    const png = join(dir, 'scene.png');
    await writeImage(png, image);
    const r = await convkit(['detect', 'predict', png, '--model', file, '--conf', '0.3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [got] = lastJson(r.stdout).images;
    assert.ok(library.length > 0, 'the random network should give some boxes above 0.3');
    assert.equal(got.detections.length, library.length);
    got.detections.forEach((d: { box: number[]; label: string }, k: number) => {
      assert.equal(d.label, library[k].label);
      d.box.forEach((v, j) => assert.ok(Math.abs(v - library[k].box[j]) < 1e-6));
      for (const v of d.box) assert.ok(v >= 0 && v <= 90, `clipped to the image: ${d.box}`);
    });
  });
});

describe('drawDetections', () => {
  it('outlines the box in its class colour and writes the tag above it (inside when at the top)', () => {
    const image: RawImage = { width: 60, height: 40, channels: 1, data: new Uint8Array(60 * 40) };
    const drawn = drawDetections(image, [{ box: [20, 25, 40, 35], score: 0.5, classId: 1, label: 'a' }], { lineWidth: 1, fontScale: 1 });
    const at = (x: number, y: number) => Array.from(drawn.data.subarray((y * 60 + x) * 3, (y * 60 + x) * 3 + 3));
    assert.equal(drawn.channels, 3);
    assert.deepEqual(at(19, 30), [...TAB10[1]]); // left outline
    assert.deepEqual(at(40, 30), [...TAB10[1]]); // right outline
    assert.deepEqual(at(30, 35), [...TAB10[1]]); // bottom outline
    assert.deepEqual(at(30, 30), [0, 0, 0]); // inside untouched
    // Tag: 9 rows (7 + 2 padding) ending at the outline's top; 'A' has ink at font (2, 0).
    assert.deepEqual(at(19, 15), [...TAB10[1]]);
    assert.deepEqual(at(19 + 1 + 2, 15 + 1), [255, 255, 255]);
    assert.deepEqual(Array.from(image.data.subarray(0, 3)), [0, 0, 0], 'the input is not changed');
    const top = drawDetections(image, [{ box: [5, 0, 20, 10], score: 0.5, classId: 0, label: 'a' }], { lineWidth: 1, fontScale: 1 });
    assert.deepEqual(Array.from(top.data.subarray((1 * 60 + 5) * 3, (1 * 60 + 5) * 3 + 3)), [...TAB10[0]], 'tag inside the box');
  });
});
