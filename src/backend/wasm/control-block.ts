// Int32 slots of the SharedArrayBuffer through which the calling thread hands jobs to workers.
export const MAX_WORKERS = 63;
/** Atomics.load polls (tens of microseconds) before a waiting thread goes to sleep in Atomics.wait. */
export const SPIN_ITERATIONS = 20000;

export const Control = {
  gen: 0, // job generation (1 .. 2^30, then wraps), bumped (and notified) to publish a job
  kernel: 2, // index into the kernel name list
  task: 3, // task record pointer
  threads: 4, // threads sharing the job, the caller included
  error: 5, // set by a worker whose kernel threw
  ready: 16, // + worker index: 1 once the worker has instantiated the module
  // + worker index: gen while the share is offered, -gen once the worker has taken it, 0 when done or when
  // the caller ran the share itself
  slot: 16 + MAX_WORKERS,
  tid: 16 + 2 * MAX_WORKERS, // + worker index: its thread index in that job
} as const;

/** The generation after `gen`: always positive, so -gen can mark a taken share. */
export function nextGeneration(gen: number): number {
  return (gen % 0x3fffffff) + 1;
}

export const CONTROL_SLOTS = 16 + 3 * MAX_WORKERS;
