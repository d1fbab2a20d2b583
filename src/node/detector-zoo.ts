// Detectors by name or file for `convkit detect predict --model`: the pretrained ones ConvKit can load from
// installed packages, or a weights file written by `convkit detect train`.
import { tinyFaceDetector } from '../detect/pretrained/tiny-face-detector.js';
import { trainedDetector } from '../detect/trained-detector.js';
import type { YoloDetector } from '../detect/detector.js';
import { loadFaceApiWeights } from './face-api-models.js';
import { loadDetector } from './detector-files.js';
import { loadTinyYolov2FaceDetector } from './tiny-yolov2-face-file.js';

/** Pretrained detectors by name, with where their weights come from. */
export const PRETRAINED_DETECTORS: Record<string, { description: string; load: () => Promise<YoloDetector> }> = {
  'tiny-face': {
    description: "@vladmandic/face-api's tiny_face_detector (depthwise-separable Tiny-YOLOv2, 1 class, 190 KB)",
    load: async () => tinyFaceDetector(await loadFaceApiWeights('tiny_face_detector_model')),
  },
  'tiny-yolov2-face': {
    description: "face-api.js@0.10.0's plain Tiny-YOLOv2 face detector (63 MB float32, LGPL-3.0; install it yourself)",
    load: () => loadTinyYolov2FaceDetector(),
  },
};

/** A pretrained detector's name, or the path of a detector written by `convkit detect train`. */
export async function loadYoloDetector(nameOrPath: string): Promise<YoloDetector> {
  const pretrained = Object.hasOwn(PRETRAINED_DETECTORS, nameOrPath) ? PRETRAINED_DETECTORS[nameOrPath] : undefined;
  if (pretrained) return pretrained.load();
  try {
    return trainedDetector(await loadDetector(nameOrPath));
  } catch (error) {
    const names = Object.keys(PRETRAINED_DETECTORS).join(', ');
    throw new Error(`loadYoloDetector: '${nameOrPath}' is neither a pretrained detector (${names}) nor a readable detector file: ${(error as Error).message}`, { cause: error });
  }
}
