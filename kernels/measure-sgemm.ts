// Quick SGEMM throughput check through the backend API (copies in and out included):
//   node --import tsx kernels/measure-sgemm.ts            (relaxed SIMD where available)
//   CONVKIT_RELAXED_SIMD=0 node --import tsx kernels/measure-sgemm.ts   (plain SIMD128 build)
import { ready, setNumThreads, usingRelaxedSimd } from '../src/backend/wasm/index.js';
import { kernelsOn } from '../src/backend/registry.js';

const wasmBackend = kernelsOn('wasm');

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

/** Median and best GFLOP/s (the best is the steadier figure on a machine shared with other work). */
function gflops(size: number): [number, number] {
  const p = { batchA: 1, batchB: 1, m: size, k: size, n: size, transA: false, transB: false };
  const a = new Float32Array(size * size).map(() => Math.random() - 0.5);
  const b = new Float32Array(size * size).map(() => Math.random() - 0.5);
  const out = new Float32Array(size * size);
  const flops = 2 * size ** 3;
  const reps = Math.max(5, Math.round(3e9 / flops));
  for (let i = 0; i < 3; i++) wasmBackend.matmul(p, a, b, out); // warm-up (tier-up to optimised code)
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    wasmBackend.matmul(p, a, b, out);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return [flops / times[Math.floor(times.length / 2)] / 1e6, flops / times[0] / 1e6];
}

for (const threads of [1, 2]) {
  setNumThreads(threads);
  await ready();
  const row = (sizes.length ? sizes : [256, 512, 1024]).map((s) => {
    const [median, best] = gflops(s);
    return `${s}: ${median.toFixed(1)} (${best.toFixed(1)})`;
  });
  console.log(`${usingRelaxedSimd() ? 'relaxed SIMD' : 'SIMD128'}, ${threads} thread(s), GFLOP/s median (best) ${row.join('  ')}`);
}
