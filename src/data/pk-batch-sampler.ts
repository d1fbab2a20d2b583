// Batches of P classes x K samples each, the batches metric learning trains on (Hermans et al. 2017): every
// sample of a batch has positives (its class's other K - 1) and negatives (the other classes) to mine
// triplets or pairs from. A batch sampler in PyTorch's sense: it yields the indices of each batch, for
// DataLoader's batchSampler option.
import { type Generator, defaultGenerator } from '../util/random.js';

export interface PKBatchSamplerOptions {
  /** Classes per batch (at most the number of classes in labels). */
  p: number;
  /** Samples per class per batch; a class with fewer than k samples is sampled with replacement. */
  k: number;
  /** Default: floor(samples / (p k)), at least 1. */
  batchesPerEpoch?: number;
  /** Default: the global generator (see manualSeed). */
  generator?: Generator;
}

export class PKBatchSampler implements Iterable<Int32Array> {
  readonly p: number;
  readonly k: number;
  readonly length: number;
  readonly generator: Generator;
  private readonly byClass: Int32Array[];

  constructor(labels: ArrayLike<number>, options: PKBatchSamplerOptions) {
    const { p, k } = options ?? ({} as PKBatchSamplerOptions);
    for (const [name, v] of [['p', p], ['k', k]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`PKBatchSampler: ${name} must be a positive integer, got ${v}`);
    }
    const members = new Map<number, number[]>();
    for (let i = 0; i < labels.length; i++) {
      if (!Number.isInteger(labels[i])) throw new Error(`PKBatchSampler: labels must be integers, got ${labels[i]} at index ${i}`);
      const list = members.get(labels[i]);
      if (list) list.push(i);
      else members.set(labels[i], [i]);
    }
    if (members.size < p) throw new Error(`PKBatchSampler: p = ${p} classes per batch, but the labels hold ${members.size} classes`);
    const batchesPerEpoch = options.batchesPerEpoch ?? Math.max(1, Math.floor(labels.length / (p * k)));
    if (!Number.isInteger(batchesPerEpoch) || batchesPerEpoch < 1) throw new Error(`PKBatchSampler: batchesPerEpoch must be a positive integer, got ${batchesPerEpoch}`);
    this.p = p;
    this.k = k;
    this.length = batchesPerEpoch;
    this.generator = options.generator ?? defaultGenerator();
    this.byClass = [...members.keys()].sort((a, b) => a - b).map((c) => Int32Array.from(members.get(c)!));
  }

  /** Each epoch draws from a generator forked from this one, as DataLoader does. */
  *[Symbol.iterator](): Iterator<Int32Array> {
    const rng = this.generator.fork();
    const classes = Int32Array.from(this.byClass.keys());
    for (let b = 0; b < this.length; b++) {
      rng.shuffle(classes);
      const batch = new Int32Array(this.p * this.k);
      for (let c = 0; c < this.p; c++) {
        const pool = this.byClass[classes[c]];
        if (pool.length >= this.k) {
          // The first k of a partial Fisher-Yates shuffle: k distinct samples.
          const order = Int32Array.from(pool);
          for (let i = 0; i < this.k; i++) {
            const j = i + rng.randint(order.length - i);
            [order[i], order[j]] = [order[j], order[i]];
            batch[c * this.k + i] = order[i];
          }
        } else {
          for (let i = 0; i < this.k; i++) batch[c * this.k + i] = pool[rng.randint(pool.length)];
        }
      }
      yield batch;
    }
  }
}
