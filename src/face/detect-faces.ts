// Faces in an image with face-api's tiny_face_detector (ported in src/detect/pretrained/): boxes in the
// image's pixels, best first. face-api's defaults: input 416, score above 0.5, NMS IoU 0.4. The detector is
// loaded once, on first use, through the registered face-api weights reader (face-api-reader.ts), unless
// one is passed.
import type { RawImage } from '../data/image.js';
import { detect } from '../detect/detect.js';
import type { YoloDetector } from '../detect/detector.js';
import { tinyFaceDetector, TINY_FACE_DETECTOR_MODEL } from '../detect/pretrained/tiny-face-detector.js';
import { readFaceApiModel } from './face-api-reader.js';
import type { DetectedFace } from './detect-faces-ssd.js';

export interface DetectFacesOptions {
  /** The detector (default: the tiny face detector, loaded once through the registered reader). */
  detector?: YoloDetector;
  /** Input side, a multiple of 32 (default 416; 608 finds smaller faces, 320 is faster). */
  size?: number;
  /** Keep faces scoring above this (default 0.5, face-api's). */
  conf?: number;
  /** NMS IoU threshold (default 0.4, face-api's). */
  iou?: number;
  /** Clip boxes to the image (default true; face-api does not clip). */
  clip?: boolean;
  /** Tile large images: square tiles of this many image pixels (see detect's tile and overlap). */
  tile?: number;
  overlap?: number;
}

let defaultDetector: Promise<YoloDetector> | null = null;

/** The tiny face detector from face-api's weights, loaded on the first call and shared after. */
export function loadTinyFaceDetector(): Promise<YoloDetector> {
  defaultDetector ??= readFaceApiModel(TINY_FACE_DETECTOR_MODEL).then(tinyFaceDetector);
  // A failed load is not cached: the next call tries again (after a reader is registered, say).
  defaultDetector.catch(() => (defaultDetector = null));
  return defaultDetector;
}

export async function detectFaces(image: RawImage, options: DetectFacesOptions = {}): Promise<DetectedFace[]> {
  const detector = options.detector ?? (await loadTinyFaceDetector());
  const found = detect(detector, image, {
    size: options.size ?? 416,
    conf: options.conf ?? 0.5,
    iou: options.iou ?? 0.4,
    clip: options.clip,
    tile: options.tile,
    overlap: options.overlap,
  });
  return found.map(({ box, score }) => ({ box, score }));
}
