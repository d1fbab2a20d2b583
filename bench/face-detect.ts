// Issue 11 item 11: the tiny face detector at 416 on a 1920 px photo (face-api's demo/sample1.jpg, 1920x1280),
// end to end per image (input resize, network, decoding, NMS), ConvKit with 1 and 2 threads against face-api
// itself on TF.js's CPU (pure JS) and WebAssembly backends, in one process, interleaved rounds, medians.
//
//   flock /work/bench.lock node --import tsx bench/face-detect.ts [--rounds 5]
import { faceapi, tf, requireFromScripts as require } from '../scripts/face-api-on-tfjs.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ready, setNumThreads } from '../src/index.js';
import { detectFaces, loadTinyFaceDetector } from '../src/face/index.js';
import { faceApiModelDir, readRawImage } from '../src/node/index.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const SIZE = 416;

require('@tensorflow/tfjs-backend-wasm');

const modelDir = faceApiModelDir();
const image = await readRawImage(join(modelDir, '..', 'demo', 'sample1.jpg'), { channels: 3 });
const manifest = JSON.parse(readFileSync(join(modelDir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8'));
const bin = readFileSync(join(modelDir, 'tiny_face_detector_model.bin'));

await ready();
const detector = await loadTinyFaceDetector();
const faceApiNets: Record<string, unknown> = {};

async function faceApiOn(backend: string): Promise<() => Promise<number>> {
  await tf.setBackend(backend);
  await tf.ready();
  const net = new faceapi.TinyFaceDetector();
  await net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights));
  faceApiNets[backend] = net;
  return async () => {
    await tf.setBackend(backend);
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    const found = await net.locateFaces(input, { inputSize: SIZE, scoreThreshold: 0.5 });
    input.dispose();
    return found.length;
  };
}

const cases: Array<[string, () => Promise<number>]> = [
  ['convkit, 1 thread', async () => { setNumThreads(1); return (await detectFaces(image, { detector, size: SIZE })).length; }],
  ['convkit, 2 threads', async () => { setNumThreads(2); return (await detectFaces(image, { detector, size: SIZE })).length; }],
  ['face-api, tfjs-cpu', await faceApiOn('cpu')],
  ['face-api, tfjs-wasm', await faceApiOn('wasm')],
];
const times: Record<string, number[]> = Object.fromEntries(cases.map(([name]) => [name, []]));
for (const [name, run] of cases) console.log(`warm-up ${name}: ${await run()} faces`);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of cases) {
    const started = performance.now();
    await run();
    times[name].push(performance.now() - started);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const wasm = median(times['face-api, tfjs-wasm']);
console.log(`tiny face detector, ${SIZE} input, ${image.width}x${image.height} photo, ${ROUNDS} interleaved rounds (median ms; speed-up = face-api tfjs-wasm time / this time):`);
for (const [name] of cases) console.log(`  ${name.padEnd(20)} ${median(times[name]).toFixed(1).padStart(8)} ms   ${(wasm / median(times[name])).toFixed(2)}x`);
