// Training progress for Node: a live cli-progress bar (samples/s, loss, metrics, ETA) when the stream is a
// terminal, and plain lines every few seconds when it is not (logs, CI). Either way each epoch ends with a
// summary line. Writes to stderr by default, so stdout stays free for results (convkit train --json).
import { createRequire } from 'node:module';
import type { Callback } from '../train/callbacks.js';
import type { BatchLogs, EpochLogs } from '../train/history.js';
import type { TrainingContext } from '../train/training-context.js';

// cli-progress ships no types; this is the part of its API used here.
interface CliProgressBar {
  start(total: number, value: number, payload: Record<string, string>): void;
  update(value: number, payload: Record<string, string>): void;
  stop(): void;
}
interface CliProgressModule {
  SingleBar: new (options: Record<string, unknown>, preset: object) => CliProgressBar;
  Presets: { shades_classic: object };
}
const cliProgress = createRequire(import.meta.url)('cli-progress') as CliProgressModule;

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBarOptions {
  /** Where to write (default process.stderr). */
  stream?: ProgressStream;
  /** true: plain lines; false: the live bar; default: the bar when the stream is a terminal. */
  plain?: boolean;
  /** Seconds between plain progress lines (default 10). */
  intervalSeconds?: number;
}

export class ProgressBar implements Callback {
  private readonly stream: ProgressStream;
  private readonly plain: boolean;
  private readonly intervalMs: number;
  private bar: CliProgressBar | null = null;
  private epochStart = 0;
  private lastLine = 0;
  private epochs = 0;

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.plain = options.plain ?? !this.stream.isTTY;
    this.intervalMs = (options.intervalSeconds ?? 10) * 1000;
  }

  onTrainBegin(context: TrainingContext): void {
    this.epochs = context.epochs;
    if (context.initialEpoch > 0) this.stream.write(`resuming after epoch ${context.initialEpoch} of ${context.epochs}\n`);
  }

  onEpochBegin(epoch: number, context: TrainingContext): void {
    this.epochStart = Date.now();
    this.lastLine = this.epochStart;
    if (this.plain) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `epoch ${epoch}/${this.epochs} |{bar}| {value}/{total} | {speed} samples/s | {metrics} | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(context.stepsPerEpoch, 0, { speed: '-', metrics: '' });
  }

  onBatchEnd(logs: BatchLogs): void {
    const elapsed = (Date.now() - this.epochStart) / 1000;
    const speed = elapsed > 0 ? (logs.samples / elapsed).toFixed(0) : '-';
    const metrics = formatValues({ loss: logs.loss, ...logs.metrics });
    if (this.bar) {
      this.bar.update(logs.batch, { speed, metrics });
      return;
    }
    if (Date.now() - this.lastLine < this.intervalMs || logs.batch === logs.batches) return;
    this.lastLine = Date.now();
    const eta = (elapsed / logs.batch) * (logs.batches - logs.batch);
    const percent = ((100 * logs.batch) / logs.batches).toFixed(1);
    this.stream.write(
      `epoch ${logs.epoch}/${this.epochs} batch ${logs.batch}/${logs.batches} (${percent}%) | ${speed} samples/s | ${metrics} | ETA ${formatDuration(eta)}\n`,
    );
  }

  onEpochEnd(logs: EpochLogs): void {
    this.bar?.stop();
    this.bar = null;
    const { epoch, seconds, lr, ...values } = logs;
    this.stream.write(`epoch ${epoch}/${this.epochs} done in ${formatDuration(seconds)} | ${formatValues(values)}${lr !== undefined ? ` | lr ${lr}` : ''}\n`);
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = null;
  }

  /** Stop the redraw timer and show the cursor again, so a failed fit leaves the terminal and process as found. */
  onTrainError(): void {
    this.onTrainEnd();
  }
}

/** 'loss 0.2100 accuracy 0.9361'. */
export function formatValues(values: Record<string, number | undefined>): string {
  return Object.entries(values)
    .filter((e): e is [string, number] => e[1] !== undefined)
    .map(([name, v]) => `${name} ${v.toFixed(4)}`)
    .join(' ');
}

/** 75 -> '1m 15s', 3725 -> '1h 2m', 4.2 -> '4.2s'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
