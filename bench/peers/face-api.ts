// face-api itself (@vladmandic/face-api's TinyFaceDetector) on TF.js's 'cpu' or 'wasm' backend: the peer of
// the detection case. face-api brings its own TF.js (scripts/face-api-on-tfjs.ts), so this runs on that
// instance, not bench/peers/tfjs-loader.ts's; it is loaded only when a detection case asks for it.
import type { CaseData } from '../case-data.js';
import { detectionsOutput } from '../detections-output.js';
import type { Prepared } from '../implementation.js';

export async function faceApiDetectRunner(backend: 'cpu' | 'wasm', data: Extract<CaseData, { kind: 'faceDetect' }>): Promise<Prepared> {
  const { faceapi, tf, requireFromScripts } = await import('../../scripts/face-api-on-tfjs.js');
  if (backend === 'wasm') requireFromScripts('@tensorflow/tfjs-backend-wasm'); // registers 'wasm' with face-api's TF.js
  if (!(await tf.setBackend(backend))) throw new Error(`face-api: TF.js backend '${backend}' failed to initialise`);
  await tf.ready();
  const net = new faceapi.TinyFaceDetector();
  const { weights } = data;
  const specs = data.manifest.flatMap((group) => group.weights);
  await net.loadFromWeightMap(tf.io.decodeWeights(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength), specs));
  const { photo, size } = data;
  /** face-api's own path from pixels: its pad to square, resize, network, decoding and NMS. */
  const run = async (): Promise<{ box: number[]; score: number }[]> => {
    const input = tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32');
    const found = await net.locateFaces(input, { inputSize: size, scoreThreshold: 0.5 });
    input.dispose();
    return found.map((d: { score: number; box: { x: number; y: number; width: number; height: number } }) => ({
      box: [d.box.x, d.box.y, d.box.x + d.box.width, d.box.y + d.box.height],
      score: d.score,
    }));
  };
  return {
    runner: {
      activate: async () => void (await tf.setBackend(backend)),
      run,
      output: async () => detectionsOutput(await run()),
    },
  };
}
