// face-api's own tiny_face_detector outputs on its sample photos, for test/face-detect.test.ts (run once,
// output committed: the suite then needs no TF.js run). @vladmandic/face-api runs on TF.js's pure-JS CPU
// backend: its Node build requires @tensorflow/tfjs-node (native, downloads libtensorflow), which is
// redirected to @tensorflow/tfjs. Pixels come from ConvKit's own decoder (sharp), so both sides see the same
// bytes; their SHA-256 is recorded so the test notices a decoder that changed.
//
//   node --import tsx scripts/make-face-api-detections.ts
import { faceapi, tf, requireFromScripts as require } from './face-api-on-tfjs.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readRawImage } from '../src/node/image-io.js';
import { atomicWriteFile } from '../src/node/atomic-write.js';

await tf.setBackend('cpu');
await tf.ready();

const pkg = dirname(require.resolve('@vladmandic/face-api/package.json'));
const modelDir = join(pkg, 'model');
const manifest = JSON.parse(readFileSync(join(modelDir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8'));
const bin = readFileSync(join(modelDir, 'tiny_face_detector_model.bin'));
const net = new faceapi.TinyFaceDetector();
await net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights));

const SIZES = [416, 608];
// Below face-api's default 0.5, so that weak boxes (and NMS among them) are compared too.
const SCORE_THRESHOLD = 0.2;
const round = (v: number) => Math.round(v * 1e4) / 1e4;
const images = [];
for (let k = 1; k <= 6; k++) {
  const file = `demo/sample${k}.jpg`;
  const image = await readRawImage(join(pkg, file), { channels: 3 });
  const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  const runs = [];
  for (const inputSize of SIZES) {
    const started = Date.now();
    const found = await net.locateFaces(input, { inputSize, scoreThreshold: SCORE_THRESHOLD });
    const seconds = (Date.now() - started) / 1000;
    const detections = found.map((d: { score: number; box: { x: number; y: number; width: number; height: number } }) => ({
      box: [d.box.x, d.box.y, d.box.x + d.box.width, d.box.y + d.box.height].map(round),
      score: Math.round(d.score * 1e6) / 1e6,
    }));
    console.log(`${file} at ${inputSize}: ${detections.length} faces in ${seconds.toFixed(1)} s`);
    runs.push({ inputSize, detections });
  }
  let raw: number[] | undefined;
  if (k === 1) {
    // The head's raw output at 416 for one photo: checks the network itself, before decoding and NMS.
    const batch = net.forwardInput(await faceapi.toNetInput(input), 416);
    raw = Array.from(await batch.data() as Float32Array, (v) => Math.round(v * 1e5) / 1e5);
    batch.dispose();
  }
  input.dispose();
  const sha256 = createHash('sha256').update(image.data).digest('hex');
  images.push({ file, width: image.width, height: image.height, sha256, runs, ...(raw ? { rawHead416: raw } : {}) });
}
const out = {
  generatedBy: 'scripts/make-face-api-detections.ts',
  faceApi: require('@vladmandic/face-api/package.json').version,
  tfjs: tf.version_core,
  backend: tf.getBackend(),
  scoreThreshold: SCORE_THRESHOLD,
  iouThreshold: 0.4,
  images,
};
await atomicWriteFile('test/fixtures/face-api/tiny-face-detector.json', JSON.stringify(out) + '\n');
