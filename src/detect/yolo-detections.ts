// From a YOLO head's raw output to each image's final detections: decode, score every box as objectness x
// its best class probability (one class per box, as Ultralytics' predict), drop boxes under the confidence
// threshold, then class-aware greedy NMS. Boxes stay in normalised coordinates of the network input (xyxy),
// so mAP can be computed against labels in the same frame; mapping back to an image's own pixels (undoing
// a letterbox) is the caller's step.
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { decodeYolo, type YoloScale, type YoloSpec } from './yolo-decode.js';
import { nms } from './nms.js';

export interface YoloDetectionOptions {
  /** Boxes scoring at or below this are dropped before NMS (default 0.25, Ultralytics' predict; use 0.001 for mAP). */
  conf?: number;
  /** NMS IoU threshold (default 0.45). */
  iou?: number;
  /** Detections kept per image, best first (default 300). */
  maxDetections?: number;
}

export interface YoloImageDetections {
  /** Normalised [x1, y1, x2, y2] per detection, best score first. */
  boxes: number[][];
  scores: number[];
  classes: number[];
}

function checkOptions(options: YoloDetectionOptions): Required<YoloDetectionOptions> {
  const { conf = 0.25, iou = 0.45, maxDetections = 300 } = options;
  if (!(conf >= 0 && conf < 1)) throw new Error(`yoloDetections: conf must be in [0, 1), got ${conf}`);
  if (!(iou >= 0 && iou <= 1)) throw new Error(`yoloDetections: iou must be in [0, 1], got ${iou}`);
  if (!(Number.isInteger(maxDetections) && maxDetections > 0)) throw new Error(`yoloDetections: maxDetections must be a positive integer, got ${maxDetections}`);
  return { conf, iou, maxDetections };
}

/** Each image's detections from one scale's raw head output [N, H, W, B * D]. */
export function yoloDetections(raw: Tensor, scale: YoloScale, spec: YoloSpec, options: YoloDetectionOptions = {}): YoloImageDetections[] {
  const { conf, iou, maxDetections } = checkOptions(options);
  const decoded = noGrad(() => decodeYolo(raw, scale, spec));
  const [n, cells, numClasses] = decoded.classProbs.shape;
  const boxes = decoded.boxes.data;
  const objectness = decoded.objectness.data;
  const probs = decoded.classProbs.data;
  const out: YoloImageDetections[] = [];
  for (let i = 0; i < n; i++) {
    const candidates: number[][] = [];
    const scores: number[] = [];
    const classes: number[] = [];
    for (let c = 0; c < cells; c++) {
      const at = (i * cells + c) * numClasses;
      let best = 0;
      for (let k = 1; k < numClasses; k++) if (probs[at + k] > probs[at + best]) best = k;
      const score = objectness[i * cells + c] * probs[at + best];
      if (!(score > conf)) continue;
      const [cx, cy, w, h] = boxes.subarray((i * cells + c) * 4, (i * cells + c) * 4 + 4);
      candidates.push([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]);
      scores.push(score);
      classes.push(best);
    }
    const kept = nms(candidates, scores, { iouThreshold: iou, classes, maxDetections });
    out.push({ boxes: kept.map((k) => candidates[k]), scores: kept.map((k) => scores[k]), classes: kept.map((k) => classes[k]) });
  }
  return out;
}
