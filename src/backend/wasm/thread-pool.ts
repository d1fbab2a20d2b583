// A pool of workers sharing the kernels' WebAssembly memory. Ops stay synchronous: the calling thread
// publishes a job in the control block, runs thread 0's share itself, then runs every share no worker has
// taken yet and waits only for the ones that were taken.
// Workers start asynchronously; until one reports ready it simply gets no share, so the pool works from
// the first call (single-threaded) and never blocks on start-up. Workers are unref'ed in Node.
//
// Protocol (control-block.ts): the caller writes the job, offers share j to worker w by storing
// slot[w] = gen (after tid[w] = j), then stores gen and notifies. A worker takes an offered share with
// compareExchange(slot, gen, -gen), runs it, and stores 0 (then notifies). Once its own share is done, the
// caller withdraws each untaken offer with compareExchange(slot, gen, 0) and runs that share itself, so a
// worker that is asleep or descheduled (waking one takes tens of microseconds on a virtual machine) costs
// the op nothing; a share is run exactly once whoever wins. Every share gives the same result whichever
// thread runs it, so results do not depend on who took what. The caller touches the job slots again only
// once no share is taken and running.
import { Control, CONTROL_SLOTS, MAX_WORKERS, SPIN_ITERATIONS, nextGeneration } from './control-block.js';
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

  /** Run `kernel` on `task` with up to `maxThreads` shares; returns how many threads took part. */
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
    const gen = nextGeneration(Atomics.load(ctrl, Control.gen));
    ctrl[Control.kernel] = kernel;
    ctrl[Control.task] = task;
    ctrl[Control.threads] = threads;
    helpers.forEach((worker, j) => {
      Atomics.store(ctrl, Control.tid + worker, j + 1);
      Atomics.store(ctrl, Control.slot + worker, gen);
    });
    Atomics.store(ctrl, Control.gen, gen);
    Atomics.notify(ctrl, Control.gen);
    let failure: unknown = null;
    const runShare = (tid: number): void => {
      try {
        this.kernels[kernel](task, tid, threads);
      } catch (err) {
        failure ??= err; // keep going: workers are writing into the same memory
      }
    };
    runShare(0);
    let taken = 0;
    helpers.forEach((worker, j) => {
      if (Atomics.compareExchange(ctrl, Control.slot + worker, gen, 0) === gen) runShare(j + 1);
      else taken++;
    });
    for (const worker of helpers) this.waitForWorker(worker, gen);
    if (failure) throw failure;
    if (Atomics.exchange(ctrl, Control.error, 0) !== 0) {
      throw new Error(`wasm backend: kernel '${this.kernelNames[kernel]}' failed on a worker thread`);
    }
    return 1 + taken;
  }

  /** Returns once `worker` is not running its share of job `gen` (done, withdrawn, or never taken). */
  private waitForWorker(worker: number, gen: number): void {
    const ctrl = this.control;
    const slot = Control.slot + worker;
    for (let spin = 0; Atomics.load(ctrl, slot) === -gen; spin++) {
      if (this.blocking && spin >= SPIN_ITERATIONS) Atomics.wait(ctrl, slot, -gen);
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
