// Running a YOLO detector on an image: boxes in the image's own pixels with scores, class ids and labels.
// A box scores objectness x its best class probability (YOLOv2); boxes above `conf` go through per-class
// greedy NMS. Large images can be tiled: overlapping crops, each detected at the full input size, the boxes
// shifted back and merged by the same NMS, so faces a few pixels wide in a 4000 px photo are not lost to
// the downscale.
import type { RawImage } from '../data/image.js';
import { checkRawImage } from '../data/image.js';
import { noGrad } from '../autograd/grad-mode.js';
import { decodeYolo } from './yolo-decode.js';
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

/** The boxes of one forward pass scoring above conf, in the image's pixels, before NMS. */
function candidates(detector: YoloDetector, image: RawImage, size: number, conf: number): Candidates {
  const { input, scale, offsetX = 0, offsetY = 0 } = detector.prepare(image, size);
  const [, inH, inW] = input.shape;
  const decoded = noGrad(() => decodeYolo(detector.net.forward(input), detector.scale, detector.spec));
  const boxes = decoded.boxes.data;
  const objectness = decoded.objectness.data;
  const probs = decoded.classProbs.data;
  const classes = detector.spec.numClasses;
  const out: Candidates = { boxes: [], scores: [], classIds: [] };
  for (let i = 0; i < objectness.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    const score = objectness[i] * probs[i * classes + best];
    if (!(score > conf)) continue;
    const cx = boxes[4 * i] * inW, cy = boxes[4 * i + 1] * inH, w = boxes[4 * i + 2] * inW, h = boxes[4 * i + 3] * inH;
    out.boxes.push([(cx - w / 2 - offsetX) / scale, (cy - h / 2 - offsetY) / scale, (cx + w / 2 - offsetX) / scale, (cy + h / 2 - offsetY) / scale]);
    out.scores.push(score);
    out.classIds.push(best);
  }
  return out;
}

function checkFraction(value: number, name: string, lo: number, hi: number): void {
  if (!(value >= lo && value <= hi)) throw new Error(`detect: ${name} must be a number in [${lo}, ${hi}], got ${value}`);
}

/** Detect objects in an image (8-bit, 1, 3 or 4 channels): boxes in its pixels, best first. */
export function detect(detector: YoloDetector, image: RawImage, options: DetectOptions = {}): DetectedBox[] {
  checkRawImage(image, 'detect');
  const { conf = 0.25, iou = 0.45, size = detector.defaultSize, maxDetections = 300, clip = true, overlap = 0.2 } = options;
  checkFraction(conf, 'conf', 0, 1);
  checkFraction(iou, 'iou', 0, 1);
  checkFraction(overlap, 'overlap', 0, 0.9);
  if (!(Number.isInteger(size) && size > 0 && size % detector.stride === 0)) {
    throw new Error(`detect: size must be a positive multiple of the detector's stride ${detector.stride}, got ${size}`);
  }
  if (!(Number.isInteger(maxDetections) && maxDetections >= 0)) throw new Error(`detect: maxDetections must be a non-negative integer, got ${maxDetections}`);
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
    add(candidates(detector, image, size, conf), 0, 0);
  } else {
    const tile = options.tile;
    if (!(Number.isInteger(tile) && tile > 0)) throw new Error(`detect: tile must be a positive integer (pixels), got ${tile}`);
    // The whole image too, so that objects larger than a tile are still found whole.
    add(candidates(detector, image, size, conf), 0, 0);
    for (const [x, y] of tileOrigins(image.width, image.height, tile, overlap)) {
      add(candidates(detector, cropImage(image, x, y, tile, tile), size, conf), x, y);
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
