// Source of the kernel worker, as a string so the core ships no extra file and imports no Node module:
// Node runs it with `new Worker(source, { eval: true })`, browsers from a Blob URL.
// The control block protocol is described in thread-pool.ts.
import { Control, SPIN_ITERATIONS } from './control-block.js';

const WORKER_LOOP = `
function runKernelWorker(data) {
  const C = ${JSON.stringify(Control)};
  const ctrl = new Int32Array(data.control);
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
  const kernels = data.kernels.map((name) => instance.exports[name]);
  const me = data.index;
  // The last job generation this worker has looked at. Only a generation it has not seen is a job: a
  // wake-up alone is not, because the caller notifies after publishing, and a worker that spotted the new
  // generation while spinning may have run the job and gone back to sleep before that notify lands.
  let seen = Atomics.load(ctrl, C.gen);
  Atomics.store(ctrl, C.ready + me, 1);
  for (;;) {
    // Spin a little before sleeping: ops of a training step follow each other within microseconds,
    // and waking a sleeping thread costs more than that.
    let gen = Atomics.load(ctrl, C.gen);
    for (let spin = 0; spin < ${SPIN_ITERATIONS} && gen === seen; spin++) gen = Atomics.load(ctrl, C.gen);
    while (gen === seen) {
      Atomics.wait(ctrl, C.gen, seen);
      gen = Atomics.load(ctrl, C.gen);
    }
    seen = gen;
    // A job this worker sits out (the caller wrote assigned[me] before publishing gen).
    if (Atomics.load(ctrl, C.assigned + me) !== gen) continue;
    try {
      kernels[ctrl[C.kernel]](ctrl[C.task], ctrl[C.tid + me], ctrl[C.threads]);
    } catch (err) {
      Atomics.store(ctrl, C.error, 1);
    }
    if (Atomics.sub(ctrl, C.pending, 1) === 1) Atomics.notify(ctrl, C.pending);
  }
}
`;

// Started with execArgv [] (no loaders or --input-type from the parent), so this runs as a CommonJS script.
export const NODE_WORKER_SOURCE = `${WORKER_LOOP}
runKernelWorker(require('node:worker_threads').workerData);
`;

export const BROWSER_WORKER_SOURCE = `${WORKER_LOOP}
self.onmessage = (event) => runKernelWorker(event.data);
`;
