// Quick conv throughput check on the benchmark shapes of issue 3 (forward, and both gradients):
//   node --import tsx kernels/measure-conv.ts          wall-clock medians, 1 and 2 threads
//   node --import tsx kernels/measure-conv.ts --cpu    1 thread, CPU time of this process (steadier on a
//                                                      machine shared with other work)
import type { Conv2dParams } from '../src/backend/backend.js';
import { ready, setNumThreads, usingRelaxedSimd } from '../src/backend/wasm/index.js';
import { kernelsOn } from '../src/backend/registry.js';

const wasmBackend = kernelsOn('wasm');

interface Shape { name: string; batch: number; size: number; inC: number; outC: number; k: number; groups?: number; pad?: number }
const shapes: Shape[] = [
  { name: '(a) LeNet conv1 b64 1->6 5x5', batch: 64, size: 32, inC: 1, outC: 6, k: 5, pad: 0 },
  { name: 'LeNet conv2 b64 6->16 5x5', batch: 64, size: 14, inC: 6, outC: 16, k: 5, pad: 0 },
  { name: '(b) 3x3 64->64 @56', batch: 1, size: 56, inC: 64, outC: 64, k: 3 },
  { name: '(c) 3x3 128->128 @28', batch: 1, size: 28, inC: 128, outC: 128, k: 3 },
  { name: '(d) 5x5 192->32 @28', batch: 1, size: 28, inC: 192, outC: 32, k: 5 },
  { name: '(e) 1x1 192->16 @28', batch: 1, size: 28, inC: 192, outC: 16, k: 1 },
  { name: '(e) 5x5 16->32 @28', batch: 1, size: 28, inC: 16, outC: 32, k: 5 },
  { name: '(f) dw 3x3 256 @28', batch: 1, size: 28, inC: 256, outC: 256, k: 3, groups: 256 },
];

function params(s: Shape): Conv2dParams {
  const pad = s.pad ?? (s.k - 1) / 2;
  const out = s.size + 2 * pad - s.k + 1;
  return {
    batch: s.batch, inH: s.size, inW: s.size, inC: s.inC, outH: out, outW: out, outC: s.outC, kH: s.k, kW: s.k,
    strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad, groups: s.groups ?? 1,
  };
}

const cpuTime = process.argv.includes('--cpu');
const now = () => {
  if (!cpuTime) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function medianMs(fn: () => void): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 7 || (performance.now() - start < 300 && times.length < 200)) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

const rand = (n: number) => new Float32Array(n).map(() => Math.random() - 0.5);

for (const threads of cpuTime ? [1] : [1, 2]) {
  setNumThreads(threads);
  await ready();
  console.log(`${usingRelaxedSimd() ? 'relaxed SIMD' : 'SIMD128'}, ${threads} thread(s): ms and GFLOP/s for forward | dx | dw`);
  for (const s of shapes) {
    const p = params(s);
    const x = rand(p.batch * p.inH * p.inW * p.inC);
    const w = rand(p.kH * p.kW * (p.inC / p.groups) * p.outC);
    const y = rand(p.batch * p.outH * p.outW * p.outC);
    const flops = 2 * p.batch * p.outH * p.outW * p.outC * p.kH * p.kW * (p.inC / p.groups);
    const cols = [
      medianMs(() => wasmBackend.conv2d(p, x, w, null, y)),
      medianMs(() => wasmBackend.conv2dBackwardInput(p, y, w, x)),
      medianMs(() => wasmBackend.conv2dBackwardFilter(p, x, y, w)),
    ].map((ms) => `${ms.toFixed(2).padStart(7)} ms ${(flops / ms / 1e6).toFixed(1).padStart(5)}`);
    console.log(`  ${s.name.padEnd(30)} ${cols.join(' | ')}`);
  }
}
