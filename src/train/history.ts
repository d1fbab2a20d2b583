// What fit() reports: per-batch running values for progress displays, per-epoch averages, and the history.

/** Running averages over the epoch so far, after each optimiser step. */
export interface BatchLogs {
  /** Counts from 1. */
  epoch: number;
  /** Batch within the epoch, counting from 1. */
  batch: number;
  /** Batches in the epoch. */
  batches: number;
  /** Training samples seen so far in this epoch. */
  samples: number;
  /** Mean loss over the epoch so far. */
  loss: number;
  /** Loss of this batch alone. */
  batchLoss: number;
  /** The metrics (e.g. accuracy) over the epoch so far. */
  metrics: Record<string, number>;
}

/**
 * One finished epoch: training loss and metrics (averaged over its samples), validation loss and metrics
 * prefixed 'val' (valLoss, valAccuracy) when there is a validation loader, the learning rate it used and
 * how long it took.
 */
export interface EpochLogs {
  epoch: number;
  loss: number;
  seconds: number;
  lr?: number;
  [name: string]: number | undefined;
}

export interface History {
  epochs: EpochLogs[];
  /** True when a callback (e.g. EarlyStopping) ended training before the last epoch. */
  stoppedEarly: boolean;
}

/** The validation name of a log entry: 'loss' -> 'valLoss', 'accuracy' -> 'valAccuracy'. */
export function validationName(name: string): string {
  return `val${name[0].toUpperCase()}${name.slice(1)}`;
}

/** The values one log entry took over the epochs, e.g. seriesOf(history, 'valAccuracy'). */
export function seriesOf(history: History, name: string): number[] {
  return history.epochs.map((e) => e[name]).filter((v): v is number => v !== undefined);
}
