// Darknet's region loss (YOLOv2) on one scale as a single op: one pass over the raw head output computes
// every term and, alongside, its gradient with respect to the raw values, in float64. Each term is a sum of
// functions of one anchor's own raw numbers (the rescore IoU and the ignore mask are constants of the
// gradient, as in Darknet), so the gradient needs no graph. As ~40 composed tensor ops plus an IoU matrix
// per image it cost about half of a TinyYolo training step (see docs/architecture.md, "detector speed").
// The terms, for an anchor's raw tx, ty, tw, th, to and class scores, scaled per image (divided by N):
//   box        0.5 coordScale r (2 - w h) ((s(tx) - x)^2 + (s(ty) - y)^2 + (tw - w')^2 + (th - h')^2)
//              + during the warm-up 0.5 0.01 (1 - r) ((s(tx) - 0.5)^2 + (s(ty) - 0.5)^2 + tw^2 + th^2)
//   objectness 0.5 objectScale r (target - s(to))^2, target the prediction's IoU with its object (rescore) or 1
//   noObject   0.5 noObjectScale (1 - r) [best IoU with the image's objects <= ignoreThreshold] s(to)^2
//   classes    classScale r (softmax cross-entropy, or the sum of per-class BCE with logits)
//   landmarks  0.5 mask (predicted - target)^2 (weighted by landmarkScale in the total)
// r: 1 where the anchor is responsible for an object (yolo-targets.ts), s: the sigmoid.
import type { Tensor } from '../tensor/tensor.js';
import { type LossTerms, MAX_LOG_SCALE, recordLoss, sigmoid, landmarkError } from './fused-loss.js';
import type { YoloScale } from './yolo-decode.js';
import type { YoloTargets } from './yolo-targets.js';

export interface RegionLossSettings {
  numClasses: number;
  numLandmarks: number;
  classActivation: 'softmax' | 'sigmoid';
  objectScale: number;
  noObjectScale: number;
  coordScale: number;
  classScale: number;
  ignoreThreshold: number;
  rescore: boolean;
  /** Pull unassigned anchors to their priors (the warm-up is on). */
  priorPull: boolean;
  landmarkScale: number;
}




/** IoU of two normalised cxcywh boxes, as iou() computes it (0 where the union is empty). */
function boxIou(ax: number, ay: number, aw: number, ah: number, bx: number, by: number, bw: number, bh: number): number {
  const ax1 = ax - aw * 0.5, ax2 = ax + aw * 0.5, ay1 = ay - ah * 0.5, ay2 = ay + ah * 0.5;
  const bx1 = bx - bw * 0.5, bx2 = bx + bw * 0.5, by1 = by - bh * 0.5, by2 = by + bh * 0.5;
  const inter = Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0) * Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0);
  const union = Math.max(ax2 - ax1, 0) * Math.max(ay2 - ay1, 0) + Math.max(bx2 - bx1, 0) * Math.max(by2 - by1, 0) - inter;
  return union === 0 ? inter : inter / union;
}

/** The largest IoU of a box with any of an image's objects (0 without objects). */
function bestIou(x: number, y: number, w: number, h: number, objects: number[][]): number {
  let best = 0;
  for (const box of objects) best = Math.max(best, boxIou(x, y, w, h, box[0], box[1], box[2], box[3]));
  return best;
}

/**
 * The region loss of one scale's raw head output [N, H, W, B * D] against its encoded targets: the total
 * (per image, recorded for backward on `raw`) and each term as a number.
 */
export function regionLoss(raw: Tensor, scale: YoloScale, t: YoloTargets, boxesPerImage: number[][][], o: RegionLossSettings): { loss: Tensor; terms: LossTerms } {
  const [n, h, w] = raw.shape;
  const b = scale.anchors.length;
  const c = o.numClasses;
  const l = o.numLandmarks;
  const d = 5 + c + 2 * l;
  const x = raw.data;
  const grad = new Float64Array(raw.size);
  const responsible = t.responsible.data, offsets = t.offsets.data, boxes = t.boxes.data, boxWeight = t.boxWeight.data, classes = t.classes.data;
  const landmarks = t.landmarks?.data, landmarkMask = t.landmarkMask?.data;
  const sums = { box: 0, prior: 0, objectness: 0, noObject: 0, classes: 0, landmarks: 0 };
  const probabilities = new Float64Array(c);
  for (let cell = 0; cell < n * h * w * b; cell++) {
    const at = cell * d;
    const anchor = cell % b, gx = Math.floor(cell / b) % w, gy = Math.floor(cell / (b * w)) % h, image = Math.floor(cell / (b * w * h));
    const sx = sigmoid(x[at]), sy = sigmoid(x[at + 1]), tw = x[at + 2], th = x[at + 3], so = sigmoid(x[at + 4]);
    const r = responsible[cell];
    const px = (gx + sx) / w, py = (gy + sy) / h;
    const pw = (scale.anchors[anchor][0] * Math.exp(Math.min(tw, MAX_LOG_SCALE))) / w;
    const ph = (scale.anchors[anchor][1] * Math.exp(Math.min(th, MAX_LOG_SCALE))) / h;
    const dso = so * (1 - so);
    if (r === 0) {
      if (!(bestIou(px, py, pw, ph, boxesPerImage[image]) > o.ignoreThreshold)) {
        sums.noObject += so * so;
        grad[at + 4] += ((o.noObjectScale / n) * so) * dso;
      }
      if (o.priorPull) {
        sums.prior += (sx - 0.5) ** 2 + (sy - 0.5) ** 2 + tw * tw + th * th;
        const k = 0.01 / n;
        grad[at] += k * (sx - 0.5) * sx * (1 - sx);
        grad[at + 1] += k * (sy - 0.5) * sy * (1 - sy);
        grad[at + 2] += k * tw;
        grad[at + 3] += k * th;
      }
    } else {
      const target = o.rescore ? boxIou(px, py, pw, ph, boxes[4 * cell], boxes[4 * cell + 1], boxes[4 * cell + 2], boxes[4 * cell + 3]) : 1;
      sums.objectness += r * (target - so) ** 2;
      grad[at + 4] -= ((o.objectScale / n) * r * (target - so)) * dso;
      const weight = r * boxWeight[cell];
      const ex = sx - offsets[4 * cell], ey = sy - offsets[4 * cell + 1], ew = tw - offsets[4 * cell + 2], eh = th - offsets[4 * cell + 3];
      sums.box += weight * (ex * ex + ey * ey + ew * ew + eh * eh);
      const k = (o.coordScale / n) * weight;
      grad[at] += k * ex * sx * (1 - sx);
      grad[at + 1] += k * ey * sy * (1 - sy);
      grad[at + 2] += k * ew;
      grad[at + 3] += k * eh;
      const kc = (o.classScale / n) * r;
      if (o.classActivation === 'softmax') {
        let max = -Infinity;
        for (let j = 0; j < c; j++) max = Math.max(max, x[at + 5 + j]);
        let total = 0;
        for (let j = 0; j < c; j++) total += (probabilities[j] = Math.exp(x[at + 5 + j] - max));
        const logTotal = Math.log(total);
        let labels = 0;
        for (let j = 0; j < c; j++) {
          const y = classes[cell * c + j];
          sums.classes -= r * y * (x[at + 5 + j] - max - logTotal);
          labels += y;
        }
        for (let j = 0; j < c; j++) grad[at + 5 + j] += kc * ((probabilities[j] / total) * labels - classes[cell * c + j]);
      } else {
        for (let j = 0; j < c; j++) {
          const z = x[at + 5 + j], y = classes[cell * c + j];
          sums.classes += r * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
          grad[at + 5 + j] += kc * (sigmoid(z) - y);
        }
      }
    }
    if (landmarks && landmarkMask) {
      sums.landmarks += landmarkError(x, at, 5 + c, landmarks, landmarkMask, cell, l, o.landmarkScale / n, grad);
    }
  }
  const terms: LossTerms = {
    box: (0.5 * o.coordScale * sums.box + 0.5 * 0.01 * sums.prior) / n,
    objectness: (0.5 * o.objectScale * sums.objectness) / n,
    noObject: (0.5 * o.noObjectScale * sums.noObject) / n,
    classes: (o.classScale * sums.classes) / n,
    landmarks: (0.5 * sums.landmarks) / n,
  };
  const loss = recordLoss('regionLoss', raw, terms.box + terms.objectness + terms.noObject + terms.classes + o.landmarkScale * terms.landmarks, grad);
  return { loss, terms };
}
