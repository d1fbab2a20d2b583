// Running a YOLO detector on an image: boxes in the image's own pixels with scores, class ids and labels
// (yoloDetections scores, thresholds and suppresses; this maps its boxes back through the detector's input
// geometry). Large images can be tiled: overlapping crops, each detected at the full input size, the boxes
// shifted back and merged by the same NMS, so faces a few pixels wide in a 4000 px photo are not lost to
// the downscale.
import type { RawImage } from '../data/image.js';
import { checkRawImage } from '../data/image.js';
import { noGrad } from '../autograd/grad-mode.js';
import { yoloDetections, type YoloDetectionOptions } from './yolo-detections.js';
import { nms } from './nms.js';
import { cropImage, tileOrigins } from './tiles.js';
import type { YoloDetector } from './detector.js';

export interface DetectOptions {
  /** Keep boxes scoring above this (default 0.25). */
  conf?: number;
  /** NMS IoU threshold (default 0.45). */
  iou?: number;
  /** Input side in pixels, a multiple of the detector's stride (default: the detector's own). */
  size?: number;
  /** At most this many boxes (default 300). */
  maxDetections?: number;
  /** Clip boxes to the image (default true). */
  clip?: boolean;
  /** Tile the image: square tiles of `tile` image pixels overlapping by `overlap` (a fraction, default 0.2). */
  tile?: number;
  overlap?: number;
}

export interface DetectedBox {
  /** [x1, y1, x2, y2] in the image's pixels. */
  box: [number, number, number, number];
  score: number;
  classId: number;
  label: string;
}

interface Candidates {
  boxes: number[][];
  scores: number[];
  classIds: number[];
}

/** One forward pass: its detections (after NMS) in the image's pixels. */
function detectOnce(detector: YoloDetector, image: RawImage, size: number, options: YoloDetectionOptions): Candidates {
  const { input, scale, offsetX = 0, offsetY = 0 } = detector.prepare(image, size);
  const [, inH, inW] = input.shape;
  const [found] = noGrad(() => yoloDetections(detector.net.forward(input), detector.scale, detector.spec, options));
  const boxes = found.boxes.map(([x1, y1, x2, y2]) => [(x1 * inW - offsetX) / scale, (y1 * inH - offsetY) / scale, (x2 * inW - offsetX) / scale, (y2 * inH - offsetY) / scale]);
  return { boxes, scores: found.scores, classIds: found.classes };
}

function checkFraction(value: number, name: string, lo: number, hi: number): void {
  if (!(value >= lo && value <= hi)) throw new Error(`detect: ${name} must be a number in [${lo}, ${hi}], got ${value}`);
}

/** Detect objects in an image (8-bit, 1, 3 or 4 channels): boxes in its pixels, best first. */
export function detect(detector: YoloDetector, image: RawImage, options: DetectOptions = {}): DetectedBox[] {
  checkRawImage(image, 'detect');
  const { conf = 0.25, iou = 0.45, size = detector.defaultSize, maxDetections = 300, clip = true, overlap = 0.2 } = options;
  if (!(conf >= 0 && conf < 1)) throw new Error(`detect: conf must be a number in [0, 1), got ${conf}`);
  checkFraction(iou, 'iou', 0, 1);
  checkFraction(overlap, 'overlap', 0, 0.9);
  if (!(Number.isInteger(size) && size > 0 && size % detector.stride === 0)) {
    throw new Error(`detect: size must be a positive multiple of the detector's stride ${detector.stride}, got ${size}`);
  }
  if (!(Number.isInteger(maxDetections) && maxDetections > 0)) throw new Error(`detect: maxDetections must be a positive integer, got ${maxDetections}`);
  const once = { conf, iou, maxDetections };
  const all: Candidates = { boxes: [], scores: [], classIds: [] };
  const add = (found: Candidates, dx: number, dy: number) => {
    for (let i = 0; i < found.scores.length; i++) {
      const [x1, y1, x2, y2] = found.boxes[i];
      all.boxes.push([x1 + dx, y1 + dy, x2 + dx, y2 + dy]);
      all.scores.push(found.scores[i]);
      all.classIds.push(found.classIds[i]);
    }
  };
  if (options.tile === undefined) {
    add(detectOnce(detector, image, size, once), 0, 0);
  } else {
    const tile = options.tile;
    if (!(Number.isInteger(tile) && tile > 0)) throw new Error(`detect: tile must be a positive integer (pixels), got ${tile}`);
    // The whole image too, so that objects larger than a tile are still found whole.
    add(detectOnce(detector, image, size, once), 0, 0);
    for (const [x, y] of tileOrigins(image.width, image.height, tile, overlap)) {
      add(detectOnce(detector, cropImage(image, x, y, tile, tile), size, once), x, y);
    }
  }
  const kept = nms(all.boxes, all.scores, { iouThreshold: iou, classes: all.classIds, maxDetections });
  return kept.map((i) => {
    let [x1, y1, x2, y2] = all.boxes[i];
    if (clip) {
      [x1, x2] = [x1, x2].map((v) => Math.min(Math.max(v, 0), image.width));
      [y1, y2] = [y1, y2].map((v) => Math.min(Math.max(v, 0), image.height));
    }
    const classId = all.classIds[i];
    return { box: [x1, y1, x2, y2], score: all.scores[i], classId, label: detector.labels[classId] ?? String(classId) };
  });
}
