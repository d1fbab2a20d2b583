// What the test page publishes on window.__convkitResult once it has run (or failed).
import type { WasmStats } from '../../src/backend/wasm/index.js';
import type { ConvCaseResult } from './conv-cases.js';

/** One run of the conv cases, on the page's main thread or in a dedicated worker. */
export interface ThreadResult {
  /** The backend ops ran on ('wasm' or the 'js' reference). */
  backend: string;
  /** getNumThreads() after setNumThreads(2): 1 where SharedArrayBuffer is missing. */
  threads: number;
  relaxedSimd: boolean;
  /** Which kernels ran, fallbacks to the reference kernels, and kernel runs by thread count. */
  stats: WasmStats;
  cases: ConvCaseResult[];
  /** Time for ready() (compile the kernels, start the workers) and for the cases, in milliseconds. */
  readyMs: number;
  computeMs: number;
}

export interface PageResult {
  crossOriginIsolated: boolean;
  mainThread: ThreadResult;
  worker: ThreadResult;
}

export type PageOutcome = PageResult | { error: string };

export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
}
