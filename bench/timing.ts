// Interleaved timing: every implementation runs once per round, in an order that rotates each round, so
// load from other processes on this shared machine falls on all of them alike rather than on one.
import type { Runner } from './implementation.js';

export interface TimedEntry {
  name: string;
  runner: Runner;
  /** Warm-up runs at least, and more until warmupMs have been spent (JIT compilers settle over many runs). */
  warmup: number;
  warmupMs: number;
  iterations: number;
}

/** Most warm-up runs an entry gets however fast it is. */
const MAX_WARMUP_RUNS = 200;

async function runOnce(runner: Runner): Promise<number> {
  await runner.activate?.();
  const start = performance.now();
  const result = runner.run();
  if (result instanceof Promise) await result;
  return performance.now() - start;
}

function rotated<T>(items: T[], by: number): T[] {
  const k = by % Math.max(items.length, 1);
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Warm-up rounds until every entry has had its runs and time, then timed rounds; returns run times in ms. */
export async function timeInterleaved(entries: TimedEntry[], log: (line: string) => void = () => {}): Promise<Map<string, number[]>> {
  const samples = new Map(entries.map((e) => [e.name, [] as number[]]));
  const warm = new Map(entries.map((e) => [e.name, { runs: 0, ms: 0 }]));
  const warming = (e: TimedEntry): boolean => {
    const w = warm.get(e.name)!;
    return w.runs < e.warmup || (w.ms < e.warmupMs && w.runs < MAX_WARMUP_RUNS);
  };
  for (let round = 0; entries.some(warming); round++) {
    for (const e of rotated(entries, round)) {
      if (!warming(e)) continue;
      const w = warm.get(e.name)!;
      w.ms += await runOnce(e.runner);
      w.runs++;
    }
  }
  const rounds = Math.max(0, ...entries.map((e) => e.iterations));
  for (let round = 0; round < rounds; round++) {
    for (const e of rotated(entries, round)) {
      if (round < e.iterations) samples.get(e.name)!.push(await runOnce(e.runner));
    }
    log(`  round ${round + 1}/${rounds}`);
  }
  return samples;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall times in ms of `steps` synchronous calls of `step`, after `warmup` untimed calls. */
export function stepTimesMs(step: () => unknown, steps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  return times;
}
