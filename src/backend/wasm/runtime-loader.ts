// Loads the kernels once: synchronously where the engine allows it (Node, workers), otherwise in the
// background (a browser main thread), with ready() to wait for it. Until then ops use the reference kernels.
import { hasWasmSimd } from './feature-probe.js';
import { chooseKernelBinary, compileSync, type KernelBinary } from './module-loader.js';
import { availableCores } from './thread-pool.js';
import { WasmRuntime } from './wasm-runtime.js';

let runtime: WasmRuntime | null = null;
let binary: KernelBinary | null = null;
let pending: Promise<void> | null = null;
let requestedThreads: number | null = null;
let requestedWeightCacheBytes: number | null = null;

export const simdSupported = hasWasmSimd();

function start(module: WebAssembly.Module, chosen: KernelBinary): void {
  runtime = new WasmRuntime(module, chosen);
  if (requestedThreads !== null) runtime.threads = requestedThreads;
  if (requestedWeightCacheBytes !== null) runtime.weights.setLimit(requestedWeightCacheBytes);
}

/** The loaded kernels, or null while a browser compiles them asynchronously (or without SIMD). */
export function getRuntime(): WasmRuntime | null {
  if (runtime || !simdSupported) return runtime;
  if (!binary) {
    binary = chooseKernelBinary();
    const module = compileSync(binary);
    if (module) start(module, binary);
    else void ready(); // compile in the background; ops use the reference kernels meanwhile
  }
  return runtime;
}

/**
 * Resolves once the kernels are compiled and the worker threads started. Ops work without it (compiling
 * synchronously where allowed, running single-threaded until workers are up); a browser main thread needs
 * it, and timings are steadier after it.
 */
export async function ready(): Promise<void> {
  if (!simdSupported) return;
  if (!runtime && !getRuntime()) {
    const chosen = binary as KernelBinary;
    pending ??= WebAssembly.compile(chosen.bytes).then((module) => {
      if (!runtime) start(module, chosen);
    });
    await pending;
  }
  await runtime?.startWorkers();
}

export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a positive integer, got ${n}`);
  requestedThreads = n;
  if (runtime) runtime.threads = n;
}

/**
 * Most bytes of packed weights the wasm backend keeps between calls (default 512 MiB; 0 turns the cache
 * off). Lowering it frees what the cache holds; weights past the limit are packed on every call.
 */
export function setWeightCacheLimit(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`setWeightCacheLimit: expected a whole number of bytes >= 0, got ${bytes}`);
  requestedWeightCacheBytes = bytes;
  runtime?.weights.setLimit(bytes);
}

/** Threads ops use: the calling thread plus workers (1 without SharedArrayBuffer). */
export function getNumThreads(): number {
  const rt = getRuntime();
  return rt ? rt.threads : Math.min(requestedThreads ?? availableCores(), binary?.shared === false ? 1 : Infinity);
}

/** Whether the relaxed-SIMD (fused multiply-add) build is the one running. */
export function usingRelaxedSimd(): boolean {
  return getRuntime()?.relaxed ?? false;
}
