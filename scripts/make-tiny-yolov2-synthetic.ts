// A small file in the layout of face-api.js@0.10.0's tiny_yolov2_model.weights (raw float32, no header) and
// face-api's own TinyYolov2 (plain, with class scores) outputs on it, for test/tiny-yolov2-face.test.ts.
// The real file (63 MB, LGPL-3.0) is never copied; this one has filters [3, 4, 4, 8, 8, 8, 8, 16, 16] and
// values from a formula. face-api's TinyYolov2 class takes its layout from config.filterSizes.
//
//   node --import tsx scripts/make-tiny-yolov2-synthetic.ts
import Module, { createRequire } from 'node:module';
import { atomicWriteFile } from '../src/node/atomic-write.js';
import { tinyYolov2FaceLength } from '../src/detect/pretrained/tiny-yolov2-face.js';

const resolveFilename = (Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string })._resolveFilename;
(Module as unknown as { _resolveFilename: unknown })._resolveFilename = function (this: unknown, req: string, ...rest: unknown[]) {
  return resolveFilename.call(this, req === '@tensorflow/tfjs-node' ? '@tensorflow/tfjs' : req, ...rest);
};
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const faceapi: any = require('@vladmandic/face-api/dist/face-api.node.js');
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();

export const FILTERS = [3, 4, 4, 8, 8, 8, 8, 16, 16];
const n = tinyYolov2FaceLength(FILTERS);
const weights = Float32Array.from({ length: n }, (_, i) => (((i * 7919) % 1000) / 1000 - 0.45) * 0.8);
const net = new faceapi.TinyYolov2(false);
net.config.filterSizes = FILTERS;
net.extractWeights(weights);
const [w, h, size] = [80, 50, 64];
const pixels = Int32Array.from({ length: w * h * 3 }, (_, i) => (i * 31 + 7) % 256);
const input = tf.tensor3d(pixels, [h, w, 3], 'int32');
const raw = net.forwardInput(await faceapi.toNetInput(input), size);
const rawHead = Array.from((await raw.data()) as Float32Array);
const found = await net.locateFaces(input, { inputSize: size, scoreThreshold: 0.05 });
const detections = found.map((d: { score: number; box: { x: number; y: number; width: number; height: number } }) => ({
  box: [d.box.x, d.box.y, d.box.x + d.box.width, d.box.y + d.box.height],
  score: d.score,
}));
await atomicWriteFile('test/fixtures/face-api/tiny-yolov2-synthetic.weights', new Uint8Array(weights.buffer));
await atomicWriteFile(
  'test/fixtures/face-api/tiny-yolov2-synthetic.json',
  JSON.stringify({ generatedBy: 'scripts/make-tiny-yolov2-synthetic.ts', filters: FILTERS, image: { width: w, height: h, formula: '(i * 31 + 7) % 256' }, size, scoreThreshold: 0.05, rawHead, detections }) + '\n',
);
console.log(`${n} floats, ${detections.length} detections above 0.05, head ${raw.shape}`);
