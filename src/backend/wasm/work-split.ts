// How many threads an op uses, and how finely they divide it (mirrors kernels/assembly/work-split.ts).
import { NC, NR, Split } from './records.generated.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this much work per thread, waking a worker costs more than it saves. */
const DEFAULT_MIN_FLOPS_PER_THREAD = 1.5e6;
let minFlopsPerThread = DEFAULT_MIN_FLOPS_PER_THREAD;
/** Chunks per thread that threads claim dynamically: enough to even out a thread that gets less CPU. */
const CHUNKS_PER_THREAD = 4;

/**
 * Rows (SPLIT_M, a multiple of the micro-tile height `mr`, at most `mc`) or columns (SPLIT_N, a multiple
 * of 8, at most NC) per chunk.
 */
export function chunkSize(split: number, m: number, n: number, threads: number, mr: number, mc: number): number {
  const [count, unit, most] = split === Split.m ? [m, mr, mc] : [n, NR, NC];
  if (threads === 1) return Math.min(most, Math.ceil(count / unit) * unit);
  const target = Math.ceil(count / (threads * CHUNKS_PER_THREAD) / unit) * unit;
  return Math.max(unit, Math.min(most, target));
}

/** Threads for an op of `flops` (or comparable units of work). */
export function threadsFor(rt: WasmRuntime, flops: number): number {
  return Math.max(1, Math.min(rt.threads, Math.floor(flops / minFlopsPerThread)));
}

/**
 * Work per thread below which ops stay on fewer threads (default 1.5 MFLOP). Tests lower it to drive tiny
 * ops through the worker pool; not part of the public API.
 */
export function setMinFlopsPerThread(flops = DEFAULT_MIN_FLOPS_PER_THREAD): void {
  if (!(flops >= 0)) throw new Error(`setMinFlopsPerThread: expected a non-negative number, got ${flops}`);
  minFlopsPerThread = flops;
}
