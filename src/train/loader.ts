// What fit() and evaluate() read batches from: a DataLoader, or anything iterable that says how many
// batches an epoch has.
import type { Batch } from '../data/dataset.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';

export interface Loader extends Iterable<Batch> {
  /** Batches per epoch. */
  readonly length: number;
  /** Its data set, when it has one (for samples per epoch). */
  readonly dataset?: { readonly length: number };
  /** The generator it shuffles with, when it has one: fit() reseeds it each epoch so runs can resume. */
  readonly generator?: Generator;
}

/** A loss with reduction 'mean' over the batch (epoch losses are averaged weighting batches by size). */
export type LossFunction = (output: Tensor, target: Tensor) => Tensor;

/** Let a browser page repaint and Node handle timers (progress bars, signals) during long loops. */
export class EventLoopYielder {
  private last = Date.now();
  constructor(private readonly everyMs = 50) {}

  async maybeYield(): Promise<void> {
    if (Date.now() - this.last < this.everyMs) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.last = Date.now();
  }
}
