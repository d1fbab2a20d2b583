// Winograd F(2x2, 3x3) against the indirect GEMM on 'same' convs of ResNet, VGG, AlexNet and GoogLeNet
// layers and the benchmark's (b)-(e): forward and filter-gradient ms of each, the speed-ups, and which
// one the backend picks (usesWinograd). The input gradient is a forward conv (flipped weights).
//   node --import tsx kernels/measure-winograd.ts [--threads 1,2]
import type { Conv2dParams } from '../src/backend/backend.js';
import { ready, setNumThreads } from '../src/backend/wasm/index.js';
import { kernelsOn } from '../src/backend/registry.js';

const wasmBackend = kernelsOn('wasm');
import { setWinogradMode, usesWinograd, usesWinogradFilterGrad } from '../src/backend/wasm/winograd-runner.js';

// [batch, side, inC, outC, kernel (3 when left out)]
const shapes: [number, number, number, number, number?][] = [
  [1, 56, 64, 64], [1, 28, 128, 128], [1, 14, 256, 256], [1, 7, 512, 512], // ResNet-18/34 at 224, batch 1
  [8, 56, 64, 64], [8, 14, 256, 256], [8, 7, 512, 512], // the same at batch 8
  [1, 224, 64, 64], [1, 112, 128, 128], [1, 28, 512, 512], [1, 14, 512, 512], // VGG-16 at 224
  [16, 32, 16, 16], [16, 16, 32, 32], [16, 8, 64, 64], // ResNet-20 on 32x32, batch 16
  [1, 14, 64, 64], [1, 14, 128, 128], [1, 7, 64, 64], [1, 7, 128, 128], [2, 7, 256, 256],
  [1, 28, 192, 32, 5], [1, 28, 16, 32, 5], [1, 27, 64, 192, 5], // (d), (e)'s 5x5, AlexNet conv2
  [1, 14, 16, 48, 5], [1, 7, 48, 128, 5], [8, 28, 16, 32, 5], [8, 14, 24, 64, 5], // GoogLeNet 5x5 branches
];

const threadArg = process.argv.indexOf('--threads');
const threadCounts = threadArg > 0 ? process.argv[threadArg + 1].split(',').map(Number) : [1];

function medianMs(fn: () => void): number {
  for (let i = 0; i < 2; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < 300 && times.length < 100)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

const rand = (n: number) => new Float32Array(n).map(() => Math.random() - 0.5);

for (const threads of threadCounts) {
  setNumThreads(threads);
  await ready();
  console.log(`${threads} thread(s): forward ms, Winograd | indirect GEMM | speed-up; filter gradient ms, Winograd | im2col | speed-up; picked (forward, gradient)`);
  for (const [batch, side, inC, outC, k = 3] of shapes) {
    const p: Conv2dParams = {
      batch, inH: side, inW: side, inC, outH: side, outW: side, outC, kH: k, kW: k,
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: (k - 1) / 2, padLeft: (k - 1) / 2, groups: 1,
    };
    const x = rand(batch * side * side * inC);
    const w = rand(k * k * inC * outC);
    const y = new Float32Array(batch * side * side * outC);
    const dy = rand(y.length);
    const dw = new Float32Array(w.length);
    const picked = `${usesWinograd(p) ? 'winograd' : 'igemm'}, ${usesWinogradFilterGrad(p) ? 'winograd' : 'im2col'}`;
    const time = (mode: 'always' | 'never') => {
      setWinogradMode(mode);
      const forward = medianMs(() => wasmBackend.conv2d(p, x, w, null, y));
      const filterGrad = medianMs(() => wasmBackend.conv2dBackwardFilter(p, x, dy, dw));
      setWinogradMode('auto');
      return [forward, filterGrad];
    };
    const [winograd, winogradGrad] = time('always');
    const [igemm, im2colGrad] = time('never');
    const name = `${k}x${k} ${batch}x${side}x${side} ${inC}->${outC}`;
    const cols = (a: number, b: number) => `${a.toFixed(3).padStart(8)} | ${b.toFixed(3).padStart(8)} | ${(b / a).toFixed(2).padStart(5)}x`;
    console.log(`  ${name.padEnd(26)} ${cols(winograd, igemm)}; ${cols(winogradGrad, im2colGrad)}; ${picked}`);
  }
}
