// Watching one logged value for improvement: shared by EarlyStopping and ModelCheckpoint.
import type { EpochLogs } from './history.js';

export type MonitorMode = 'min' | 'max' | 'auto';

export interface MonitorOptions {
  /** The log entry to watch (default 'valLoss'). */
  monitor?: string;
  /** 'min' for losses, 'max' for accuracies; 'auto' picks from the name (default). */
  mode?: MonitorMode;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

export class Monitor {
  readonly name: string;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;

  constructor(options: MonitorOptions, owner: string) {
    this.name = options.monitor ?? 'valLoss';
    const mode = options.mode ?? 'auto';
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto') throw new Error(`${owner}: mode must be 'min', 'max' or 'auto', got '${String(mode)}'`);
    this.mode = mode === 'auto' ? (/acc|auc|precision|recall|f1/i.test(this.name) ? 'max' : 'min') : mode;
    this.minDelta = Math.abs(options.minDelta ?? 0);
  }

  /** The watched value in the logs; throws naming the entries there are when it is missing. */
  valueIn(logs: EpochLogs, owner: string): number {
    const v = logs[this.name];
    if (v === undefined) {
      const names = Object.keys(logs).join(', ');
      throw new Error(`${owner}: monitored value '${this.name}' is not in the epoch logs (${names})${this.name.startsWith('val') ? '; pass a validation loader to fit' : ''}`);
    }
    return v;
  }

  improves(value: number, best: number | undefined): boolean {
    if (best === undefined) return Number.isFinite(value);
    return this.mode === 'min' ? value < best - this.minDelta : value > best + this.minDelta;
  }
}
