// Metrics accumulated over batches, so an epoch's value is exact however the batches are split.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

export interface Metric {
  readonly name: string;
  reset(): void;
  /** Add one batch: output [N, C] (logits or probabilities), target int32 labels [N] or one-hot [N, C]. */
  update(output: Tensor, target: Tensor): void;
  result(): number;
}

/**
 * Fraction of samples whose highest-scoring class is the label (argmax of a one-hot target). A row with a
 * NaN score is never correct: it is no prediction (a -Infinity score, a masked class, ranks as usual).
 */
export class Accuracy implements Metric {
  readonly name: string = 'accuracy';
  private correct = 0;
  private total = 0;

  constructor(readonly topK = 1) {
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`Accuracy: topK must be a positive integer, got ${topK}`);
    if (topK > 1) this.name = `top${topK}Accuracy`;
  }

  reset(): void {
    this.correct = 0;
    this.total = 0;
  }

  update(output: Tensor, target: Tensor): void {
    const [n, classes] = output.shape;
    const oneHot = target.ndim === 2 && target.shape[0] === n && target.shape[1] === classes;
    if (output.ndim !== 2 || !(oneHot || (target.ndim === 1 && target.shape[0] === n))) {
      throw new Error(
        `${this.name}: output ${formatShape(output.shape)} must be [N, classes] with target labels [N] or one-hot [N, classes], got target ${formatShape(target.shape)}`,
      );
    }
    const scores = output.data;
    for (let i = 0; i < n; i++) {
      if (hasNaN(scores, i * classes, classes)) continue;
      const label = oneHot ? argmaxRow(target.data, i * classes, classes) : target.data[i];
      const labelScore = scores[i * classes + label];
      // The label's rank: classes scoring higher, and equal ones before it (argmax takes the first maximum).
      let rank = 0;
      for (let c = 0; c < classes; c++) {
        const s = scores[i * classes + c];
        if (s > labelScore || (s === labelScore && c < label)) rank++;
      }
      if (rank < this.topK) this.correct++;
    }
    this.total += n;
  }

  result(): number {
    return this.total === 0 ? NaN : this.correct / this.total;
  }
}

function hasNaN(data: ArrayLike<number>, start: number, length: number): boolean {
  for (let c = 0; c < length; c++) if (Number.isNaN(data[start + c])) return true;
  return false;
}

function argmaxRow(data: ArrayLike<number>, start: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) if (data[start + c] > data[start + best]) best = c;
  return best;
}

/** A metric by name ('accuracy', 'top5Accuracy', ...) or a factory giving a fresh instance. */
export type MetricSpec = string | (() => Metric);

const TOP_K = /^top(\d+)Accuracy$/;

/** Fresh metric instances for specs, so training and validation never share counts. */
export function createMetrics(specs: readonly MetricSpec[]): Metric[] {
  return specs.map((spec) => {
    if (typeof spec === 'function') return spec();
    if (spec === 'accuracy' || spec === 'acc') return new Accuracy();
    const topK = TOP_K.exec(spec);
    if (topK) return new Accuracy(Number(topK[1]));
    throw new Error(`metrics: unknown metric '${spec}'; use 'accuracy', 'top<k>Accuracy' (e.g. 'top5Accuracy') or a function returning a Metric`);
  });
}
