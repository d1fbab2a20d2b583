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
  /** Weights (GEMM B operands) packed, and Winograd filter transforms run: the work the weight cache saves. */
  weightPacks: number;
  /** Calls that found their weights packed in the weight cache. */
  weightCacheHits: number;
  /** Bytes of packed weights the cache holds in the kernels' memory. */
  weightCacheBytes: number;
}

const stats: WasmStats = {
  kernels: {}, fallbacks: {}, threadRuns: {}, memoryBytes: 0, workerError: null, weightPacks: 0, weightCacheHits: 0, weightCacheBytes: 0,
};

export function countWeightPack(): void {
  stats.weightPacks++;
}

export function countWeightCacheHit(): void {
  stats.weightCacheHits++;
}

export function recordWeightCacheBytes(bytes: number): void {
  stats.weightCacheBytes = bytes;
}

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
    weightPacks: stats.weightPacks,
    weightCacheHits: stats.weightCacheHits,
    weightCacheBytes: stats.weightCacheBytes,
  };
}

/** Zero the counters (memoryBytes and weightCacheBytes keep reporting the current sizes). */
export function resetWasmStats(): void {
  stats.kernels = {};
  stats.fallbacks = {};
  stats.threadRuns = {};
  stats.weightPacks = 0;
  stats.weightCacheHits = 0;
}
