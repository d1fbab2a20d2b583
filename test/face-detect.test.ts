// face-api's tiny_face_detector ported to ConvKit, checked against face-api's own TF.js implementation on
// tfjs-backend-cpu (fixtures made once by scripts/make-face-api-detections.ts): on the package's six sample
// photos at 416 and 608, the same faces, boxes within 1 pixel at the input scale and scores within 1e-3;
// the raw head output on both backends; the input against TF.js's own pad, resize and normalisation.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { faceApiModelDir, readRawImage } from '../src/node/index.js';
import { detectFaces, loadTinyFaceDetector, getFaceApiWeightsReader, setFaceApiWeightsReader, readFaceApiModel } from '../src/face/index.js';
import { detect, tileOrigins, cropImage, type YoloDetector } from '../src/detect/index.js';
import type { RawImage } from '../src/data/image.js';
import { forEachBackend } from './helpers/backends.js';

interface FixtureRun { inputSize: number; detections: Array<{ box: number[]; score: number }> }
interface FixtureImage { file: string; width: number; height: number; sha256: string; runs: FixtureRun[]; rawHead416?: number[] }
const fixture = JSON.parse(readFileSync('test/fixtures/face-api/tiny-face-detector.json', 'utf8')) as {
  scoreThreshold: number; iouThreshold: number; images: FixtureImage[];
};
const packageDir = join(faceApiModelDir(), '..');
const images = new Map<string, RawImage>();
let detector: YoloDetector;

before(async () => {
  detector = await loadTinyFaceDetector();
  for (const { file, sha256 } of fixture.images) {
    const image = await readRawImage(join(packageDir, file), { channels: 3 });
    // Both sides must see the same pixels: a different JPEG decoder would make the comparison meaningless.
    assert.equal(createHash('sha256').update(image.data).digest('hex'), sha256, `${file} decodes to other pixels than when the fixture was made: rerun scripts/make-face-api-detections.ts`);
    images.set(file, image);
  }
});

/**
 * Boxes at the input scale. ConvKit maps input pixels to image pixels by size / max(w, h) exactly; face-api
 * maps its relative boxes through rounded dimensions (round(w * size / max(w, h))), which is how its boxes
 * come back to the input frame.
 */
const ourInputBox = (box: number[], image: FixtureImage, size: number) => box.map((v) => (v * size) / Math.max(image.width, image.height));
const faceApiInputBox = (box: number[], image: FixtureImage, size: number) => {
  const s = size / Math.max(image.width, image.height);
  const [rw, rh] = [Math.round(image.width * s), Math.round(image.height * s)];
  return [box[0] * (rw / image.width), box[1] * (rh / image.height), box[2] * (rw / image.width), box[3] * (rh / image.height)];
};

describe('tiny face detector against face-api on its sample photos', () => {
  for (const image of fixture.images) {
    for (const run of image.runs) {
      it(`${image.file} at ${run.inputSize}: ${run.detections.length} faces, boxes within 1 px, scores within 1e-3`, async () => {
        const found = await detectFaces(images.get(image.file)!, { size: run.inputSize, conf: fixture.scoreThreshold, iou: fixture.iouThreshold, clip: false });
        assert.equal(found.length, run.detections.length, `faces found: ${JSON.stringify(found)}`);
        run.detections.forEach((expected, k) => {
          const ours = ourInputBox(found[k].box, image, run.inputSize);
          const theirs = faceApiInputBox(expected.box, image, run.inputSize);
          const worst = Math.max(...ours.map((v, j) => Math.abs(v - theirs[j])));
          assert.ok(worst <= 1, `face ${k}: box ${ours.map((v) => v.toFixed(2))} vs face-api ${theirs.map((v) => v.toFixed(2))} (input pixels), off by ${worst}`);
          assert.ok(Math.abs(found[k].score - expected.score) <= 1e-3, `face ${k}: score ${found[k].score} vs face-api ${expected.score}`);
        });
      });
    }
  }

  it('default options (416, score > 0.5) keep exactly the fixture faces above 0.5', async () => {
    const image = fixture.images[0];
    const found = await detectFaces(images.get(image.file)!);
    const expected = image.runs.find((r) => r.inputSize === 416)!.detections.filter((d) => d.score > 0.5);
    assert.equal(found.length, expected.length);
    for (const face of found) {
      assert.ok(face.box[0] >= 0 && face.box[1] >= 0 && face.box[2] <= image.width && face.box[3] <= image.height, `clipped box ${face.box}`);
    }
  });
});

forEachBackend(() => {
  it('the raw head output on sample1 at 416 agrees with face-api to 1e-3', () => {
    const image = fixture.images.find((i) => i.rawHead416)!;
    const { input } = detector.prepare(images.get(image.file)!, 416);
    const raw = detector.net.forward(input).data;
    // The adapter appends one constant class logit per anchor: face-api's 25 channels are the other 5 x 5.
    assert.equal(raw.length, (image.rawHead416!.length / 25) * 30);
    let worst = 0;
    for (let cell = 0; cell < image.rawHead416!.length / 25; cell++) {
      for (let a = 0; a < 5; a++) {
        for (let v = 0; v < 5; v++) worst = Math.max(worst, Math.abs(raw[cell * 30 + a * 6 + v] - image.rawHead416![cell * 25 + a * 5 + v]));
        assert.equal(raw[cell * 30 + a * 6 + 5], 0);
      }
    }
    assert.ok(worst <= 1e-3, `largest difference ${worst}`);
  });
});

describe('the detector input (face-api\'s padded square, TF\'s legacy bilinear resize)', () => {
  it('equals TF.js tfjs-backend-cpu pad-to-square + resizeBilinear + normalise, value for value', async () => {
    await tf.setBackend('cpu');
    for (const [w, h, size] of [[37, 23, 32], [20, 45, 64], [64, 64, 32]]) {
      const data = new Uint8Array(w * h * 3).map((_, i) => (i * 7919 + 13) % 256);
      const image: RawImage = { width: w, height: h, channels: 3, data };
      const mean: [number, number, number] = [117.001, 114.697, 97.404];
      const ours = detector.prepare(image, size).input.data;
      const side = Math.max(w, h);
      const theirs = tf.tidy(() => {
        const x = tf.cast(tf.tensor4d(Int32Array.from(data), [1, h, w, 3], 'int32'), 'float32');
        const square = tf.pad(x as tf.Tensor4D, [[0, 0], [0, side - h], [0, side - w], [0, 0]]);
        const resized = side === size ? square : tf.image.resizeBilinear(square as tf.Tensor4D, [size, size], false, false);
        return tf.div(tf.sub(resized, tf.tensor1d(mean)), 255).dataSync();
      });
      assert.deepEqual(Array.from(ours), Array.from(theirs), `${w}x${h} -> ${size}`);
    }
  });
});

describe('tiled detection', () => {
  it('tileOrigins covers the image with overlapping tiles that end flush with it', () => {
    assert.deepEqual(tileOrigins(1000, 600, 500, 0.2), [[0, 0], [400, 0], [500, 0], [0, 100], [400, 100], [500, 100]]);
    assert.deepEqual(tileOrigins(300, 200, 500, 0.2), [[0, 0]]);
  });

  it('cropImage copies the rows of a region', () => {
    const image: RawImage = { width: 4, height: 3, channels: 1, data: Uint8Array.from({ length: 12 }, (_, i) => i) };
    assert.deepEqual(Array.from(cropImage(image, 1, 1, 2, 5).data), [5, 6, 9, 10]);
    assert.throws(() => cropImage(image, 4, 0, 1, 1), /cropImage: origin \(4, 0\) must be integer pixels inside the 4x3 image/);
  });

  it('finds the same faces on a sample photo in 640 px tiles as in one pass', async () => {
    const image = images.get(fixture.images[4].file)!;
    const whole = await detectFaces(image);
    const tiled = await detectFaces(image, { tile: 640 });
    assert.ok(whole.length >= 3);
    for (const face of whole) {
      const best = Math.max(...tiled.map((t) => boxIou(t.box, face.box)));
      assert.ok(best > 0.5, `face ${face.box.map(Math.round)} has no tiled match (best IoU ${best.toFixed(2)})`);
    }
  });
});

function boxIou(a: number[], b: number[]): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

describe('errors', () => {
  it('bad options name the function and the valid values', () => {
    const image: RawImage = { width: 8, height: 8, channels: 3, data: new Uint8Array(192) };
    assert.throws(() => detect(detector, image, { size: 400 }), /detect: size must be a positive multiple of the detector's stride 32, got 400/);
    assert.throws(() => detect(detector, image, { conf: 1.5 }), /detect: conf must be a number in \[0, 1\), got 1.5/);
    assert.throws(() => detect(detector, { width: 8, height: 8, channels: 3, data: new Uint8Array(10) }), /detect: image 8x8x3 needs 192 bytes, got 10/);
  });

  it('loading face-api weights with no reader registered says how to register one', async () => {
    const reader = getFaceApiWeightsReader();
    setFaceApiWeightsReader(null);
    try {
      await assert.rejects(readFaceApiModel('tiny_face_detector_model'), /readFaceApiModel\('tiny_face_detector_model'\): no reader for face-api's weights is registered. In Node, import 'convkit\/node'/);
    } finally {
      setFaceApiWeightsReader(reader);
    }
  });
});
