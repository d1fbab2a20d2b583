// Int32 slots of the SharedArrayBuffer through which the calling thread hands jobs to workers.
export const MAX_WORKERS = 63;
/** Atomics.load polls (tens of microseconds) before a waiting thread goes to sleep in Atomics.wait. */
export const SPIN_ITERATIONS = 20000;

export const Control = {
  gen: 0, // job generation, bumped (and notified) to start a job
  pending: 1, // workers still running the current job
  kernel: 2, // index into the kernel name list
  task: 3, // task record pointer
  threads: 4, // threads sharing the job, the caller included
  error: 5, // set by a worker whose kernel threw
  ready: 16, // + worker index: 1 once the worker has instantiated the module
  assigned: 16 + MAX_WORKERS, // + worker index: the generation the worker takes part in
  tid: 16 + 2 * MAX_WORKERS, // + worker index: its thread index in that job
} as const;

export const CONTROL_SLOTS = 16 + 3 * MAX_WORKERS;
