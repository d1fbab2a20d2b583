// DataLoader: batches of a dataset, optionally shuffled, in a plain synchronous loop.
// Each iteration is an epoch. Its order comes from a generator forked from the loader's generator, so the
// same seed gives the same sequence of epochs, and each epoch gets a fresh order.
import { type Generator, defaultGenerator } from '../util/random.js';
import type { Batch, Dataset, Indices } from './dataset.js';
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
  /** Yields each batch's indices (e.g. PKBatchSampler), as PyTorch's batch_sampler: excludes batchSize, shuffle and dropLast. */
  batchSampler?: Iterable<Indices> & { readonly length: number };
}

export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  readonly transform: BatchTransform | undefined;
  readonly batchSampler: DataLoaderOptions['batchSampler'];

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const conflicting = (['batchSize', 'shuffle', 'dropLast'] as const).filter((name) => options[name] !== undefined);
    if (options.batchSampler && conflicting.length > 0) {
      throw new Error(`DataLoader: batchSampler decides the batches, so ${conflicting.join(', ')} cannot be given with it`);
    }
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
    this.batchSampler = options.batchSampler;
  }

  /** Number of batches in one epoch. */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const epochRng = this.generator.fork();
    const batches = this.batchSampler ?? this.epochBatches(epochRng);
    const transformRng = epochRng.fork();
    for (const indices of batches) {
      const batch = this.loadBatch(indices);
      yield this.transform ? this.transform(batch, transformRng) : batch;
    }
  }

  /** One epoch's batches of indices, in index order or shuffled (drawn before the transforms' generator forks). */
  private epochBatches(epochRng: Generator): Int32Array[] {
    const order = new Int32Array(this.dataset.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.shuffle) epochRng.shuffle(order);
    return Array.from({ length: this.length }, (_, b) => order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length)));
  }

  private loadBatch(indices: Indices): Batch {
    if (this.dataset.getBatch) return this.dataset.getBatch(indices);
    return collate(Array.from(indices, (i) => this.dataset.get(i)), indices);
  }
}
