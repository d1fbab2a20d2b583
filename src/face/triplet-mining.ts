// Online triplet mining: the triplets of one batch of embeddings with class labels, chosen from the batch's
// own squared distances (read, not differentiated), then the triplet loss on those rows. Batch-all and
// batch-hard as Hermans, Beyer and Leibe (2017), semi-hard as FaceNet (Schroff et al. 2015) and
// TensorFlow Addons' triplet_semihard_loss.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { indexSelect } from '../ops/indexing.js';
import { add, clamp, mul, square } from '../ops/arithmetic.js';
import { matmul } from '../ops/matmul.js';
import { reshape, transpose } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { checkEmbeddings, type TripletLossOptions, tripletHinge } from './metric-losses.js';

/**
 * 'batch-all': every valid (anchor, positive, negative) of the batch. 'batch-hard': per anchor, its farthest
 * positive and its nearest negative. 'semi-hard': per (anchor, positive) pair, the nearest negative that is
 * farther than the positive (d(A,P) < d(A,N)), or the farthest negative when none is.
 */
export type TripletMining = 'batch-all' | 'batch-hard' | 'semi-hard';

export const TRIPLET_MININGS: readonly TripletMining[] = ['batch-all', 'batch-hard', 'semi-hard'];

/** Rows of the batch: triplet t is (anchor[t], positive[t], negative[t]). */
export interface Triplets {
  anchor: Int32Array;
  positive: Int32Array;
  negative: Int32Array;
}

export interface BatchTripletLossOptions extends TripletLossOptions {
  /** Default 'semi-hard'. */
  mining?: TripletMining;
}

/** The squared Euclidean distances between all rows of embeddings [B, D], in float64: [B * B], row-major. */
export function pairwiseSquaredDistances(embeddings: Tensor): Float64Array {
  checkEmbeddings('pairwiseSquaredDistances', { embeddings });
  const [n, dim] = embeddings.shape;
  const e = embeddings.data;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (e[i * dim + k] - e[j * dim + k]) ** 2;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** The triplets `mining` picks from embeddings [B, D] with labels int32 [B]. Ties go to the lower row. */
export function mineTriplets(embeddings: Tensor, labels: Tensor, mining: TripletMining): Triplets {
  const caller = 'mineTriplets';
  checkEmbeddings(caller, { embeddings });
  const y = checkLabels(caller, labels, embeddings.shape[0]);
  if (!TRIPLET_MININGS.includes(mining)) throw new Error(`${caller}: mining must be ${TRIPLET_MININGS.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mining)}`);
  const n = y.length;
  const d = pairwiseSquaredDistances(embeddings);
  const [anchor, positive, negative]: number[][] = [[], [], []];
  const push = (a: number, p: number, q: number) => {
    anchor.push(a);
    positive.push(p);
    negative.push(q);
  };
  const rows = [...Array(n).keys()];
  for (let a = 0; a < n; a++) {
    const positives = rows.filter((p) => p !== a && y[p] === y[a]);
    const negatives = rows.filter((q) => y[q] !== y[a]);
    if (positives.length === 0 || negatives.length === 0) continue;
    const dist = (j: number) => d[a * n + j];
    if (mining === 'batch-hard') {
      push(a, argBest(positives, dist, (u, v) => u > v), argBest(negatives, dist, (u, v) => u < v));
      continue;
    }
    for (const p of positives) {
      if (mining === 'batch-all') {
        for (const q of negatives) push(a, p, q);
        continue;
      }
      const farther = negatives.filter((q) => dist(q) > dist(p));
      push(a, p, farther.length > 0 ? argBest(farther, dist, (u, v) => u < v) : argBest(negatives, dist, (u, v) => u > v));
    }
  }
  if (anchor.length === 0) {
    throw new Error(`${caller}: the batch has no triplet (labels ${JSON.stringify(Array.from(y))}): it needs a class with two rows and a second class (a PKBatchSampler with k >= 2 gives both)`);
  }
  return { anchor: Int32Array.from(anchor), positive: Int32Array.from(positive), negative: Int32Array.from(negative) };
}

/**
 * The triplet loss over the triplets mined from one batch of embeddings [B, D] with labels int32 [B]. Each
 * triplet's two distances are read from the batch's differentiable [B, B] distance matrix, so the work is one
 * matmul whatever the number of triplets (batch-all mines ~77k from a 5 x 16 batch; as [T, D] rows they took
 * ~6 s a step).
 */
export function batchTripletLoss(embeddings: Tensor, labels: Tensor, options: BatchTripletLossOptions = {}): Tensor {
  const { mining = 'semi-hard', ...lossOptions } = options;
  const t = mineTriplets(embeddings.detach(), labels, mining);
  const n = embeddings.shape[0];
  const distances = reshape(squaredDistanceMatrix(embeddings), [n * n]);
  const at = (rows: Int32Array, cols: Int32Array) => indexSelect(distances, 0, new Tensor(rows.map((r, i) => r * n + cols[i]), [rows.length]));
  return tripletHinge(at(t.anchor, t.positive), at(t.anchor, t.negative), lossOptions, 'batchTripletLoss');
}

/** ||x_i||^2 + ||x_j||^2 - 2 x_i . x_j for all rows of x [B, D], differentiable: [B, B], rounding below 0 clamped. */
function squaredDistanceMatrix(x: Tensor): Tensor {
  const norms = sum(square(x), -1, true);
  return clamp(add(add(norms, transpose(norms)), mul(matmul(x, transpose(x)), -2)), 0);
}

function argBest(candidates: number[], value: (j: number) => number, better: (u: number, v: number) => boolean): number {
  let best = candidates[0];
  for (const j of candidates) if (better(value(j), value(best))) best = j;
  return best;
}

function checkLabels(caller: string, labels: Tensor, rows: number): ArrayLike<number> {
  if (labels.dtype !== 'int32' || labels.ndim !== 1 || labels.shape[0] !== rows) {
    throw new Error(`${caller}: labels must be int32 [${rows}] (one class per embedding row), got ${labels.dtype} ${formatShape(labels.shape)}`);
  }
  return labels.data;
}
