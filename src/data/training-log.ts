// The JSON-lines training log (convkit/node's jsonLog, `convkit train --log`, `convkit style --log`) read back
// as points to plot: epoch records at their epoch, step records at their step (or, when the log also holds
// epochs, at their fraction of an epoch). Runs appended to one file, and fine-tuning phases that count
// epochs from 1 again, continue the x axis after the phase before.
import type { EpochLogs } from '../train/history.js';

export interface LogPoint {
  /** Epoch (epoch records; steps too when the log has epochs) or step number. */
  x: number;
  /** Every plottable value of the record; null where the log held a non-finite number. */
  values: Record<string, number | null>;
}

export interface TrainingLog {
  epochs: LogPoint[];
  steps: LogPoint[];
  /** What a step's x counts: 'epoch' when the log also has epoch records, else 'step'. */
  stepAxis: 'epoch' | 'step';
  /** True when the last line was a half-written record (a run killed mid-write), which was left out. */
  truncated: boolean;
}

/** Bookkeeping fields of the records: never plotted. */
const NOT_PLOTTED = new Set(['event', 'time', 'epoch', 'step', 'batch', 'batches', 'samples', 'seconds']);
const EVENTS = new Set(['start', 'step', 'epoch', 'end']);

function plottable(record: Record<string, unknown>, where: string): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(record)) {
    if (NOT_PLOTTED.has(name)) continue;
    if (value !== null && typeof value !== 'number') {
      throw new Error(`${where}: '${name}' is ${JSON.stringify(value)}; the values of ${record.event} records must be numbers (null for non-finite ones)`);
    }
    values[name] = value;
  }
  return values;
}

function checkCount(record: Record<string, unknown>, name: 'epoch' | 'step', where: string): number {
  const n = record[name];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`${where}: a ${record.event} record needs '${name}', a non-negative integer, got ${JSON.stringify(n)}`);
  return n;
}

/** Parse a log's text; errors name `source`, the line and what is wrong. */
export function parseTrainingLog(text: string, source = 'training log'): TrainingLog {
  const lines = text.split('\n');
  const hasFinalNewline = text.endsWith('\n');
  const records: Array<{ record: Record<string, unknown>; where: string }> = [];
  let truncated = false;
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    const where = `${source}:${k + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      // Only the very last line can be half-written (one write per record): leave it out and say so.
      if (k === lines.length - 1 && !hasFinalNewline && records.length > 0) {
        truncated = true;
        return;
      }
      throw new Error(`${where}: not a JSON record (${(error as Error).message})`, { cause: error });
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error(`${where}: a record is a JSON object, got ${JSON.stringify(record).slice(0, 40)}`);
    const event = (record as Record<string, unknown>).event;
    if (typeof event !== 'string' || !EVENTS.has(event)) throw new Error(`${where}: 'event' must be one of ${[...EVENTS].join(', ')}, got ${JSON.stringify(event)}`);
    records.push({ record: record as Record<string, unknown>, where });
  });
  const hasEpochs = records.some((r) => r.record.event === 'epoch');
  const log: TrainingLog = { epochs: [], steps: [], stepAxis: hasEpochs ? 'epoch' : 'step', truncated };
  let offset = 0; // where this phase's epoch 0 lies on the x axis
  let lastEpoch = 0; // x of the last epoch record
  let stepsPerEpoch: number | null = null;
  let phases = 0;
  for (const { record, where } of records) {
    if (record.event === 'start') {
      const initial = typeof record.initialEpoch === 'number' ? record.initialEpoch : 0;
      if (phases++ > 0 && initial === 0) offset = lastEpoch; // a new run or phase counting from epoch 1 again
      stepsPerEpoch = typeof record.stepsPerEpoch === 'number' && record.stepsPerEpoch > 0 ? record.stepsPerEpoch : null;
    } else if (record.event === 'epoch') {
      lastEpoch = offset + checkCount(record, 'epoch', where);
      log.epochs.push({ x: lastEpoch, values: plottable(record, where) });
    } else if (record.event === 'step') {
      const step = checkCount(record, 'step', where);
      if (hasEpochs && stepsPerEpoch === null) throw new Error(`${where}: a step record in a log with epochs needs its run's start record with 'stepsPerEpoch' before it`);
      log.steps.push({ x: hasEpochs ? offset + step / stepsPerEpoch! : step, values: plottable(record, where) });
    }
  }
  if (log.epochs.length === 0 && log.steps.length === 0) throw new Error(`${source}: no epoch or step records to plot (${records.length} record(s) read)`);
  return log;
}

/** fit() histories' epochs (a training phase, then e.g. fine-tuning) as a log, each phase after the last. */
export function trainingLogOf(...phases: ReadonlyArray<readonly EpochLogs[]>): TrainingLog {
  const epochs: LogPoint[] = [];
  let offset = 0;
  for (const phase of phases) {
    for (const e of phase) epochs.push({ x: offset + e.epoch, values: valuesOf(e) });
    offset = epochs.at(-1)?.x ?? offset;
  }
  if (epochs.length === 0) throw new Error('trainingLogOf: the histories hold no epochs to plot');
  return { epochs, steps: [], stepAxis: 'epoch', truncated: false };
}

function valuesOf(logs: EpochLogs): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const [name, v] of Object.entries(logs)) {
    if (!NOT_PLOTTED.has(name) && v !== undefined) values[name] = Number.isFinite(v) ? v : null;
  }
  return values;
}
