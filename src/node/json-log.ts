// A JSON-lines training log: one object per line, appended with a single write each, so a reader (or a
// crash) never sees half a record except possibly on the very last line.
import { appendFile } from 'node:fs/promises';
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
