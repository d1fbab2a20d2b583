// A pool of workers sharing the kernels' WebAssembly memory. Ops stay synchronous: the calling thread
// publishes a job in the control block, runs thread 0's share itself, then waits for the workers.
// Workers start asynchronously; until one reports ready it simply gets no share, so the pool works from
// the first call (single-threaded) and never blocks on start-up. Workers are unref'ed in Node.
//
// Protocol (control-block.ts): the caller writes the job, sets pending to the number of helpers and
// assigned[w] = the new generation for each, then stores gen and notifies. A worker runs a job only for a
// generation it has not seen before (never on a bare wake-up: the notify may land after the worker already
// ran that job) and only if assigned to it, then decrements pending; the last one notifies the caller.
// The caller touches the job slots again only once pending is 0, so every helper has read them by then.
import { Control, CONTROL_SLOTS, MAX_WORKERS, SPIN_ITERATIONS } from './control-block.js';
import { recordWorkerError } from './stats.js';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from './worker-source.js';

type KernelFn = (task: number, tid: number, threads: number) => void;

type WorkerHandle = object;

interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown; execArgv: string[] }) => {
    unref(): void;
    on(event: 'error', listener: (err: unknown) => void): void;
  };
}

interface ProcessLike {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): ProcessLike | undefined {
  const proc = (globalThis as { process?: ProcessLike }).process;
  return proc?.versions?.node ? proc : undefined;
}

/** Logical cores available to this process (the default thread count). */
export function availableCores(): number {
  const proc = nodeProcess();
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const cores = os?.availableParallelism?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(MAX_WORKERS + 1, cores ?? 1));
}

/** Atomics.wait throws on a browser's main thread; there we spin on Atomics.load instead. */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  private readonly workers: (WorkerHandle | null)[] = [];
  /** Workers that reported an error (or could not be created): they never get a share. */
  private readonly failed: boolean[] = [];
  private readonly blocking = canBlock();
  private threads: number;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly kernelNames: readonly string[],
    private readonly kernels: readonly KernelFn[],
  ) {
    this.threads = availableCores();
  }

  /** Threads an op may use, the calling thread included. */
  get size(): number {
    return this.threads;
  }

  /** Workers beyond a smaller size stay parked (never given a share) so their slots are never reused. */
  set size(n: number) {
    this.threads = Math.max(1, Math.min(MAX_WORKERS + 1, Math.floor(n)));
  }

  /** Run `kernel` on `task` with up to `maxThreads` threads; returns how many took part. */
  run(kernel: number, task: number, maxThreads: number): number {
    const wanted = Math.min(maxThreads, this.threads);
    if (wanted > 1) this.spawnWorkers(wanted - 1);
    const helpers: number[] = [];
    for (let i = 0; i < this.workers.length && helpers.length < wanted - 1; i++) {
      if (Atomics.load(this.control, Control.ready + i) === 1) helpers.push(i);
    }
    if (helpers.length === 0) {
      this.kernels[kernel](task, 0, 1);
      return 1;
    }
    const ctrl = this.control;
    const threads = helpers.length + 1;
    const gen = (Atomics.load(ctrl, Control.gen) + 1) | 0;
    ctrl[Control.kernel] = kernel;
    ctrl[Control.task] = task;
    ctrl[Control.threads] = threads;
    Atomics.store(ctrl, Control.pending, helpers.length);
    helpers.forEach((worker, j) => {
      Atomics.store(ctrl, Control.tid + worker, j + 1);
      Atomics.store(ctrl, Control.assigned + worker, gen);
    });
    Atomics.store(ctrl, Control.gen, gen);
    Atomics.notify(ctrl, Control.gen);
    let failure: unknown = null;
    try {
      this.kernels[kernel](task, 0, threads);
    } catch (err) {
      failure = err; // still wait: workers are writing into the same memory
    }
    this.waitForWorkers();
    if (failure) throw failure;
    if (Atomics.exchange(ctrl, Control.error, 0) !== 0) {
      throw new Error(`wasm backend: kernel '${this.kernelNames[kernel]}' failed on a worker thread`);
    }
    return threads;
  }

  private waitForWorkers(): void {
    const ctrl = this.control;
    for (let spin = 0; ; spin++) {
      const pending = Atomics.load(ctrl, Control.pending);
      if (pending === 0) return;
      if (this.blocking && spin >= SPIN_ITERATIONS) Atomics.wait(ctrl, Control.pending, pending);
    }
  }

  /** Workers that are ready for jobs or have failed: ready() waits for no others. */
  settledWorkers(): number {
    let settled = 0;
    for (let i = 0; i < this.workers.length; i++) {
      if (this.failed[i] || Atomics.load(this.control, Control.ready + i) === 1) settled++;
    }
    return settled;
  }

  spawnWorkers(count: number): void {
    while (this.workers.length < count) {
      const index = this.workers.length;
      const data = { module: this.module, memory: this.memory, control: this.control.buffer, index, kernels: this.kernelNames };
      this.failed.push(false);
      this.workers.push(this.startWorker(data, (err) => this.workerFailed(index, err)));
    }
  }

  /** A worker that failed (to start, or later) is never given a share again. */
  private workerFailed(index: number, err: unknown): void {
    this.failed[index] = true;
    Atomics.store(this.control, Control.ready + index, 0);
    recordWorkerError(err);
  }

  private startWorker(data: object, onError: (err: unknown) => void): WorkerHandle | null {
    try {
      const threads = nodeProcess()?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
      if (threads) {
        // execArgv []: the parent's loaders (e.g. tsx) and flags like --input-type are not for this script.
        const worker = new threads.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data, execArgv: [] });
        worker.unref();
        worker.on('error', onError);
        return worker;
      }
      if (typeof Worker === 'function' && typeof Blob === 'function') {
        const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
        const worker = new Worker(url);
        URL.revokeObjectURL(url); // the constructor has resolved the URL; keeping it would pin the Blob
        worker.onerror = (event) => onError(event.message);
        worker.postMessage(data);
        return worker;
      }
    } catch (err) {
      onError(err); // no worker support here (or blocked by policy): the calling thread works alone
    }
    return null;
  }
}
