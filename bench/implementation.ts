// What every library adapter provides: implementations that prepare a runner for a case or say why they
// cannot run it.
import type { BenchCase } from './cases.js';
import type { CaseData } from './case-data.js';

export interface Runner {
  /** Untimed, before every timed run: select the library's backend or thread count. */
  activate?(): void | Promise<void>;
  /** One timed run, including getting the result into a JS typed array. */
  run(): unknown;
  /** The result in ConvKit's layout (NHWC, [batch, classes], [n, n]) for the cross-library check. */
  output?(): Promise<Float32Array>;
}

export type Prepared = { runner: Runner } | { skip: string };

export type Library = 'convkit' | 'tfjs' | 'onnxruntime' | 'onnxruntime-web' | 'pytorch' | 'convnetjs';

export interface Implementation {
  /** Row label, e.g. 'convkit wasm 2t'. */
  name: string;
  library: Library;
  /** Plain JavaScript loops: fewer timed iterations (BenchCase.slowIterations). */
  slow: boolean;
  prepare(c: BenchCase, data: CaseData): Promise<Prepared>;
}

export const skip = (reason: string): Prepared => ({ skip: reason });

export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].slice(0, 160);
}
