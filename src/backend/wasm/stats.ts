// Counters that show which path each op took: tests assert the SIMD kernels really ran.
export interface WasmStats {
  /** SIMD kernel invocations by kernel path (e.g. 'conv2d.im2col', 'matmul', 'maxPool2d'). */
  kernels: Record<string, number>;
  /** Calls handed to the reference kernels, by op, with the reason. */
  fallbacks: Record<string, number>;
  /** Kernel runs by the number of threads that shared them. */
  threadRuns: Record<number, number>;
  /** Size of the kernels' WebAssembly memory (it grows to the largest call's need, never further). */
  memoryBytes: number;
  /** Why a worker failed to start or died (ops then run on fewer threads), or null. */
  workerError: string | null;
}

const stats: WasmStats = { kernels: {}, fallbacks: {}, threadRuns: {}, memoryBytes: 0, workerError: null };

export function countKernel(path: string): void {
  stats.kernels[path] = (stats.kernels[path] ?? 0) + 1;
}

export function countFallback(op: string, reason: string): void {
  const key = `${op}: ${reason}`;
  stats.fallbacks[key] = (stats.fallbacks[key] ?? 0) + 1;
}

export function countThreadRun(threads: number, memoryBytes: number): void {
  stats.threadRuns[threads] = (stats.threadRuns[threads] ?? 0) + 1;
  stats.memoryBytes = memoryBytes;
}

export function recordWorkerError(err: unknown): void {
  stats.workerError ??= err instanceof Error ? err.message : String(err);
}

/** A snapshot of the counters. */
export function getWasmStats(): WasmStats {
  return {
    kernels: { ...stats.kernels },
    fallbacks: { ...stats.fallbacks },
    threadRuns: { ...stats.threadRuns },
    memoryBytes: stats.memoryBytes,
    workerError: stats.workerError,
  };
}

/** Zero the counters (memoryBytes keeps reporting the current size). */
export function resetWasmStats(): void {
  stats.kernels = {};
  stats.fallbacks = {};
  stats.threadRuns = {};
}
