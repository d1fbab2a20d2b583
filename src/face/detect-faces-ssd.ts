// Face detection with ssd_mobilenetv1 as face-api runs it: the image zero-padded at the right or bottom to a
// square, resized to 512, the anchors decoded, then greedy NMS at IoU 0.5 over the candidates above
// minConfidence. Boxes come back in the image's pixels: a coordinate c in [0, 1] of the padded square is
// c * max(width, height) (face-api scales by 512 / round(side * 512 / max), which is off by the rounding:
// up to 0.1%, 2 px at the bottom of a 1920 x 1280 photo), clipped to the image.
import type { RawImage } from '../data/image.js';
import { checkRawImage } from '../data/image.js';
import { noGrad } from '../autograd/grad-mode.js';
import { stack } from '../ops/movement.js';
import { nms } from '../detect/nms.js';
import { squareCrop } from './face-crop.js';
import { SSD_INPUT_SIZE, decodeSsd, type SsdCandidate, type SsdMobilenetV1 } from './ssd-mobilenet.js';

export interface DetectFacesSsdOptions {
  /** Keep faces scoring above this (default 0.5, face-api's). */
  minConfidence?: number;
  /** At most this many faces, best first (default 100). */
  maxResults?: number;
  /** A face suppresses a worse one overlapping it by more than this IoU (default 0.5). */
  iouThreshold?: number;
}

export interface DetectedFace {
  /** [x1, y1, x2, y2] in the image's pixels. */
  box: [number, number, number, number];
  score: number;
}

function checkUnit(name: string, value: number, fn: string): void {
  if (!(typeof value === 'number' && value >= 0 && value < 1)) throw new Error(`${fn}: ${name} must be a number in [0, 1), got ${value}`);
}

/** The candidates that survive NMS, best first, as boxes in [0, 1] of the padded square. */
export function ssdFaceCandidates(model: SsdMobilenetV1, image: RawImage, options: DetectFacesSsdOptions = {}): SsdCandidate[] {
  const fn = 'detectFacesSsd';
  const { minConfidence = 0.5, maxResults = 100, iouThreshold = 0.5 } = options;
  checkRawImage(image, fn);
  if (image.channels !== 3) throw new Error(`${fn}: expects an RGB image (3 channels), got ${image.channels} (decode with { channels: 3 })`);
  checkUnit('minConfidence', minConfidence, fn);
  checkUnit('iouThreshold', iouThreshold, fn);
  if (!(Number.isInteger(maxResults) && maxResults > 0)) throw new Error(`${fn}: maxResults must be a positive integer, got ${maxResults}`);
  const input = squareCrop(image, { x: 0, y: 0, width: image.width, height: image.height }, SSD_INPUT_SIZE, 'end');
  const candidates = decodeSsd(noGrad(() => model.forward(stack([input.pixels]))), model.priors);
  const kept = candidates.filter((c) => c.score > minConfidence);
  const order = nms(kept.map((c) => [c.box[1], c.box[0], c.box[3], c.box[2]]), kept.map((c) => c.score), { iouThreshold, maxDetections: maxResults });
  return order.map((i) => kept[i]);
}

/** Faces in `image` (RGB), best first. */
export function detectFacesSsd(model: SsdMobilenetV1, image: RawImage, options: DetectFacesSsdOptions = {}): DetectedFace[] {
  const side = Math.max(image.width, image.height);
  const clip = (v: number, limit: number): number => Math.min(Math.max(v * side, 0), limit);
  return ssdFaceCandidates(model, image, options).map(({ box: [ymin, xmin, ymax, xmax], score }) => ({
    box: [clip(xmin, image.width), clip(ymin, image.height), clip(xmax, image.width), clip(ymax, image.height)],
    score,
  }));
}
