#!/usr/bin/env node
// face-api's own outputs on its sample photos, for test/face-models.test.ts (run once, JSON committed: the
// suite then needs no TF.js run, which takes minutes on a small machine). face-api runs on TF.js's plain
// JavaScript CPU backend (@tensorflow/tfjs-backend-cpu) with the weights in its package; the photos are read
// from node_modules at test time and never committed.
//
//     node scripts/make-face-api-fixtures.mjs [sample1 sample2 ...]   # default: sample1..sample6
//
// Per photo, test/fixtures/face-api/<name>.json holds: the ssd_mobilenetv1 detections (minConfidence 0.3) as
// [x1, y1, x2, y2] pixels and scores; per detection the 68 landmarks of the full and the tiny net (image
// pixels, each net run on the detection's box as face-api crops it), the box face-api crops for the
// descriptor (its dlib-style "alignedRect" from the full landmarks) and the 128-d descriptor of that crop.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = dirname(require.resolve('@vladmandic/face-api/package.json'));
const MODELS = join(PACKAGE, 'model');
const OUT = join(ROOT, 'test', 'fixtures', 'face-api');
const MIN_CONFIDENCE = 0.3;

const round = (x, digits) => Number(x.toFixed(digits));
const points = (landmarks) => landmarks.positions.map((p) => [round(p.x, 4), round(p.y, 4)]);

async function loadNet(net, model) {
  const manifest = JSON.parse(readFileSync(join(MODELS, `${model}-weights_manifest.json`), 'utf8'));
  const bin = readFileSync(join(MODELS, manifest[0].paths[0]));
  net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), manifest[0].weights));
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  await loadNet(faceapi.nets.ssdMobilenetv1, 'ssd_mobilenetv1_model');
  await loadNet(faceapi.nets.faceLandmark68Net, 'face_landmark_68_model');
  await loadNet(faceapi.nets.faceLandmark68TinyNet, 'face_landmark_68_tiny_model');
  await loadNet(faceapi.nets.faceRecognitionNet, 'face_recognition_model');
  const names = process.argv.slice(2).length ? process.argv.slice(2) : ['sample1', 'sample2', 'sample3', 'sample4', 'sample5', 'sample6'];
  for (const name of names) {
    const started = Date.now();
    const { data, info } = await sharp(join(PACKAGE, 'demo', `${name}.jpg`)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const image = tf.tensor3d(new Int32Array(data), [info.height, info.width, 3], 'int32');
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE });
    const full = await faceapi.detectAllFaces(image, options).withFaceLandmarks().withFaceDescriptors();
    const tiny = await faceapi.detectAllFaces(image, options).withFaceLandmarks(true);
    const faces = full.map((f, i) => {
      const { x, y, width, height } = f.detection.box;
      const crop = f.landmarks.align(null, { useDlibAlignment: true });
      return {
        box: [x, y, x + width, y + height].map((v) => round(v, 4)),
        score: round(f.detection.score, 6),
        landmarks: points(f.landmarks),
        tinyLandmarks: points(tiny[i].landmarks),
        descriptorCrop: { x: crop.x, y: crop.y, width: crop.width, height: crop.height },
        descriptor: Array.from(f.descriptor, (v) => round(v, 7)),
      };
    });
    const fixture = {
      made: 'scripts/make-face-api-fixtures.mjs',
      faceApi: faceapi.version,
      tfjs: tf.version_core,
      backend: tf.getBackend(),
      image: `@vladmandic/face-api/demo/${name}.jpg`,
      width: info.width,
      height: info.height,
      minConfidence: MIN_CONFIDENCE,
      faces,
    };
    const path = join(OUT, `${name}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(fixture) + '\n');
    renameSync(`${path}.tmp`, path);
    image.dispose();
    console.log(`${name}: ${faces.length} faces in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

await main();
