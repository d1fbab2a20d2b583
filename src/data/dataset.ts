// Datasets: indexable collections of (x, y) samples, as in torch.utils.data.
// A dataset may also offer getBatch, which the DataLoader prefers: it copies rows straight into the batch
// instead of making a tensor per sample.
import { Tensor } from '../tensor/tensor.js';
import { allocate } from '../tensor/dtype.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { type Generator, defaultGenerator } from '../util/random.js';
import { collate } from './collate.js';

export interface Sample {
  x: Tensor;
  y: Tensor;
}

/** Samples stacked along a new leading batch axis: x [B, ...], y [B, ...] (int32 [B] for class labels). */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

export type Indices = Int32Array | readonly number[];

export interface Dataset {
  readonly length: number;
  /** A dataset in plain JavaScript may return numbers or nested arrays instead: `collate` converts them. */
  get(index: number): Sample;
  getBatch?(indices: Indices): Batch;
}

/** Throw unless index is an integer in [0, length). */
export function checkIndex(index: number, length: number, where: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new Error(`${where}: index ${index} is out of range for a dataset of length ${length} (valid: 0..${length - 1})`);
  }
}

/** Rows of whole tensors: sample i is (x[i], y[i]). */
export class TensorDataset implements Dataset {
  readonly x: Tensor;
  readonly y: Tensor;
  private readonly xRowSize: number;
  private readonly yRowSize: number;

  constructor(x: Tensor, y: Tensor) {
    if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
      throw new Error(
        `TensorDataset: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same, non-scalar first dimension`,
      );
    }
    this.x = x;
    this.y = y;
    this.xRowSize = sizeOf(x.shape.slice(1));
    this.yRowSize = sizeOf(y.shape.slice(1));
  }

  get length(): number {
    return this.x.shape[0];
  }

  /** A copy of row index, so a transform may change it in place without touching the dataset. */
  get(index: number): Sample {
    checkIndex(index, this.length, 'TensorDataset.get');
    return { x: copyRow(this.x, this.xRowSize, index), y: copyRow(this.y, this.yRowSize, index) };
  }

  getBatch(indices: Indices): Batch {
    for (let i = 0; i < indices.length; i++) checkIndex(indices[i], this.length, 'TensorDataset.getBatch');
    return { x: copyRows(this.x, this.xRowSize, indices), y: copyRows(this.y, this.yRowSize, indices) };
  }
}

function copyRow(source: Tensor, rowSize: number, index: number): Tensor {
  return new Tensor(source.data.slice(index * rowSize, (index + 1) * rowSize), source.shape.slice(1));
}

/** Gather rows of source into a new tensor [indices.length, ...rowShape]. */
function copyRows(source: Tensor, rowSize: number, indices: Indices): Tensor {
  const out = allocate(source.dtype, indices.length * rowSize);
  const src = source.data;
  for (let b = 0; b < indices.length; b++) {
    const start = indices[b] * rowSize;
    out.set(src.subarray(start, start + rowSize), b * rowSize);
  }
  return new Tensor(out, [indices.length, ...source.shape.slice(1)]);
}

/** The samples of dataset at the given indices, in that order. */
export class Subset implements Dataset {
  readonly dataset: Dataset;
  readonly indices: Int32Array;

  constructor(dataset: Dataset, indices: Indices) {
    for (let i = 0; i < indices.length; i++) checkIndex(indices[i], dataset.length, 'Subset');
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): Sample {
    checkIndex(index, this.length, 'Subset.get');
    return this.dataset.get(this.indices[index]);
  }

  getBatch(indices: Indices): Batch {
    const mapped = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      checkIndex(indices[i], this.length, 'Subset.getBatch');
      mapped[i] = this.indices[indices[i]];
    }
    if (this.dataset.getBatch) return this.dataset.getBatch(mapped);
    return collate(Array.from(mapped, (i) => this.dataset.get(i)), mapped);
  }
}

/**
 * Split a dataset into non-overlapping random subsets, like torch.utils.data.random_split.
 * `sizes` are lengths summing to dataset.length, or fractions summing to 1 (floored, with the remainder
 * given out one by one from the first subset on).
 */
export function randomSplit(dataset: Dataset, sizes: readonly number[], generator: Generator = defaultGenerator()): Subset[] {
  const lengths = resolveSplitLengths(sizes, dataset.length);
  const order = new Int32Array(dataset.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  generator.shuffle(order);
  const subsets: Subset[] = [];
  let start = 0;
  for (const length of lengths) {
    subsets.push(new Subset(dataset, order.subarray(start, start + length)));
    start += length;
  }
  return subsets;
}

function resolveSplitLengths(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const areFractions = sizes.every((s) => s >= 0 && s <= 1) && Math.abs(sum - 1) < 1e-6;
  if (areFractions && sum !== total) {
    const lengths = sizes.map((f) => Math.floor(f * total));
    let remainder = total - lengths.reduce((a, b) => a + b, 0);
    for (let i = 0; remainder > 0; i = (i + 1) % lengths.length, remainder--) lengths[i]++;
    return lengths;
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sum !== total) {
    throw new Error(
      `randomSplit: sizes [${sizes.join(', ')}] must be non-negative integers summing to the dataset length ${total}, ` +
        `or fractions summing to 1`,
    );
  }
  return [...sizes];
}

/** Augmentations and other per-sample changes; the transform draws its randomness from `rng`. */
export type SampleTransform = (sample: Sample, rng: Generator) => Sample;

/** Applies a transform to each sample as it is read. Seeded: the same generator state gives the same samples. */
export class TransformDataset implements Dataset {
  readonly dataset: Dataset;
  readonly transform: SampleTransform;
  readonly generator: Generator;

  constructor(dataset: Dataset, transform: SampleTransform, options: { generator?: Generator } = {}) {
    this.dataset = dataset;
    this.transform = transform;
    this.generator = options.generator ?? defaultGenerator();
  }

  get length(): number {
    return this.dataset.length;
  }

  get(index: number): Sample {
    return this.transform(this.dataset.get(index), this.generator);
  }
}
