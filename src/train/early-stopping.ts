// EarlyStopping: end training when the monitored value has not improved for `patience` epochs.
import type { Callback } from './callbacks.js';
import type { EpochLogs } from './history.js';
import { Monitor, type MonitorOptions } from './monitor.js';
import type { TrainingContext } from './training-context.js';

export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement to allow before stopping (default 3; 0 stops at the first). */
  patience?: number;
}

export class EarlyStopping implements Callback {
  readonly patience: number;
  private readonly monitor: Monitor;
  private best: number | undefined;
  private waited = 0;
  /** The epoch training stopped after, or undefined when it ran to the end. */
  stoppedEpoch: number | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = options.patience ?? 3;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`EarlyStopping: patience must be a non-negative integer, got ${options.patience}`);
    this.monitor = new Monitor(options, 'EarlyStopping');
  }

  /** Rebuild best value and waiting count from the history, so a resumed run keeps counting. */
  onTrainBegin(context: TrainingContext): void {
    this.best = undefined;
    this.waited = 0;
    this.stoppedEpoch = undefined;
    for (const logs of context.history) this.observe(logs);
  }

  onEpochEnd(logs: EpochLogs, context: TrainingContext): void {
    const improved = this.observe(logs);
    if (!improved && this.waited >= this.patience) {
      context.stopTraining = true;
      this.stoppedEpoch = logs.epoch;
    }
  }

  /** Count an epoch; true when it improved on the best so far. */
  private observe(logs: EpochLogs): boolean {
    const value = this.monitor.valueIn(logs, 'EarlyStopping');
    if (this.monitor.improves(value, this.best)) {
      this.best = value;
      this.waited = 0;
      return true;
    }
    this.waited++;
    return false;
  }
}
