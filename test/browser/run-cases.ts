// Runs the conv cases on the calling thread (a page's main thread or a worker) with the wasm backend
// asked for two threads, and reports what actually ran.
import { getBackend } from '../../src/index.js';
import { getNumThreads, getWasmStats, ready, resetWasmStats, setNumThreads, usingRelaxedSimd } from '../../src/backend/wasm/index.js';
import { runConvCases } from './conv-cases.js';
import type { ThreadResult } from './page-result.js';

export async function runCasesHere(): Promise<ThreadResult> {
  setNumThreads(2);
  const t0 = performance.now();
  await ready(); // a browser main thread compiles the kernels asynchronously, and workers start in the background
  const t1 = performance.now();
  resetWasmStats();
  const cases = runConvCases();
  const t2 = performance.now();
  return {
    backend: getBackend().name,
    threads: getNumThreads(),
    relaxedSimd: usingRelaxedSimd(),
    stats: getWasmStats(),
    cases,
    readyMs: t1 - t0,
    computeMs: t2 - t1,
  };
}
