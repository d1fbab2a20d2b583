// Detection metrics with COCO's rules (pycocotools' COCOeval, crowd-free, area 'all'): per class, each image's
// detections sorted by score (ties keep their input order) and cut to maxDetections; at each IoU threshold
// 0.50:0.05:0.95 a detection takes the unmatched ground truth it overlaps most, if that IoU reaches the
// threshold, else it is a false positive (so a duplicate of a matched object is a false positive). The class's
// detections from all images are then ranked by score (ties: earlier image first), precision is made
// monotone (the envelope) and read at the 101 recall points 0, 0.01, ..., 1; AP is their mean. A class with
// ground truth and no detections has AP 0; a class with no ground truth is left out of every mean (COCO's -1).
// Plain float64 numbers: evaluation is not differentiated.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { checkFormat, type BoxFormat } from './boxes.js';

type Boxes = Tensor | readonly (readonly number[])[];
type Numbers = Tensor | ArrayLike<number>;

export interface ImageDetections {
  boxes: Boxes;
  scores: Numbers;
  classes: Numbers;
}

export interface ImageGroundTruth {
  boxes: Boxes;
  classes: Numbers;
}

export interface MeanAveragePrecisionOptions {
  /** Box format of both detections and ground truth (default 'xyxy'); any unit, the same for both. */
  format?: BoxFormat;
  /** Class names; label i names class i (default: the class id as text). Class ids must then be < labels.length. */
  labels?: readonly string[];
  /** Detections kept per image and class, best first (default 100, COCO's maxDets). */
  maxDetections?: number;
}

export interface ClassAveragePrecision {
  classId: number;
  label: string;
  /** AP at IoU 0.5. */
  ap50: number;
  /** AP averaged over IoU 0.50:0.05:0.95. */
  ap50_95: number;
  /** Ground-truth objects of this class. */
  instances: number;
  /** Precision and recall at IoU 0.5 at the chosen confidence (see MeanAveragePrecision.confidence). */
  precision: number;
  recall: number;
}

export interface MeanAveragePrecision {
  mAP50: number;
  mAP50_95: number;
  /** The classes with ground truth, by class id. */
  perClass: ClassAveragePrecision[];
  /** Mean over classes, at IoU 0.5, counting detections scoring >= confidence. */
  precision: number;
  recall: number;
  /** The detection score that maximises the mean F1 over classes at IoU 0.5 (every score is tried); 0 when nothing matches. */
  confidence: number;
  images: number;
  instances: number;
  /** Precision-recall curves at IoU 0.5: COCO's interpolated precision at each recall point, one row per perClass entry. */
  curve: { recall: number[]; precision: number[][] };
}

/** COCO's IoU thresholds, np.linspace(0.5, 0.95, 10), computed as numpy does (start + i * step). */
export const COCO_IOU_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => 0.5 + i * ((0.95 - 0.5) / 9));
/** COCO's recall points, np.linspace(0, 1, 101). */
export const COCO_RECALL_POINTS: readonly number[] = Array.from({ length: 101 }, (_, i) => i * 0.01);

const FN = 'meanAveragePrecision';

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function toNumbers(values: Numbers, n: number, what: string, where: string): ArrayLike<number> {
  const data = values instanceof Tensor ? values.data : values;
  if (values instanceof Tensor && values.ndim > 1) throw new Error(`${FN}: ${where}: ${what} must be a vector, got ${formatShape(values.shape)}`);
  if (data.length !== n) throw new Error(`${FN}: ${where}: ${data.length} ${what} for ${n} boxes; give one per box`);
  return data;
}

function toBoxes(boxes: Boxes, format: BoxFormat, where: string): Box[] {
  const rows: ArrayLike<number>[] = [];
  if (boxes instanceof Tensor) {
    if (!(boxes.ndim === 2 && boxes.shape[1] === 4) && boxes.size !== 0) throw new Error(`${FN}: ${where}: boxes must be [N, 4], got ${formatShape(boxes.shape)}`);
    for (let i = 0; i < boxes.size / 4; i++) rows.push(boxes.data.subarray(4 * i, 4 * i + 4));
  } else {
    boxes.forEach((row, i) => {
      if (row.length !== 4) throw new Error(`${FN}: ${where}: box ${i} has ${row.length} numbers; a box has 4`);
      rows.push(row);
    });
  }
  return rows.map((r, i) => {
    let [a, b, c, d] = [r[0], r[1], r[2], r[3]];
    if (![a, b, c, d].every(Number.isFinite)) throw new Error(`${FN}: ${where}: box ${i} has a non-finite coordinate: [${a}, ${b}, ${c}, ${d}]`);
    if (format === 'xywh') [c, d] = [a + c, b + d];
    else if (format === 'cxcywh') [a, b, c, d] = [a - c / 2, b - d / 2, a + c / 2, b + d / 2];
    return { x1: Math.min(a, c), y1: Math.min(b, d), x2: Math.max(a, c), y2: Math.max(b, d) };
  });
}

function boxIou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

function classIds(values: Numbers, n: number, where: string, numClasses: number | undefined): Int32Array {
  const data = toNumbers(values, n, 'class ids', where);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = data[i];
    if (!(Number.isInteger(c) && c >= 0 && (numClasses === undefined || c < numClasses))) {
      const valid = numClasses === undefined ? 'a non-negative integer' : `an integer in 0..${numClasses - 1} (${numClasses} labels)`;
      throw new Error(`${FN}: ${where}: box ${i} has class ${c}; a class id is ${valid}`);
    }
    out[i] = c;
  }
  return out;
}

/** One detection of a class, ranked: its score and, per IoU threshold, whether it matched. */
interface RankedDetection {
  score: number;
  image: number;
  matched: boolean[];
}

/** Greedy COCO matching of one image's detections of one class (already sorted, cut) to its ground truth. */
function matchImage(dets: { box: Box; score: number }[], truths: Box[], image: number, out: RankedDetection[]): void {
  const ious = dets.map((d) => truths.map((g) => boxIou(d.box, g)));
  const ranked = dets.map((d) => ({ score: d.score, image, matched: new Array<boolean>(COCO_IOU_THRESHOLDS.length).fill(false) }));
  COCO_IOU_THRESHOLDS.forEach((threshold, t) => {
    const taken = new Array<boolean>(truths.length).fill(false);
    dets.forEach((_, d) => {
      // As pycocotools: the best IoU at or above the threshold (capped below 1) among unmatched truths; the later truth wins a tie.
      let best = Math.min(threshold, 1 - 1e-10);
      let match = -1;
      truths.forEach((_, g) => {
        if (taken[g] || ious[d][g] < best) return;
        best = ious[d][g];
        match = g;
      });
      if (match >= 0) {
        taken[match] = true;
        ranked[d].matched[t] = true;
      }
    });
  });
  out.push(...ranked);
}

/** COCO's 101-point interpolated precision of ranked detections (true-positive flags) for `truths` objects. */
function interpolatedPrecision(truePositive: boolean[], truths: number): number[] {
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  truePositive.forEach((hit, i) => {
    if (hit) tp++;
    precision.push(tp / (i + 1));
    recall.push(tp / truths);
  });
  for (let i = precision.length - 1; i > 0; i--) precision[i - 1] = Math.max(precision[i - 1], precision[i]);
  // np.searchsorted(recall, point, 'left'): the first rank whose recall reaches the point; none: precision 0.
  let rank = 0;
  return COCO_RECALL_POINTS.map((point) => {
    while (rank < recall.length && recall[rank] < point) rank++;
    return rank < precision.length ? precision[rank] : 0;
  });
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * mAP50, mAP50-95, per-class AP and the precision-recall curves of detections against ground truth, image by
 * image (detections[i] and groundTruth[i] are image i's), with COCO's rules (see the file header). With no
 * ground truth at all every mean is 0 (as Ultralytics reports), not COCO's -1.
 */
export function meanAveragePrecision(
  detections: readonly ImageDetections[],
  groundTruth: readonly ImageGroundTruth[],
  options: MeanAveragePrecisionOptions = {},
): MeanAveragePrecision {
  const { labels, maxDetections = 100 } = options;
  const format = checkFormat(options.format ?? 'xyxy', FN);
  if (detections.length !== groundTruth.length) {
    throw new Error(`${FN}: ${detections.length} images of detections but ${groundTruth.length} of ground truth; give both for every image, in the same order`);
  }
  if (!(Number.isInteger(maxDetections) && maxDetections > 0)) throw new Error(`${FN}: maxDetections must be a positive integer, got ${maxDetections}`);
  if (labels && labels.length === 0) throw new Error(`${FN}: labels must name at least one class, got []`);
  const numClasses = labels?.length;

  // Per class: ground-truth boxes per image, and the ranked detections with their matches.
  const truthsByClass = new Map<number, Map<number, Box[]>>();
  const detsByClass = new Map<number, Map<number, { box: Box; score: number }[]>>();
  const push = <T>(map: Map<number, Map<number, T[]>>, cls: number, image: number, item: T): void => {
    const byImage = map.get(cls) ?? map.set(cls, new Map()).get(cls)!;
    (byImage.get(image) ?? byImage.set(image, []).get(image)!).push(item);
  };
  let instances = 0;
  groundTruth.forEach((gt, image) => {
    const where = `ground truth of image ${image}`;
    const boxes = toBoxes(gt.boxes, format, where);
    const classes = classIds(gt.classes, boxes.length, where, numClasses);
    boxes.forEach((box, i) => push(truthsByClass, classes[i], image, box));
    instances += boxes.length;
  });
  detections.forEach((det, image) => {
    const where = `detections of image ${image}`;
    const boxes = toBoxes(det.boxes, format, where);
    const classes = classIds(det.classes, boxes.length, where, numClasses);
    const scores = toNumbers(det.scores, boxes.length, 'scores', where);
    boxes.forEach((box, i) => {
      if (!Number.isFinite(scores[i])) throw new Error(`${FN}: ${where}: box ${i} has score ${scores[i]}; scores must be finite`);
      push(detsByClass, classes[i], image, { box, score: scores[i] });
    });
  });

  const evaluated = [...truthsByClass.keys()].sort((a, b) => a - b).map((classId) => {
    const truths = truthsByClass.get(classId)!;
    const ranked: RankedDetection[] = [];
    for (let image = 0; image < groundTruth.length; image++) {
      // Array.prototype.sort is stable: equal scores keep their input order (pycocotools' mergesort).
      const dets = (detsByClass.get(classId)?.get(image) ?? []).slice().sort((a, b) => b.score - a.score).slice(0, maxDetections);
      matchImage(dets, truths.get(image) ?? [], image, ranked);
    }
    ranked.sort((a, b) => b.score - a.score); // stable: ties keep image order
    const count = [...truths.values()].reduce((n, boxes) => n + boxes.length, 0);
    const curves = COCO_IOU_THRESHOLDS.map((_, t) => interpolatedPrecision(ranked.map((d) => d.matched[t]), count));
    return { classId, count, ranked, curves, ap: curves.map(mean) };
  });

  // Precision and recall at the single confidence with the best mean F1 (at IoU 0.5), trying every score from
  // the highest down; each class's ranked list is walked once.
  const scores = [...new Set(evaluated.flatMap((c) => c.ranked.map((d) => d.score)))].sort((a, b) => b - a);
  const kept = evaluated.map(() => 0);
  const hits = evaluated.map(() => 0);
  const rates = (): { precision: number; recall: number }[] =>
    evaluated.map((c, k) => ({ precision: kept[k] === 0 ? 0 : hits[k] / kept[k], recall: hits[k] / c.count }));
  let confidence = 0;
  let best = rates();
  let bestF1 = 0;
  for (const score of scores) {
    evaluated.forEach(({ ranked }, k) => {
      for (; kept[k] < ranked.length && ranked[kept[k]].score >= score; kept[k]++) if (ranked[kept[k]].matched[0]) hits[k]++;
    });
    const pr = rates();
    const f1 = mean(pr.map(({ precision: p, recall: r }) => (p + r === 0 ? 0 : (2 * p * r) / (p + r))));
    if (f1 > bestF1) [confidence, best, bestF1] = [score, pr, f1];
  }

  const perClass: ClassAveragePrecision[] = evaluated.map((c, k) => ({
    classId: c.classId,
    label: labels?.[c.classId] ?? String(c.classId),
    ap50: c.ap[0],
    ap50_95: mean(c.ap),
    instances: c.count,
    precision: best[k].precision,
    recall: best[k].recall,
  }));
  return {
    mAP50: mean(perClass.map((c) => c.ap50)),
    mAP50_95: mean(perClass.map((c) => c.ap50_95)),
    perClass,
    precision: mean(best.map((b) => b.precision)),
    recall: mean(best.map((b) => b.recall)),
    confidence,
    images: groundTruth.length,
    instances,
    curve: { recall: [...COCO_RECALL_POINTS], precision: evaluated.map((c) => c.curves[0]) },
  };
}
