// DataLoader: batches of a dataset, optionally shuffled, in a plain synchronous loop.
// Each iteration is an epoch. Its order comes from a generator forked from the loader's generator, so the
// same seed gives the same sequence of epochs, and each epoch gets a fresh order.
import { type Generator, defaultGenerator } from '../util/random.js';
import type { Batch, Dataset } from './dataset.js';
import { collate } from './collate.js';

/** A change to a whole batch (normalisation, batch-level augmentation); randomness comes from `rng`. */
export type BatchTransform = (batch: Batch, rng: Generator) => Batch;

export interface DataLoaderOptions {
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** Visit samples in a new random order each epoch (default false: in index order). */
  shuffle?: boolean;
  /** Skip the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Source of shuffling and transform randomness (default: the global generator, see manualSeed). */
  generator?: Generator;
  /** Applied to each batch after it is assembled. */
  transform?: BatchTransform;
}

export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  readonly transform: BatchTransform | undefined;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator ?? defaultGenerator();
    this.transform = options.transform;
  }

  /** Number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const epochRng = this.generator.fork();
    const order = new Int32Array(this.dataset.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.shuffle) epochRng.shuffle(order);
    const transformRng = epochRng.fork();
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      const batch = this.loadBatch(indices);
      yield this.transform ? this.transform(batch, transformRng) : batch;
    }
  }

  private loadBatch(indices: Int32Array): Batch {
    if (this.dataset.getBatch) return this.dataset.getBatch(indices);
    return collate(Array.from(indices, (i) => this.dataset.get(i)), indices);
  }
}
