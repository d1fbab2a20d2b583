// Deterministic by default (DESIGN.md, decision 7): a wasm kernel's result must not depend on how many
// threads computed it, nor on which thread claimed which chunk (Winograd's filter gradient included: its
// tiles are summed in slices fixed by the shape). Each case runs 20 times on 2 threads and
// 20 times on 1, and every result must be bit-identical to the first. The shapes cover each way threads
// share a GEMM, including the split reduction of filter gradients (LeNet conv1's dW: a 25x6 output summed
// over 50,176 positions) and of a matmul with a small output and a long depth.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Conv2dParams, Pool2dParams } from '../src/backend/backend.js';
import { getWasmStats, ready, resetWasmStats, setNumThreads } from '../src/backend/wasm/index.js';
import { kernelsOn } from '../src/backend/registry.js';
import { Generator } from '../src/util/random.js';

const wasmBackend = kernelsOn('wasm');

const RUNS = 20;
const rng = new Generator(7);

function randomF32(length: number): Float32Array {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function conv(batch: number, size: number, inC: number, outC: number, k: number, opts: { stride?: number; pad?: number; groups?: number } = {}): Conv2dParams {
  const { stride = 1, pad = 0, groups = 1 } = opts;
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  return {
    batch, inH: size, inW: size, inC, outH: out, outW: out, outC, kH: k, kW: k, strideH: stride, strideW: stride,
    dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad, groups,
  };
}

interface Case {
  name: string;
  /** Runs the op(s) on fixed inputs; returns every output. */
  run: () => Float32Array[];
}

function convCase(name: string, p: Conv2dParams): Case {
  const x = randomF32(p.batch * p.inH * p.inW * p.inC);
  const w = randomF32(p.kH * p.kW * (p.inC / p.groups) * p.outC);
  const bias = randomF32(p.outC);
  const dy = randomF32(p.batch * p.outH * p.outW * p.outC);
  return {
    name,
    run: () => {
      const y = new Float32Array(dy.length);
      const dx = new Float32Array(x.length);
      const dw = new Float32Array(w.length);
      wasmBackend.conv2d(p, x, w, bias, y);
      wasmBackend.conv2dBackwardInput(p, dy, w, dx);
      wasmBackend.conv2dBackwardFilter(p, x, dy, dw);
      return [y, dx, dw];
    },
  };
}

function matmulCase(name: string, m: number, k: number, n: number, transA = false): Case {
  const a = randomF32(m * k);
  const b = randomF32(k * n);
  const p = { batchA: 1, batchB: 1, m, k, n, transA, transB: false };
  return {
    name,
    run: () => {
      const out = new Float32Array(m * n);
      wasmBackend.matmul(p, a, b, out);
      return [out];
    },
  };
}

/** Batch norm's kernels over [rows, C]: statistics (f64 slices added in order) and the affine map. */
function channelCase(name: string, rows: number, channels: number): Case {
  const a = randomF32(rows * channels);
  const b = randomF32(rows * channels);
  const center = Float64Array.from({ length: channels }, () => rng.uniform(-1, 1));
  return {
    name,
    run: () => {
      const sums = new Float64Array(channels);
      const dots = new Float64Array(channels);
      wasmBackend.channelSums({ channels, aCenter: center, b, bCenter: center }, a, sums, dots);
      const y = new Float32Array(a.length);
      wasmBackend.channelAffine({ channels, center, scale: sums, shift: dots, second: { x2: b, center2: center, scale2: dots }, relu: true }, a, y);
      return [new Float32Array(sums.buffer), new Float32Array(dots.buffer), y];
    },
  };
}

const CASES: Case[] = [
  convCase('LeNet conv1, batch 64 (dW: split reduction)', conv(64, 32, 1, 6, 5)),
  convCase('LeNet conv2, batch 64 (dW: threads share rows)', conv(64, 14, 6, 16, 5)),
  convCase('3x3 same conv over 32 channels (Winograd: threads claim blocks of tiles)', conv(4, 12, 32, 32, 3, { pad: 1 })),
  convCase('5x5 same conv over 32 channels (Winograd, four 3x3 pieces: blocks read a halo)', conv(4, 12, 32, 32, 5, { pad: 2 })),
  convCase('5x5 same conv, 12 -> 32 channels (indirect GEMM)', conv(4, 12, 12, 32, 5, { pad: 2 })),
  convCase('3x3 same conv on 36 tiles (Winograd filter gradient: one slice, rows shared by 2 threads)', conv(1, 12, 32, 32, 3, { pad: 1 })),
  convCase('strided 3x3 conv (col2im), small output channels', conv(8, 15, 5, 7, 3, { stride: 2, pad: 1 })),
  convCase('depthwise 3x3 over 19 channels', conv(4, 16, 19, 19, 3, { pad: 1, groups: 19 })),
  convCase('depthwise 3x3 over 64 channels at 56x56 (threads claim chunks of rows)', conv(2, 56, 64, 64, 3, { pad: 1, groups: 64 })),
  poolCase('3x3 pooling over 20 channels at 96x96 (threads claim chunks of rows)', {
    batch: 1, inH: 96, inW: 96, channels: 20, outH: 96, outW: 96, kH: 3, kW: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1,
    countIncludePad: false,
  }),
  matmulCase('matmul 20x4000x24 (split reduction)', 20, 4000, 24),
  matmulCase('matmul 7x3000x9, A transposed (split reduction, edge tiles)', 7, 3000, 9, true),
  matmulCase('matmul 6x200x1000 (threads share columns)', 6, 200, 1000),
  matmulCase('matmul 200x300x260 (threads share rows)', 200, 300, 260),
  channelCase('channel sums and affine map, 12,544 x 64 (batch norm at 112x112)', 12544, 64),
  channelCase('channel sums and affine map, 50,000 x 7 (odd channel count)', 50000, 7),
];

/** Max pooling (values only, as in inference, and with argmax) and average pooling, forward. */
function poolCase(name: string, p: Pool2dParams): Case {
  const x = randomF32(p.batch * p.inH * p.inW * p.channels);
  const size = p.batch * p.outH * p.outW * p.channels;
  return {
    name,
    run: () => {
      const [values, y, argmax, avg] = [new Float32Array(size), new Float32Array(size), new Int32Array(size), new Float32Array(size)];
      wasmBackend.maxPool2d(p, x, values, null);
      wasmBackend.maxPool2d(p, x, y, argmax);
      wasmBackend.avgPool2d(p, 'avg', x, avg);
      return [values, y, new Float32Array(argmax.buffer), avg];
    },
  };
}

/** Hex of the raw float bits, so a comparison is bit for bit (NaN and -0 included). */
const bits = (outputs: Float32Array[]) => outputs.map((o) => Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('hex'));

/** Each case's results over RUNS runs on `threads` threads: asserts they never change, returns them. */
function runCases(threads: number): string[][] {
  setNumThreads(threads);
  resetWasmStats();
  const results = CASES.map((c) => {
    const first = bits(c.run());
    for (let run = 1; run < RUNS; run++) {
      const again = bits(c.run());
      again.forEach((out, i) => assert.ok(out === first[i], `${c.name}, output ${i}: run ${run} on ${threads} thread(s) differs from run 0`));
    }
    return first;
  });
  const stats = getWasmStats();
  assert.deepEqual(stats.fallbacks, {}, 'every case ran on the SIMD kernels');
  if (threads > 1) assert.ok((stats.threadRuns[threads] ?? 0) > 0, `kernels really ran on ${threads} threads: ${JSON.stringify(stats.threadRuns)}`);
  return results;
}

describe('wasm backend: results independent of threads and timing', () => {
  before(async () => {
    setNumThreads(2);
    await ready(); // the worker is up, so 2-thread runs really share the work
  });

  let twoThreads: string[][] = [];

  it(`${RUNS} runs on 2 threads are bit-identical`, () => {
    twoThreads = runCases(2);
  });

  it(`${RUNS} runs on 1 thread are bit-identical, and identical to the 2-thread results`, () => {
    const oneThread = runCases(1);
    CASES.forEach((c, i) => {
      oneThread[i].forEach((out, j) => assert.ok(out === twoThreads[i][j], `${c.name}, output ${j}: 1 thread differs from 2 threads`));
    });
  });
});
