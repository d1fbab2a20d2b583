// The worker pool's job hand-off (src/backend/wasm/thread-pool.ts, worker-source.ts). A lost or doubled
// wake-up hangs a training run after tens of thousands of ops, so besides a stress run (in a child process
// with a time limit, so a hang fails instead of stalling the suite) the dangerous interleaving is replayed
// step by step against a real kernel worker.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { Control, CONTROL_SLOTS } from '../src/backend/wasm/control-block.js';
import { CONVKIT_KERNEL_NAMES } from '../src/backend/wasm/kernel-names.js';
import { chooseKernelBinary, compileSync } from '../src/backend/wasm/module-loader.js';
import { kernelWasmBase64 } from '../src/backend/wasm/kernels.generated.js';
import { getWasmStats } from '../src/backend/wasm/stats.js';
import { ThreadPool } from '../src/backend/wasm/thread-pool.js';
import { NODE_WORKER_SOURCE } from '../src/backend/wasm/worker-source.js';

const backendUrl = new URL('../src/backend/wasm/index.ts', import.meta.url).href;
const registryUrl = new URL('../src/backend/registry.ts', import.meta.url).href;
const workSplitUrl = new URL('../src/backend/wasm/work-split.ts', import.meta.url).href;

/**
 * A child process that runs tiny conv/pool/matmul ops on 2 threads back to back for `ms` milliseconds
 * (every op handed to the worker: the work threshold is 0), checking every result bit for bit against the
 * first round's: a job run twice or not at all shows up as a hang or as a changed result.
 */
function stressScript(ms: number): string {
  return `
    const { ready, setNumThreads, getWasmStats } = await import(${JSON.stringify(backendUrl)});
    const wasmBackend = (await import(${JSON.stringify(registryUrl)})).kernelsOn('wasm');
    const { setMinFlopsPerThread } = await import(${JSON.stringify(workSplitUrl)});
    setNumThreads(2);
    await ready();
    setMinFlopsPerThread(0);
    const conv = { batch: 2, inH: 10, inW: 10, inC: 3, outH: 8, outW: 8, outC: 4, kH: 3, kW: 3, strideH: 1, strideW: 1,
      dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, groups: 1 };
    const pool = { batch: 2, inH: 8, inW: 8, channels: 4, outH: 4, outW: 4, kH: 2, kW: 2, strideH: 2, strideW: 2,
      padTop: 0, padLeft: 0, countIncludePad: true };
    const mm = { batchA: 1, batchB: 1, m: 13, k: 1200, n: 5, transA: false, transB: false }; // depth split in 3 slices
    const fill = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed));
    const x = fill(600, 1), w = fill(108, 2), dy = fill(512, 3), a = fill(13 * 1200, 4), b = fill(1200 * 5, 5);
    const outs = { y: new Float32Array(512), dx: new Float32Array(600), dw: new Float32Array(108),
      p: new Float32Array(128), argmax: new Int32Array(128), mm: new Float32Array(65) };
    const round = () => {
      wasmBackend.conv2d(conv, x, w, null, outs.y);
      wasmBackend.conv2dBackwardInput(conv, dy, w, outs.dx);
      wasmBackend.conv2dBackwardFilter(conv, x, dy, outs.dw);
      wasmBackend.maxPool2d(pool, outs.y, outs.p, outs.argmax);
      wasmBackend.matmul(mm, a, b, outs.mm);
      return Object.values(outs).map((o) => Buffer.from(o.buffer).toString('base64')).join();
    };
    const first = round();
    let rounds = 1;
    for (const end = Date.now() + ${ms}; Date.now() < end; rounds++) {
      if (round() !== first) throw new Error('round ' + rounds + ' gave different results');
    }
    console.log(JSON.stringify({ rounds, threadRuns: getWasmStats().threadRuns }));
  `;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every millisecond; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(1);
  }
}

it('thousands of tiny 2-thread ops in a row neither hang nor change their results', () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', stressScript(3000)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.signal, null, `the stress run hung and was killed after 60 s (${child.signal})`);
  assert.equal(child.status, 0, child.stderr);
  const report = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { rounds: number; threadRuns: Record<string, number> };
  assert.ok(report.rounds > 100, `only ${report.rounds} rounds ran`);
  // Every share is offered to the worker; the caller runs those it has not taken yet, so how many it took
  // depends on timing, but a spinning worker takes some.
  assert.ok((report.threadRuns['2'] ?? 0) > 0, `2-thread runs: ${JSON.stringify(report.threadRuns)}`);
});

describe('wasm thread pool: job hand-off protocol', () => {
  const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  let worker: Worker;

  before(async () => {
    const binary = chooseKernelBinary();
    const module = compileSync(binary);
    assert.ok(module && binary.shared, 'the shared-memory kernel build compiles here');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    worker = new Worker(NODE_WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { module, memory, control: ctrl.buffer, index: 0, kernels: CONVKIT_KERNEL_NAMES },
    });
    await until(() => Atomics.load(ctrl, Control.ready) === 1, 'the worker is ready');
  });

  after(() => worker.terminate());

  // A job whose kernel index names no kernel: a worker that ran it would throw and set the error slot.
  const poisoned = CONVKIT_KERNEL_NAMES.length;
  // gemmReduce over an all-zero record (M = N = 0) is a kernel call that touches nothing.
  const harmless = CONVKIT_KERNEL_NAMES.indexOf('gemmReduce');

  function offer(gen: number, kernel: number): void {
    ctrl[Control.kernel] = kernel;
    ctrl[Control.task] = 1024;
    ctrl[Control.threads] = 2;
    Atomics.store(ctrl, Control.tid, 1);
    Atomics.store(ctrl, Control.slot, gen);
  }

  function publish(gen: number): void {
    Atomics.store(ctrl, Control.gen, gen);
    Atomics.notify(ctrl, Control.gen);
  }

  /** Notifies until two of them find the worker asleep: by then it has handled everything published. */
  async function untilAsleep(): Promise<void> {
    for (let woken = 0; woken < 2; ) {
      if (Atomics.notify(ctrl, Control.gen) === 1) woken++;
      else await sleep(1);
    }
  }

  it('a share the caller withdrew before the worker woke is never run', async () => {
    for (let job = 1; job <= 20; job += 2) {
      await untilAsleep();
      offer(job, poisoned);
      assert.equal(Atomics.compareExchange(ctrl, Control.slot, job, 0), job, 'the caller withdraws the untaken share');
      publish(job);
      await untilAsleep();
      assert.equal(Atomics.load(ctrl, Control.error), 0, `the worker ran withdrawn job ${job}`);
      // The next job is taken and finished as usual.
      offer(job + 1, harmless);
      publish(job + 1);
      await until(() => Atomics.load(ctrl, Control.slot) === 0, `the worker finished job ${job + 1}`);
    }
  });

  it('a wake-up for a job the worker already ran does not run it again', async () => {
    for (let job = 21; job <= 40; job++) {
      offer(job, harmless);
      publish(job);
      await until(() => Atomics.load(ctrl, Control.slot) === 0, `the worker finished job ${job}`);
      // The caller's notify can land after the worker, spinning, spotted the new generation, ran the job and
      // went to sleep: replay that with notifies that find it asleep, with the job slots now poisoned.
      ctrl[Control.kernel] = poisoned;
      await untilAsleep();
      assert.equal(Atomics.load(ctrl, Control.error), 0, `job ${job} ran more than once`);
    }
  });
});

describe('wasm thread pool: a worker that fails', () => {
  it('is settled at once (ready() stops waiting for it) and never gets a share', async () => {
    // The unshared build cannot link to shared memory: the worker throws while instantiating it.
    const module = new WebAssembly.Module(Buffer.from(kernelWasmBase64.simd, 'base64'));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    let callerRuns = 0;
    const kernels = CONVKIT_KERNEL_NAMES.map(() => () => void callerRuns++);
    const pool = new ThreadPool(module, memory, CONVKIT_KERNEL_NAMES, kernels);
    pool.size = 2;
    pool.spawnWorkers(1);
    // Well before the 5 s start-up timeout that ready() would otherwise sit out.
    await until(() => pool.settledWorkers() === 1, 'the failed worker counts as settled', 4000);
    assert.match(String(getWasmStats().workerError), /WebAssembly|memory|Link/i);
    assert.equal(pool.run(0, 1024, 2), 1, 'the calling thread ran the job alone');
    assert.equal(callerRuns, 1);
  });
});
