// Anchor shapes by k-means over a dataset's box sizes (YOLOv2's "dimension clusters", Redmon & Farhadi 2017):
// the distance is 1 - IoU of two (w, h) shapes placed at the same corner, so big boxes do not dominate as
// they would with Euclidean distance. Seeded k-means++ start, Lloyd iterations (each centroid the mean w and
// h of its boxes, as Darknet's gen_anchors) until no box changes cluster.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Generator } from '../util/random.js';

export type Shapes = Tensor | ReadonlyArray<readonly [number, number] | readonly number[]>;

export interface AnchorFitnessOptions {
  /** Ultralytics' anchor_t: a box can be recalled when some anchor is within this factor in both w and h (default 4). */
  anchorThreshold?: number;
}

export interface KmeansAnchorsOptions extends AnchorFitnessOptions {
  /** Seed of the k-means++ start (default 0). */
  seed?: number;
  /** Most Lloyd iterations (default 300); it stops earlier when no box changes cluster. */
  iterations?: number;
}

export interface AnchorFitness {
  /** Mean over boxes of the best IoU with any anchor (Darknet's "avg IoU"). */
  meanIoU: number;
  /** Fraction of boxes with an anchor within anchorThreshold in both w and h (YOLOv5's autoanchor BPR). */
  bestPossibleRecall: number;
}

export interface KmeansAnchors extends AnchorFitness {
  /** [w, h] in the boxes' units, smallest area first. */
  anchors: [number, number][];
  /** Lloyd iterations run. */
  iterations: number;
}

/** IoU of two (w, h) shapes at the same corner. */
export function shapeIou(w1: number, h1: number, w2: number, h2: number): number {
  const inter = Math.min(w1, w2) * Math.min(h1, h2);
  return inter / (w1 * h1 + w2 * h2 - inter);
}

function toShapes(boxes: Shapes, fn: string, what: string): Float64Array {
  let flat: ArrayLike<number>;
  if (boxes instanceof Tensor) {
    if (!(boxes.ndim === 2 && boxes.shape[1] === 2)) throw new Error(`${fn}: ${what} shapes must be [N, 2] (w, h), got ${formatShape(boxes.shape)}`);
    flat = boxes.data;
  } else {
    const out: number[] = [];
    boxes.forEach((b, i) => {
      if (b.length !== 2) throw new Error(`${fn}: ${what} ${i} has ${b.length} numbers; give [w, h] pairs`);
      out.push(b[0], b[1]);
    });
    flat = out;
  }
  const shapes = Float64Array.from(flat);
  for (let i = 0; i < shapes.length; i += 2) {
    if (!(shapes[i] > 0 && shapes[i + 1] > 0 && Number.isFinite(shapes[i]) && Number.isFinite(shapes[i + 1]))) {
      throw new Error(`${fn}: ${what} ${i / 2} is ${shapes[i]} x ${shapes[i + 1]}; widths and heights must be positive and finite`);
    }
  }
  return shapes;
}

function fitness(shapes: Float64Array, anchors: Float64Array, anchorThreshold: number): AnchorFitness {
  const n = shapes.length / 2;
  let iouSum = 0;
  let recalled = 0;
  for (let i = 0; i < n; i++) {
    const w = shapes[2 * i], h = shapes[2 * i + 1];
    let bestIou = 0;
    let bestRatio = 0;
    for (let a = 0; a < anchors.length / 2; a++) {
      const rw = w / anchors[2 * a], rh = h / anchors[2 * a + 1];
      bestIou = Math.max(bestIou, shapeIou(w, h, anchors[2 * a], anchors[2 * a + 1]));
      bestRatio = Math.max(bestRatio, Math.min(rw, 1 / rw, rh, 1 / rh));
    }
    iouSum += bestIou;
    if (bestRatio > 1 / anchorThreshold) recalled++;
  }
  return { meanIoU: iouSum / n, bestPossibleRecall: recalled / n };
}

function checkThreshold(anchorThreshold: number, fn: string): void {
  if (!(anchorThreshold > 1 && Number.isFinite(anchorThreshold))) throw new Error(`${fn}: anchorThreshold must be a finite number above 1, got ${anchorThreshold}`);
}

/** How well given anchors fit the boxes: mean best IoU and best possible recall (boxes and anchors as [w, h] in one unit). */
export function anchorFitness(boxes: Shapes, anchors: Shapes, options: AnchorFitnessOptions = {}): AnchorFitness {
  const { anchorThreshold = 4 } = options;
  checkThreshold(anchorThreshold, 'anchorFitness');
  const shapes = toShapes(boxes, 'anchorFitness', 'box');
  const anchorShapes = toShapes(anchors, 'anchorFitness', 'anchor');
  if (shapes.length === 0 || anchorShapes.length === 0) throw new Error(`anchorFitness: needs at least one box and one anchor, got ${shapes.length / 2} and ${anchorShapes.length / 2}`);
  return fitness(shapes, anchorShapes, anchorThreshold);
}

/** Index of the centroid with the highest IoU with box i, and that IoU. */
function nearest(shapes: Float64Array, i: number, centroids: Float64Array): [number, number] {
  let best = -1;
  let bestIou = -1;
  for (let c = 0; c < centroids.length / 2; c++) {
    const v = shapeIou(shapes[2 * i], shapes[2 * i + 1], centroids[2 * c], centroids[2 * c + 1]);
    if (v > bestIou) [best, bestIou] = [c, v];
  }
  return [best, bestIou];
}

/** k-means++ start: each next centroid is a box drawn with probability proportional to its squared distance. */
function kmeansPlusPlus(shapes: Float64Array, k: number, rng: Generator): Float64Array {
  const n = shapes.length / 2;
  const centroids = new Float64Array(2 * k);
  const first = rng.randint(n);
  centroids.set(shapes.subarray(2 * first, 2 * first + 2), 0);
  const weight = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = 1 - nearest(shapes, i, centroids.subarray(0, 2 * c))[1];
      weight[i] = d * d;
      total += weight[i];
    }
    let pick = n - 1;
    let r = rng.random() * total;
    for (let i = 0; i < n; i++) {
      r -= weight[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
    centroids.set(shapes.subarray(2 * pick, 2 * pick + 2), 2 * c);
  }
  return centroids;
}

/**
 * k anchors for boxes given as [w, h] pairs (any unit; the anchors come back in it). Anchors are sorted by
 * area; meanIoU and bestPossibleRecall measure their fit (see AnchorFitness).
 */
export function kmeansAnchors(boxes: Shapes, k: number, options: KmeansAnchorsOptions = {}): KmeansAnchors {
  const { seed = 0, iterations = 300, anchorThreshold = 4 } = options;
  const fn = 'kmeansAnchors';
  const shapes = toShapes(boxes, fn, 'box');
  const n = shapes.length / 2;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`${fn}: k must be a positive integer, got ${k}`);
  if (k > n) throw new Error(`${fn}: k = ${k} anchors need at least ${k} boxes, got ${n}`);
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new Error(`${fn}: iterations must be a positive integer, got ${iterations}`);
  checkThreshold(anchorThreshold, fn);

  const centroids = kmeansPlusPlus(shapes, k, new Generator(seed));
  const assignment = new Int32Array(n).fill(-1);
  let run = 0;
  while (run < iterations) {
    run++;
    let changed = 0;
    const bestIou = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const [c, v] = nearest(shapes, i, centroids);
      bestIou[i] = v;
      if (c !== assignment[i]) [assignment[i], changed] = [c, changed + 1];
    }
    if (changed === 0) break;
    const sums = new Float64Array(2 * k);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      sums[2 * assignment[i]] += shapes[2 * i];
      sums[2 * assignment[i] + 1] += shapes[2 * i + 1];
      counts[assignment[i]]++;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) {
        centroids[2 * c] = sums[2 * c] / counts[c];
        centroids[2 * c + 1] = sums[2 * c + 1] / counts[c];
      } else {
        // An empty cluster restarts at the box the others fit worst.
        let worst = 0;
        for (let i = 1; i < n; i++) if (bestIou[i] < bestIou[worst]) worst = i;
        centroids.set(shapes.subarray(2 * worst, 2 * worst + 2), 2 * c);
        bestIou[worst] = 1;
      }
    }
  }
  const anchors: [number, number][] = [];
  for (let c = 0; c < k; c++) anchors.push([centroids[2 * c], centroids[2 * c + 1]]);
  anchors.sort((a, b) => a[0] * a[1] - b[0] * b[1]);
  return { anchors, ...fitness(shapes, centroids, anchorThreshold), iterations: run };
}
