// face-api.js@0.10.0's plain Tiny-YOLOv2 face weights, read from the user's node_modules when they have
// installed that package (130 MB, LGPL-3.0 weights: optional, never a dependency):
//   npm install --no-save face-api.js@0.10.0
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { YoloDetector } from '../detect/detector.js';
import { tinyYolov2FaceDetector } from '../detect/pretrained/tiny-yolov2-face.js';
import { readFileBytes } from './read-file-bytes.js';

/** The weights file's path, or null when face-api.js@0.10.0 is not installed. */
export function tinyYolov2FaceWeightsPath(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('face-api.js/package.json')), 'weights_uncompressed', 'tiny_yolov2_model.weights');
  } catch {
    return null;
  }
}

/** The plain Tiny-YOLOv2 face detector from a raw weights file (default: face-api.js@0.10.0's). */
export async function loadTinyYolov2FaceDetector(path = tinyYolov2FaceWeightsPath()): Promise<YoloDetector> {
  if (!path) {
    throw new Error('loadTinyYolov2FaceDetector: face-api.js@0.10.0 is not installed; it is the only version shipping the 63 MB float32 weights (npm install --no-save face-api.js@0.10.0)');
  }
  const bytes = await readFileBytes(path, 'loadTinyYolov2FaceDetector');
  if (bytes.byteLength % 4 !== 0) throw new Error(`loadTinyYolov2FaceDetector: '${path}' has ${bytes.byteLength} bytes, not whole float32 values`);
  return tinyYolov2FaceDetector(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
}
