// The YOLO losses written as composed tensor ops (what src/detect/yolo-loss.ts computed before each became
// one op, region-loss.ts and modern-loss.ts): independent implementations for the tests, whose gradients
// come from the ops' own backward rules. They take the per-anchor view [N, H, W, B, D] and the targets.
import { Tensor } from '../../src/index.js';
import { clamp } from '../../src/ops/arithmetic.js';
import { logSoftmax, sigmoid } from '../../src/ops/activation.js';
import { narrow } from '../../src/ops/movement.js';
import { binaryCrossEntropyWithLogits } from '../../src/ops/loss-binary.js';
import { iou, pairedIou } from '../../src/detect/iou.js';
import { decodeBoxes, type YoloScale } from '../../src/detect/yolo-decode.js';
import type { YoloTargets } from '../../src/detect/yolo-targets.js';
import type { RegionLossSettings } from '../../src/detect/region-loss.js';
import type { ModernLossSettings } from '../../src/detect/modern-loss.js';

/** Per prediction, the best IoU with any object of its image (detached): [N, H, W, B]. */
function bestOverlap(predicted: Tensor, boxesPerImage: number[][][]): Tensor {
  const [n, h, w, b] = predicted.shape;
  const per = h * w * b;
  const best = new Float64Array(n * per);
  for (let i = 0; i < n; i++) {
    const objects = boxesPerImage[i];
    if (objects.length === 0) continue;
    const d = iou(predicted.narrow(0, i, 1).reshape([per, 4]), objects, { format: 'cxcywh' }).data;
    for (let p = 0; p < per; p++) {
      let m = 0;
      for (let k = 0; k < objects.length; k++) m = Math.max(m, d[p * objects.length + k]);
      best[i * per + p] = m;
    }
  }
  return new Tensor(best, [n, h, w, b]).to(predicted.dtype);
}

/** The region loss's terms as tensors, and their total (landmarks weighted by landmarkScale). */
export function regionLossByOps(view: Tensor, scale: YoloScale, t: YoloTargets, boxesPerImage: number[][][], o: RegionLossSettings): Record<'box' | 'objectness' | 'noObject' | 'classes' | 'landmarks' | 'total', Tensor> {
  const [n, h, w, b] = view.shape;
  const cast = (x: Tensor) => x.to(view.dtype);
  const responsible = cast(t.responsible);
  const xy = sigmoid(narrow(view, 4, 0, 2));
  const wh = narrow(view, 4, 2, 2);
  const objectness = sigmoid(narrow(view, 4, 4, 1)).reshape([n, h, w, b]);
  const predicted = decodeBoxes(view.detach(), scale);
  const others = responsible.mul(-1).add(1);
  const ignore = bestOverlap(predicted, boxesPerImage).gt(o.ignoreThreshold).to(view.dtype);
  const noObject = objectness.square().mul(others.mul(ignore.mul(-1).add(1))).sum().mul((0.5 * o.noObjectScale) / n);
  const target = o.rescore ? pairedIou(predicted, cast(t.boxes), { format: 'cxcywh' }) : responsible;
  const objectTerm = target.sub(objectness).square().mul(responsible).sum().mul((0.5 * o.objectScale) / n);
  const offsets = cast(t.offsets);
  const offsetError = xy.sub(narrow(offsets, 4, 0, 2)).square().add(wh.sub(narrow(offsets, 4, 2, 2)).square()).sum(4);
  let box = offsetError.mul(responsible.mul(cast(t.boxWeight))).sum().mul((0.5 * o.coordScale) / n);
  if (o.priorPull) box = box.add(xy.sub(0.5).square().add(wh.square()).sum(4).mul(others).sum().mul((0.5 * 0.01) / n));
  const logits = narrow(view, 4, 5, o.numClasses);
  const classTargets = cast(t.classes);
  const perAnchor = o.classActivation === 'softmax'
    ? logSoftmax(logits, -1).mul(classTargets).sum(4).neg()
    : binaryCrossEntropyWithLogits(logits, classTargets, { reduction: 'none' }).sum(4);
  const classes = perAnchor.mul(responsible).sum().mul(o.classScale / n);
  let landmarks = new Tensor(new Float64Array(1), []).to(view.dtype);
  if (o.numLandmarks > 0 && t.landmarks && t.landmarkMask) {
    const predictedPoints = narrow(view, 4, 5 + o.numClasses, 2 * o.numLandmarks);
    landmarks = predictedPoints.sub(cast(t.landmarks)).square().mul(cast(t.landmarkMask)).sum().mul(0.5 / n);
  }
  const total = box.add(objectTerm).add(noObject).add(classes).add(landmarks.mul(o.landmarkScale));
  return { box, objectness: objectTerm, noObject, classes, landmarks, total };
}

/** The modern loss's terms as tensors, and their weighted total. */
export function modernLossByOps(view: Tensor, scale: YoloScale, t: YoloTargets, o: ModernLossSettings): Record<'box' | 'objectness' | 'classes' | 'landmarks' | 'total', Tensor> {
  const cast = (x: Tensor) => x.to(view.dtype);
  const responsible = cast(t.responsible);
  const assigned = Math.max(1, responsible.sum().item());
  const overlap = pairedIou(decodeBoxes(view, scale), cast(t.boxes), { format: 'cxcywh', kind: o.boxKind });
  const box = overlap.mul(-1).add(1).mul(responsible).sum().div(assigned);
  const objectTarget = clamp(overlap.detach(), 0, null).mul(responsible);
  const objectness = binaryCrossEntropyWithLogits(narrow(view, 4, 4, 1).reshape(responsible.shape), objectTarget);
  const logits = narrow(view, 4, 5, o.numClasses);
  const classes = binaryCrossEntropyWithLogits(logits, cast(t.classes), { reduction: 'none' }).sum(4).mul(responsible).sum().div(assigned * o.numClasses);
  let landmarks = new Tensor(new Float64Array(1), []).to(view.dtype);
  if (o.numLandmarks > 0 && t.landmarks && t.landmarkMask) {
    const predictedPoints = narrow(view, 4, 5 + o.numClasses, 2 * o.numLandmarks);
    landmarks = predictedPoints.sub(cast(t.landmarks)).square().mul(cast(t.landmarkMask)).sum().mul(0.5 / assigned);
  }
  const w = o.weights;
  const total = box.mul(w.box).add(objectness.mul(w.objectness)).add(classes.mul(w.classes)).add(landmarks.mul(o.landmarkScale));
  return { box, objectness, classes, landmarks, total };
}
