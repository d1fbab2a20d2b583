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
  // The last job generation this worker has looked at: it waits for a newer one, then takes its share
  // only if the caller still offers it (the caller runs shares nobody has taken yet itself).
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
    if (Atomics.compareExchange(ctrl, C.slot + me, gen, -gen) !== gen) continue;
    try {
      kernels[ctrl[C.kernel]](ctrl[C.task], ctrl[C.tid + me], ctrl[C.threads]);
    } catch (err) {
      Atomics.store(ctrl, C.error, 1);
    }
    Atomics.store(ctrl, C.slot + me, 0);
    Atomics.notify(ctrl, C.slot + me);
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
