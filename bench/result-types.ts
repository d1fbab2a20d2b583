// The JSON a case run produces (one per child process) and bench/results/latest.json collects.
import type { Library } from './implementation.js';

/** Prefix of the line that carries a case-child's result on stdout. */
export const RESULT_MARKER = 'BENCH_RESULT ';

export interface RowResult {
  name: string;
  library: Library;
  /** 'skipped' with a reason when the library cannot express the case or lacks a kernel. */
  status: 'ok' | 'skipped';
  reason?: string;
  iterations?: number;
  medianMs?: number;
  minMs?: number;
  gflops?: number | null;
  /** max |output - reference| / max |reference|, the reference being ConvKit's js backend where it ran. */
  relError?: number;
}

export interface CaseResult {
  id: string;
  title: string;
  flops: number | null;
  rows: RowResult[];
  /** Who the outputs were checked against. */
  reference: string | null;
  /** Process RSS high-water (MB): after loading libraries and data, and at the end of the case. */
  rssAfterLoadMB: number;
  peakRssMB: number;
  /** With --memory: RSS high-water of a separate process that ran only this library (MB). */
  libraryPeakRssMB?: Partial<Record<Library, number>>;
  /** With --memory: the same for a process that loads no library (Node, tsx and the case data). */
  baselineRssMB?: number;
  /** ConvKit wasm kernel paths, fallbacks and thread use during the timed runs. */
  wasmStats: Record<string, unknown> | null;
  elapsedS: number;
}
