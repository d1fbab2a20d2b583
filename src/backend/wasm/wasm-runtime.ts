// The loaded kernels: one module instance on the calling thread, its memory arena and the worker pool.
import { CONVKIT_KERNEL_NAMES } from './kernel-names.js';
import { checkLayout } from './layout-check.js';
import type { KernelBinary } from './module-loader.js';
import { MemoryArena } from './memory-arena.js';
import { countThreadRun } from './stats.js';
import { ThreadPool } from './thread-pool.js';
import { WeightCache } from './weight-cache.js';

export type KernelName = (typeof CONVKIT_KERNEL_NAMES)[number];

const MAX_PAGES = [65536, 16384, 4096]; // 4 GiB, then less where the address space is tight

function createMemory(shared: boolean): WebAssembly.Memory {
  for (const maximum of MAX_PAGES) {
    try {
      return new WebAssembly.Memory({ initial: 32, maximum, shared });
    } catch {
      // try a smaller reservation
    }
  }
  throw new Error('wasm backend: could not reserve WebAssembly memory');
}

export class WasmRuntime {
  readonly arena: MemoryArena;
  /** Packed weights kept between calls, in the arena's memory (so every worker reads the same copy). */
  readonly weights: WeightCache;
  readonly relaxed: boolean;
  private readonly pool: ThreadPool | null;
  private readonly exports: Record<string, unknown>;
  private numThreads = 1;
  private readonly constants = new Map<string, number>();

  constructor(module: WebAssembly.Module, binary: KernelBinary) {
    const memory = createMemory(binary.shared);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = instance.exports as Record<string, unknown>;
    checkLayout(this.exports);
    this.arena = new MemoryArena(memory);
    this.weights = new WeightCache(this.arena);
    this.relaxed = binary.relaxed;
    const kernels = CONVKIT_KERNEL_NAMES.map((name) => {
      const fn = this.exports[name];
      if (typeof fn !== 'function') throw new Error(`wasm backend: kernel '${name}' missing from the module`);
      return fn as (task: number, tid: number, threads: number) => void;
    });
    this.pool = binary.shared ? new ThreadPool(module, memory, CONVKIT_KERNEL_NAMES, kernels) : null;
    this.numThreads = this.pool?.size ?? 1;
  }

  get threads(): number {
    return this.numThreads;
  }

  set threads(n: number) {
    if (this.pool) {
      this.pool.size = n;
      this.numThreads = this.pool.size;
    }
  }

  /** Run a kernel over its task record on up to `maxThreads` threads; returns how many ran it. */
  run(kernel: KernelName, task: number, maxThreads = this.numThreads): number {
    let used = 1;
    if (this.pool) used = this.pool.run(CONVKIT_KERNEL_NAMES.indexOf(kernel), task, maxThreads);
    else (this.exports[kernel] as (task: number, tid: number, threads: number) => void)(task, 0, 1);
    countThreadRun(used, this.arena.memory.buffer.byteLength);
    return used;
  }

  /** Start the workers now and resolve once each can take work or has failed (or after `timeoutMs`). */
  async startWorkers(timeoutMs = 5000): Promise<void> {
    if (!this.pool) return;
    this.pool.spawnWorkers(this.numThreads - 1);
    const deadline = Date.now() + timeoutMs;
    while (this.pool.settledWorkers() < this.numThreads - 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** A constant exported by the module (scratch sizes, the micro-tile height). */
  constant(name: 'SCRATCH_BYTES' | 'GEMM_MR' | 'GEMM_MC'): number {
    let value = this.constants.get(name);
    if (value === undefined) {
      const global = this.exports[name];
      if (!(global instanceof WebAssembly.Global)) throw new Error(`wasm backend: constant '${name}' missing`);
      value = global.value as number;
      this.constants.set(name, value);
    }
    return value;
  }
}
