// The modern (YOLOv5-like) loss on one scale as a single op, as region-loss.ts does for Darknet's: one
// float64 pass over the raw head output gives the terms and their gradient with respect to the raw values.
//   box        sum over assigned anchors of 1 - overlap(decoded box, object) (CIoU by default), / assigned
//   objectness BCE with logits of every anchor towards max(overlap, 0) on assigned anchors, 0 elsewhere
//              (the target is a constant of the gradient), mean over all anchors
//   classes    BCE with logits on assigned anchors, / (assigned x classes)
//   landmarks  0.5 mask (predicted - target)^2 / assigned
// assigned: the number of responsible anchors (at least 1). Weighted by `weights` and landmarkScale.
import type { Tensor } from '../tensor/tensor.js';
import { type LossTerms, MAX_LOG_SCALE, recordLoss, sigmoid, landmarkError } from './fused-loss.js';
import { boxOverlap } from './box-overlap-gradient.js';
import type { IouKind } from './iou.js';
import type { YoloScale } from './yolo-decode.js';
import type { YoloTargets } from './yolo-targets.js';

export interface ModernLossSettings {
  numClasses: number;
  numLandmarks: number;
  boxKind: IouKind;
  weights: { box: number; objectness: number; classes: number };
  landmarkScale: number;
}


/** BCE with logits of one value: max(z, 0) - z y + log(1 + e^-|z|). */
const bce = (z: number, y: number) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));

/** The modern loss of one scale's raw head output [N, H, W, B * D]: the weighted total (recorded for backward on `raw`) and each term. */
export function modernLoss(raw: Tensor, scale: YoloScale, t: YoloTargets, o: ModernLossSettings): { loss: Tensor; terms: LossTerms } {
  const [n, h, w] = raw.shape;
  const b = scale.anchors.length;
  const c = o.numClasses;
  const l = o.numLandmarks;
  const d = 5 + c + 2 * l;
  const cells = n * h * w * b;
  const x = raw.data;
  const responsible = t.responsible.data, boxes = t.boxes.data, classes = t.classes.data;
  const landmarks = t.landmarks?.data, landmarkMask = t.landmarkMask?.data;
  let assigned = 0;
  for (let cell = 0; cell < cells; cell++) assigned += responsible[cell];
  assigned = Math.max(1, assigned);
  const grad = new Float64Array(raw.size);
  const sums = { box: 0, objectness: 0, classes: 0, landmarks: 0 };
  const kBox = -o.weights.box / assigned, kObject = o.weights.objectness / cells, kClass = o.weights.classes / (assigned * c);
  for (let cell = 0; cell < cells; cell++) {
    const at = cell * d;
    const r = responsible[cell];
    let objectTarget = 0;
    if (r !== 0) {
      const anchor = cell % b, gx = Math.floor(cell / b) % w, gy = Math.floor(cell / (b * w)) % h;
      const sx = sigmoid(x[at]), sy = sigmoid(x[at + 1]);
      const tw = Math.min(x[at + 2], MAX_LOG_SCALE), th = Math.min(x[at + 3], MAX_LOG_SCALE);
      const pw = (scale.anchors[anchor][0] * Math.exp(tw)) / w, ph = (scale.anchors[anchor][1] * Math.exp(th)) / h;
      const overlap = boxOverlap(o.boxKind, (gx + sx) / w, (gy + sy) / h, pw, ph, boxes[4 * cell], boxes[4 * cell + 1], boxes[4 * cell + 2], boxes[4 * cell + 3]);
      sums.box += r * (1 - overlap.value);
      objectTarget = Math.max(overlap.value, 0) * r;
      const k = kBox * r;
      grad[at] += k * overlap.grad[0] * (sx * (1 - sx)) / w;
      grad[at + 1] += k * overlap.grad[1] * (sy * (1 - sy)) / h;
      if (x[at + 2] <= MAX_LOG_SCALE) grad[at + 2] += k * overlap.grad[2] * pw;
      if (x[at + 3] <= MAX_LOG_SCALE) grad[at + 3] += k * overlap.grad[3] * ph;
      for (let j = 0; j < c; j++) {
        const z = x[at + 5 + j], y = classes[cell * c + j];
        sums.classes += r * bce(z, y);
        grad[at + 5 + j] += kClass * r * (sigmoid(z) - y);
      }
    }
    const z = x[at + 4];
    sums.objectness += bce(z, objectTarget);
    grad[at + 4] += kObject * (sigmoid(z) - objectTarget);
    if (landmarks && landmarkMask) {
      sums.landmarks += landmarkError(x, at, 5 + c, landmarks, landmarkMask, cell, l, o.landmarkScale / assigned, grad);
    }
  }
  const terms: LossTerms = {
    box: sums.box / assigned,
    objectness: sums.objectness / cells,
    noObject: 0,
    classes: sums.classes / (assigned * c),
    landmarks: (0.5 * sums.landmarks) / assigned,
  };
  const loss = recordLoss('modernLoss', raw, o.weights.box * terms.box + o.weights.objectness * terms.objectness + o.weights.classes * terms.classes + o.landmarkScale * terms.landmarks, grad);
  return { loss, terms };
}
