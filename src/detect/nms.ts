// Non-max suppression: of boxes that overlap by more than a threshold, keep the best-scoring one. Greedy NMS
// (as torchvision.ops.nms and ONNX NonMaxSuppression), per class or class-agnostic, and soft-NMS (Bodla et
// al. 2017), which lowers the scores of overlapping boxes instead of removing them. Post-processing, not
// differentiable: it works on plain numbers in float64.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { asBoxes, checkFormat, type BoxFormat } from './boxes.js';

export interface SoftNmsOptions {
  /** 'gaussian': score * exp(-iou^2 / sigma); 'linear': score * (1 - iou) where iou > iouThreshold. */
  method?: 'gaussian' | 'linear';
  /** Width of the Gaussian decay (default 0.5, the paper's). */
  sigma?: number;
}

export interface NmsOptions {
  /** A box is suppressed by a better one when their IoU is above this (default 0.45). */
  iouThreshold?: number;
  /** Only boxes scoring above this take part (default: all). */
  scoreThreshold?: number;
  /** Keep at most this many (default: no limit). */
  maxDetections?: number;
  /** A class id per box: boxes suppress only boxes of their own class. Omitted: class-agnostic. */
  classes?: Tensor | ArrayLike<number>;
  /** Box format (default 'xyxy'). Corners given in either order are accepted, as ONNX does. */
  format?: BoxFormat;
  /** Soft-NMS instead of removal (scores then decay; scoreThreshold drops the boxes that fall to it). */
  soft?: SoftNmsOptions;
}

export interface SoftNmsResult {
  /** Kept boxes, highest (decayed) score first. */
  indices: number[];
  /** Their decayed scores, in the same order. */
  scores: number[];
}

type Boxes = Tensor | readonly (readonly number[])[];

/** Corner arrays x1 <= x2, y1 <= y2 and areas, in float64. */
interface Corners {
  x1: Float64Array;
  y1: Float64Array;
  x2: Float64Array;
  y2: Float64Array;
  area: Float64Array;
}

function toCorners(boxes: Boxes, format: BoxFormat, fn: string): Corners {
  const t = asBoxes(boxes, fn);
  if (t.ndim !== 2) throw new Error(`${fn}: boxes must be [N, 4], got ${formatShape(t.shape)}`);
  const n = t.shape[0];
  const d = t.data;
  const c: Corners = { x1: new Float64Array(n), y1: new Float64Array(n), x2: new Float64Array(n), y2: new Float64Array(n), area: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    let a = d[4 * i], b = d[4 * i + 1], e = d[4 * i + 2], f = d[4 * i + 3];
    if (![a, b, e, f].every(Number.isFinite)) throw new Error(`${fn}: box ${i} has a non-finite coordinate: [${a}, ${b}, ${e}, ${f}]`);
    if (format === 'xywh') [e, f] = [a + e, b + f];
    else if (format === 'cxcywh') [a, b, e, f] = [a - e / 2, b - f / 2, a + e / 2, b + f / 2];
    c.x1[i] = Math.min(a, e);
    c.x2[i] = Math.max(a, e);
    c.y1[i] = Math.min(b, f);
    c.y2[i] = Math.max(b, f);
    c.area[i] = (c.x2[i] - c.x1[i]) * (c.y2[i] - c.y1[i]);
  }
  return c;
}

function pairIou(c: Corners, i: number, j: number): number {
  const w = Math.min(c.x2[i], c.x2[j]) - Math.max(c.x1[i], c.x1[j]);
  const h = Math.min(c.y2[i], c.y2[j]) - Math.max(c.y1[i], c.y1[j]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (c.area[i] + c.area[j] - inter);
}

function numbers(values: Tensor | ArrayLike<number>, n: number, what: string, fn: string): ArrayLike<number> {
  const data = values instanceof Tensor ? values.data : values;
  const size = values instanceof Tensor ? values.size : values.length;
  if (size !== n || (values instanceof Tensor && values.ndim !== 1)) {
    const got = values instanceof Tensor ? formatShape(values.shape) : `${size} values`;
    throw new Error(`${fn}: ${what} must hold one value per box ([${n}]), got ${got}`);
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(data[i])) throw new Error(`${fn}: ${what} ${i} is NaN`);
  }
  return data;
}

interface Checked {
  corners: Corners;
  scores: ArrayLike<number>;
  classes: ArrayLike<number> | null;
  iouThreshold: number;
  scoreThreshold: number;
  maxDetections: number;
}

function check(boxes: Boxes, scores: Tensor | ArrayLike<number>, opts: NmsOptions, fn: string): Checked {
  const corners = toCorners(boxes, checkFormat(opts.format ?? 'xyxy', fn), fn);
  const n = corners.x1.length;
  const iouThreshold = opts.iouThreshold ?? 0.45;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new Error(`${fn}: iouThreshold must be in [0, 1], got ${iouThreshold}`);
  const scoreThreshold = opts.scoreThreshold ?? -Infinity;
  if (Number.isNaN(scoreThreshold)) throw new Error(`${fn}: scoreThreshold must be a number, got NaN`);
  const maxDetections = opts.maxDetections ?? Infinity;
  if (!(maxDetections >= 0 && (Number.isInteger(maxDetections) || maxDetections === Infinity))) {
    throw new Error(`${fn}: maxDetections must be a non-negative integer, got ${maxDetections}`);
  }
  const classes = opts.classes === undefined ? null : numbers(opts.classes, n, 'classes', fn);
  return { corners, scores: numbers(scores, n, 'scores', fn), classes, iouThreshold, scoreThreshold, maxDetections };
}

/** Indices of the boxes scoring above the threshold, best first; equal scores keep their input order. */
function candidates(scores: ArrayLike<number>, threshold: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] > threshold) order.push(i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

function greedy(c: Checked): number[] {
  const order = candidates(c.scores, c.scoreThreshold);
  const suppressed = new Uint8Array(order.length);
  const kept: number[] = [];
  for (let a = 0; a < order.length && kept.length < c.maxDetections; a++) {
    if (suppressed[a]) continue;
    const i = order[a];
    kept.push(i);
    for (let b = a + 1; b < order.length; b++) {
      const j = order[b];
      if (suppressed[b] || (c.classes && c.classes[i] !== c.classes[j])) continue;
      if (pairIou(c.corners, i, j) > c.iouThreshold) suppressed[b] = 1;
    }
  }
  return kept;
}

function soft(c: Checked, opts: SoftNmsOptions): SoftNmsResult {
  const method = opts.method ?? 'gaussian';
  if (method !== 'gaussian' && method !== 'linear') throw new Error(`softNms: method must be 'gaussian' or 'linear', got '${String(method)}'`);
  const sigma = opts.sigma ?? 0.5;
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new Error(`softNms: sigma must be a positive number, got ${sigma}`);
  const live = candidates(c.scores, c.scoreThreshold);
  const score = new Float64Array(c.scores.length);
  for (const i of live) score[i] = c.scores[i];
  const result: SoftNmsResult = { indices: [], scores: [] };
  while (live.length > 0 && result.indices.length < c.maxDetections) {
    let best = 0;
    for (let k = 1; k < live.length; k++) {
      if (score[live[k]] > score[live[best]] || (score[live[k]] === score[live[best]] && live[k] < live[best])) best = k;
    }
    const i = live[best];
    live.splice(best, 1);
    result.indices.push(i);
    result.scores.push(score[i]);
    for (let k = live.length - 1; k >= 0; k--) {
      const j = live[k];
      if (c.classes && c.classes[i] !== c.classes[j]) continue;
      const overlap = pairIou(c.corners, i, j);
      if (method === 'gaussian') score[j] *= Math.exp(-(overlap * overlap) / sigma);
      else if (overlap > c.iouThreshold) score[j] *= 1 - overlap;
      if (!(score[j] > c.scoreThreshold)) live.splice(k, 1);
    }
  }
  return result;
}

function select(c: Checked, opts: NmsOptions): SoftNmsResult {
  if (opts.soft) return soft(c, opts.soft);
  const indices = greedy(c);
  return { indices, scores: indices.map((i) => c.scores[i]) };
}

/** Indices of the boxes kept, highest score first. boxes [N, 4], scores [N]. */
export function nms(boxes: Boxes, scores: Tensor | ArrayLike<number>, opts: NmsOptions = {}): number[] {
  return select(check(boxes, scores, opts, 'nms'), opts).indices;
}

/** Soft-NMS: the kept boxes and their decayed scores, highest first. */
export function softNms(boxes: Boxes, scores: Tensor | ArrayLike<number>, opts: Omit<NmsOptions, 'soft'> & SoftNmsOptions = {}): SoftNmsResult {
  return soft(check(boxes, scores, opts, 'softNms'), opts);
}

export interface BatchedNmsOptions extends Omit<NmsOptions, 'classes'> {
  /** Keep at most this many boxes per class and image (maxDetections then limits each image's total). */
  maxPerClass?: number;
}

export interface Detection {
  /** Image within the batch. */
  batch: number;
  /** Box index within the image. */
  index: number;
  classId: number;
  score: number;
}

/**
 * NMS for a batch of images with a score per box and class (ONNX NonMaxSuppression's job): boxes [B, N, 4],
 * scores [B, N, C]. Each class is suppressed on its own, so a box may be kept for several classes. Returns
 * each image's detections, highest (decayed, with soft-NMS) score first, image after image.
 */
export function batchedNms(boxes: Tensor, scores: Tensor, opts: BatchedNmsOptions = {}): Detection[] {
  if (boxes.ndim !== 3 || boxes.shape[2] !== 4) throw new Error(`batchedNms: boxes must be [B, N, 4], got ${formatShape(boxes.shape)}`);
  const [batches, n] = boxes.shape;
  if (scores.ndim !== 3 || scores.shape[0] !== batches || scores.shape[1] !== n) {
    throw new Error(`batchedNms: scores must be [B, N, C] = [${batches}, ${n}, C] for boxes ${formatShape(boxes.shape)}, got ${formatShape(scores.shape)}`);
  }
  const numClasses = scores.shape[2];
  const perClass = { ...opts, maxDetections: opts.maxPerClass ?? Infinity };
  const out: Detection[] = [];
  for (let b = 0; b < batches; b++) {
    const imageBoxes = boxes.narrow(0, b, 1).reshape([n, 4]);
    const imageScores = scores.narrow(0, b, 1).reshape([n, numClasses]).transpose(0, 1);
    const found: Detection[] = [];
    for (let k = 0; k < numClasses; k++) {
      const kept = select(check(imageBoxes, imageScores.narrow(0, k, 1).reshape([n]), perClass, 'batchedNms'), perClass);
      kept.indices.forEach((index, r) => found.push({ batch: b, index, classId: k, score: kept.scores[r] }));
    }
    found.sort((p, q) => q.score - p.score || p.classId - q.classId || p.index - q.index);
    out.push(...found.slice(0, opts.maxDetections ?? Infinity));
  }
  return out;
}
