// A JSON-lines training log: one object per line, appended with a single write each, so a reader (or a
// crash) never sees half a record except possibly on the very last line. A resumed run first removes what
// the interrupted run logged past the checkpoint, so each epoch is logged once.
import { appendFile, readFile } from 'node:fs/promises';
import { atomicWriteFile } from './atomic-write.js';
import type { Callback } from '../train/callbacks.js';
import type { BatchLogs, EpochLogs, History } from '../train/history.js';
import type { TrainingContext } from '../train/training-context.js';

export interface JsonLogOptions {
  /** Also log every n-th optimiser step (default 0: epochs only). */
  everySteps?: number;
}

/**
 * Append {"event":"start"|"step"|"epoch"|"end", "time": ISO date, ...} lines to `path`. Epoch lines hold the
 * epoch logs (loss, accuracy, valLoss, ..., lr, seconds); step lines the running loss and metrics.
 */
export function jsonLog(path: string, options: JsonLogOptions = {}): Callback {
  const everySteps = options.everySteps ?? 0;
  if (!Number.isInteger(everySteps) || everySteps < 0) throw new Error(`jsonLog: everySteps must be a non-negative integer, got ${everySteps}`);
  const write = async (record: Record<string, unknown>): Promise<void> => {
    const line = JSON.stringify({ event: record.event, time: new Date().toISOString(), ...record }) + '\n';
    try {
      await appendFile(path, line);
    } catch (error) {
      throw new Error(`jsonLog: cannot append to '${path}': ${(error as Error).message}`, { cause: error });
    }
  };
  let step = 0;
  return {
    onTrainBegin: async (context: TrainingContext) => {
      step = context.progress().step;
      if (context.initialEpoch > 0) await forgetEpochsAfter(path, context.initialEpoch);
      await write({ event: 'start', epochs: context.epochs, initialEpoch: context.initialEpoch, stepsPerEpoch: context.stepsPerEpoch });
    },
    onBatchEnd: async (logs: BatchLogs) => {
      step++;
      if (everySteps === 0 || step % everySteps !== 0) return;
      await write({ event: 'step', step, epoch: logs.epoch, batch: logs.batch, loss: logs.loss, batchLoss: logs.batchLoss, ...logs.metrics });
    },
    onEpochEnd: async (logs: EpochLogs) => {
      await write({ event: 'epoch', ...logs });
    },
    onTrainEnd: async (history: History) => {
      await write({ event: 'end', epochs: history.epochs.length, stoppedEarly: history.stoppedEarly });
    },
  };
}

/**
 * Remove the step and epoch lines past `epoch` that the last run in the log wrote (after its last "start"
 * line), and a half-written last line: what a run killed after its last checkpoint logged, and will log again.
 */
async function forgetEpochsAfter(path: string, epoch: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`jsonLog: cannot read '${path}' to resume it: ${(error as Error).message}`, { cause: error });
  }
  const lines = text.split('\n').filter((line) => line !== '');
  const records = lines.map(parseRecord);
  let lastStart = records.length - 1;
  while (lastStart >= 0 && records[lastStart]?.event !== 'start') lastStart--;
  const kept = lines.filter((_, i) => {
    const r = records[i];
    if (i <= lastStart) return true;
    return r !== undefined && !((r.event === 'epoch' || r.event === 'step') && typeof r.epoch === 'number' && r.epoch > epoch);
  });
  if (kept.length === lines.length && text.endsWith('\n')) return;
  await atomicWriteFile(path, new TextEncoder().encode(kept.map((line) => `${line}\n`).join('')));
}

function parseRecord(line: string): { event?: unknown; epoch?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as { event?: unknown; epoch?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
