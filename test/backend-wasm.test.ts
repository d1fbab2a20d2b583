// The wasm backend against the reference kernels: every kernel the backend registers on randomised
// shapes, SIMD tails (sizes around 4 and the 6x8 micro-tile), strides/padding/dilation/groups, depthwise,
// batch 1 and 64, with 1 and 2 threads, and proof (counters) that the SIMD kernels ran.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Conv2dParams, Pool2dParams } from '../src/backend/backend.js';
import { getBackend, kernelsOn } from '../src/index.js';
import {
  getNumThreads, getWasmStats, ready, resetWasmStats, setNumThreads, usingRelaxedSimd,
} from '../src/backend/wasm/index.js';
import { setWinogradMode } from '../src/backend/wasm/winograd-runner.js';
import { Generator } from '../src/util/random.js';

// Every kernel as the wasm backend runs it, and as the reference runs it.
const wasmBackend = kernelsOn('wasm');
const jsBackend = kernelsOn('js');

const rng = new Generator(1234);

function randomF32(length: number): Float32Array {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Float32 data evaluated in float64 by the reference kernels: the most exact answer to compare with. */
const f64 = (a: Float32Array) => Float64Array.from(a);

/** Float32 accumulation over `depth` terms: relative 1e-4 scaled by sqrt(depth). */
function assertClose(actual: Float32Array, expected: Float64Array, depth: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const tol = 1e-4 * Math.sqrt(Math.max(depth, 1));
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(expected[i]) && Number.isNaN(actual[i])) continue;
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * (1 + Math.abs(expected[i])))) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

const pick = <T>(values: readonly T[]): T => values[rng.randint(values.length)];

/** Every kernel path the backend reports in getWasmStats().kernels. */
const SIMD_PATHS = [
  'matmul',
  'conv2d.igemm', 'conv2d.im2col', 'conv2d.pointwise', 'conv2d.depthwise', 'conv2d.winograd',
  'conv2dBackwardInput.igemm', 'conv2dBackwardInput.im2col', 'conv2dBackwardInput.pointwise',
  'conv2dBackwardInput.winograd',
  'conv2dBackwardInput.col2im', 'conv2dBackwardInput.depthwise',
  'conv2dBackwardFilter.im2col', 'conv2dBackwardFilter.direct', 'conv2dBackwardFilter.pointwise',
  'conv2dBackwardFilter.winograd',
  'conv2dBackwardFilter.depthwise',
  'maxPool2d', 'maxPool2dBackward', 'avgPool2d', 'avgPool2dBackward',
  'channelAffine', 'channelSums',
  'sgdStep', 'adamStep', 'rmspropStep', 'relu', 'reluBackward', 'relu6', 'relu6Backward',
];

// ---------------------------------------------------------------------------------------------- matmul

function checkMatmul(m: number, k: number, n: number, opts: Partial<{ transA: boolean; transB: boolean; batchA: number; batchB: number }> = {}) {
  const p = { batchA: 1, batchB: 1, transA: false, transB: false, ...opts, m, k, n };
  const a = randomF32(p.batchA * m * k);
  const b = randomF32(p.batchB * k * n);
  const batch = Math.max(p.batchA, p.batchB);
  const out = new Float32Array(batch * m * n).fill(NaN); // outputs are overwritten, never accumulated
  const expected = new Float64Array(batch * m * n);
  wasmBackend.matmul(p, a, b, out);
  jsBackend.matmul(p, f64(a), f64(b), expected);
  assertClose(out, expected, k, `matmul ${JSON.stringify(p)}`);
}

// ----------------------------------------------------------------------------------------------- conv

interface ConvCase {
  batch: number; inH: number; inW: number; inC: number; outC: number; kH: number; kW: number;
  stride?: [number, number]; dilation?: [number, number]; pad?: [number, number, number, number]; groups?: number;
}

function convParams(c: ConvCase): Conv2dParams {
  const [strideH, strideW] = c.stride ?? [1, 1];
  const [dilationH, dilationW] = c.dilation ?? [1, 1];
  const [padTop, padBottom, padLeft, padRight] = c.pad ?? [0, 0, 0, 0];
  const outH = Math.floor((c.inH + padTop + padBottom - dilationH * (c.kH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((c.inW + padLeft + padRight - dilationW * (c.kW - 1) - 1) / strideW) + 1;
  return {
    batch: c.batch, inH: c.inH, inW: c.inW, inC: c.inC, outH, outW, outC: c.outC, kH: c.kH, kW: c.kW,
    strideH, strideW, dilationH, dilationW, padTop, padLeft, groups: c.groups ?? 1,
  };
}

function checkConv(c: ConvCase, withBias = true): void {
  const p = convParams(c);
  assert.ok(p.outH > 0 && p.outW > 0, `bad test case ${JSON.stringify(c)}`);
  const cinG = p.inC / p.groups;
  const x = randomF32(p.batch * p.inH * p.inW * p.inC);
  const w = randomF32(p.kH * p.kW * cinG * p.outC);
  const bias = withBias ? randomF32(p.outC) : null;
  const ySize = p.batch * p.outH * p.outW * p.outC;
  const dy = randomF32(ySize);
  const name = JSON.stringify(c);

  const y = new Float32Array(ySize).fill(NaN);
  const yRef = new Float64Array(ySize);
  wasmBackend.conv2d(p, x, w, bias, y);
  jsBackend.conv2d(p, f64(x), f64(w), bias && f64(bias), yRef);
  assertClose(y, yRef, p.kH * p.kW * cinG, `conv2d ${name}`);

  const dx = new Float32Array(x.length).fill(NaN);
  const dxRef = new Float64Array(x.length);
  wasmBackend.conv2dBackwardInput(p, dy, w, dx);
  jsBackend.conv2dBackwardInput(p, f64(dy), f64(w), dxRef);
  assertClose(dx, dxRef, p.kH * p.kW * (p.outC / p.groups), `conv2dBackwardInput ${name}`);

  const dw = new Float32Array(w.length).fill(NaN);
  const dwRef = new Float64Array(w.length);
  wasmBackend.conv2dBackwardFilter(p, x, dy, dw);
  jsBackend.conv2dBackwardFilter(p, f64(x), f64(dy), dwRef);
  assertClose(dw, dwRef, p.batch * p.outH * p.outW, `conv2dBackwardFilter ${name}`);
}

function randomConvCase(): ConvCase {
  const groups = pick([1, 1, 1, 2, 3]);
  const kH = pick([1, 2, 3, 5]);
  const kW = pick([1, 3, 4]);
  const dilation: [number, number] = [pick([1, 1, 2]), pick([1, 1, 2])];
  const pad: [number, number, number, number] = [rng.randint(3), rng.randint(3), rng.randint(3), rng.randint(3)];
  const inH = dilation[0] * (kH - 1) + 1 + rng.randint(8);
  const inW = dilation[1] * (kW - 1) + 1 + rng.randint(8);
  return {
    batch: pick([1, 2, 3]), inH, inW,
    inC: groups * pick([1, 2, 3, 4, 5, 7, 8, 9]), outC: groups * pick([1, 3, 4, 5, 6, 7, 8, 9, 16, 17]),
    kH, kW, stride: [pick([1, 1, 2, 3]), pick([1, 2])], dilation, pad, groups,
  };
}

// -------------------------------------------------------------------------------------------- pooling

function poolParams(c: { batch: number; inH: number; inW: number; channels: number; k: [number, number]; stride: [number, number]; pad: [number, number]; ceil?: boolean; countIncludePad?: boolean }): Pool2dParams {
  const round = c.ceil ? Math.ceil : Math.floor;
  const outH = round((c.inH + 2 * c.pad[0] - c.k[0]) / c.stride[0]) + 1;
  const outW = round((c.inW + 2 * c.pad[1] - c.k[1]) / c.stride[1]) + 1;
  return {
    batch: c.batch, inH: c.inH, inW: c.inW, channels: c.channels, outH, outW, kH: c.k[0], kW: c.k[1],
    strideH: c.stride[0], strideW: c.stride[1], padTop: c.pad[0], padLeft: c.pad[1],
    countIncludePad: c.countIncludePad ?? true,
  };
}

function checkPool(p: Pool2dParams, x = randomF32(p.batch * p.inH * p.inW * p.channels)): void {
  const name = JSON.stringify(p);
  const outSize = p.batch * p.outH * p.outW * p.channels;
  const y = new Float32Array(outSize).fill(NaN);
  const argmax = new Int32Array(outSize);
  const yRef = new Float64Array(outSize);
  const argmaxRef = new Int32Array(outSize);
  wasmBackend.maxPool2d(p, x, y, argmax);
  jsBackend.maxPool2d(p, f64(x), yRef, argmaxRef);
  assert.deepEqual(argmax, argmaxRef, `maxPool2d argmax ${name}`);
  assert.deepEqual(Array.from(y), Array.from(yRef, (v) => Math.fround(v)), `maxPool2d ${name}`);
  const yValuesOnly = new Float32Array(outSize).fill(NaN);
  wasmBackend.maxPool2d(p, x, yValuesOnly, null); // inference: no winners recorded
  assert.deepEqual(Array.from(yValuesOnly), Array.from(y), `maxPool2d without argmax ${name}`);

  const dy = randomF32(outSize);
  const dx = new Float32Array(x.length).fill(NaN);
  const dxRef = new Float64Array(x.length);
  wasmBackend.maxPool2dBackward(p, dy, argmax, dx);
  jsBackend.maxPool2dBackward(p, f64(dy), argmaxRef, dxRef);
  assertClose(dx, dxRef, p.kH * p.kW, `maxPool2dBackward ${name}`);

  for (const mode of ['avg', 'sum'] as const) {
    const ya = new Float32Array(outSize).fill(NaN);
    const yaRef = new Float64Array(outSize);
    wasmBackend.avgPool2d(p, mode, x, ya);
    jsBackend.avgPool2d(p, mode, f64(x), yaRef);
    assertClose(ya, yaRef, p.kH * p.kW, `avgPool2d ${mode} ${name}`);
    const dxa = new Float32Array(x.length).fill(NaN);
    const dxaRef = new Float64Array(x.length);
    wasmBackend.avgPool2dBackward(p, mode, dy, dxa);
    jsBackend.avgPool2dBackward(p, mode, f64(dy), dxaRef);
    assertClose(dxa, dxaRef, p.kH * p.kW, `avgPool2dBackward ${mode} ${name}`);
  }
}

// ----------------------------------------------------------------------------------- per-channel kernels

const randomF64 = (length: number, lo = -1, hi = 1) => Float64Array.from({ length }, () => rng.uniform(lo, hi));

/** The affine map (with and without the second term and ReLU) and the sums, against float64 formulas. */
function checkChannel(rows: number, channels: number, x = randomF32(rows * channels)): void {
  const C = channels;
  const x2 = randomF32(rows * C);
  const center = randomF64(C), scale = randomF64(C, -2, 2), shift = randomF64(C), center2 = randomF64(C), scale2 = randomF64(C);
  for (const relu of [false, true]) {
    for (const second of [null, { x2, center2, scale2 }]) {
      const y = new Float32Array(x.length).fill(NaN);
      wasmBackend.channelAffine({ channels: C, center, scale, shift, second, relu }, x, y);
      for (let i = 0; i < x.length; i++) {
        const c = i % C;
        const sum = (x[i] - center[c]) * scale[c] + shift[c] + (second ? (x2[i] - center2[c]) * scale2[c] : 0);
        const expected = relu && !(sum > 0 || Number.isNaN(sum)) ? 0 : sum;
        // float32 factors and intermediate results: a few roundings of each term's magnitude (the centre
        // too: x2 - center2 is taken in float32)
        const magnitude = (Math.abs(x[i]) + Math.abs(center[c])) * Math.abs(scale[c]) + Math.abs(shift[c]) + (second ? (Math.abs(x2[i]) + Math.abs(center2[c])) * Math.abs(scale2[c]) : 0);
        const tol = 4e-7 * magnitude + 1e-30;
        if (Number.isNaN(expected) ? !Number.isNaN(y[i]) : !(Math.abs(y[i] - expected) <= tol)) {
          assert.fail(`channelAffine ${rows}x${C} relu=${relu} second=${!!second}: element ${i} is ${y[i]}, expected ${expected}`);
        }
      }
    }
  }
  const aCenter = randomF64(C), bCenter = randomF64(C);
  for (const [b, ac, bc] of [[null, null, null], [x2, null, bCenter], [x2, aCenter, bCenter]] as const) {
    const sums = new Float64Array(C).fill(NaN);
    const dots = new Float64Array(C).fill(NaN);
    wasmBackend.channelSums({ channels: C, aCenter: ac, b, bCenter: bc }, x, sums, b ? dots : null);
    for (let c = 0; c < C; c++) {
      let s = 0, d = 0, scaleOfTerms = 0;
      for (let r = 0; r < rows; r++) {
        const a = x[r * C + c];
        s += a;
        scaleOfTerms += Math.abs(a);
        if (b) d += (a - (ac ? ac[c] : 0)) * (b[r * C + c] - (bc ? bc[c] : 0));
      }
      // float64 accumulation in another order: agreement to ~1e-12 of the summed magnitudes
      assert.ok(Math.abs(sums[c] - s) <= 1e-12 * (scaleOfTerms + 1), `channelSums ${rows}x${C}: sum of channel ${c} is ${sums[c]}, expected ${s}`);
      if (b) assert.ok(Math.abs(dots[c] - d) <= 1e-12 * (4 * rows + 1), `channelSums ${rows}x${C}: dot of channel ${c} is ${dots[c]}, expected ${d}`);
    }
  }
}

// ---------------------------------------------------------------------------------------- optimiser steps

/**
 * Each optimiser step on wasm and on the reference from the same state, twice in a row (so the
 * momentum buffers carry history): the kernels evaluate the reference's float64 expressions in its
 * order, so parameter and state must match bit for bit.
 */
function checkOptimSteps(n: number): void {
  const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
  const same = (what: string, a: Float32Array[], b: Float32Array[]) =>
    a.forEach((x, i) => assert.deepEqual(bitsOf(x), bitsOf(b[i]), `${what}, n=${n}: array ${i} differs from the reference`));
  const grad = randomF32(n);
  for (const [nesterov, momentum, weightDecay, sign] of [[false, 0, 0, 1], [false, 0.9, 1e-2, 1], [true, 0.9, 0, -1]] as const) {
    const fast = [randomF32(n), momentum ? randomF32(n) : null];
    const ref = fast.map((a) => a && a.slice());
    for (const firstStep of [true, false]) {
      const h = { lr: 0.1, momentum, keep: 0.8, weightDecay, nesterov, sign, firstStep };
      wasmBackend.sgdStep(h, fast[0]!, grad, fast[1]);
      jsBackend.sgdStep(h, ref[0]!, grad, ref[1]);
    }
    same(`sgdStep ${JSON.stringify({ nesterov, momentum, weightDecay, sign })}`, fast.filter((a) => a !== null), ref.filter((a) => a !== null));
  }
  for (const amsgrad of [false, true]) {
    for (const [decay, l2] of [[1, 1e-2], [0.999, 0]]) {
      const fast = [randomF32(n), randomF32(n), randomF32(n).map(Math.abs), randomF32(n).map(Math.abs)];
      const ref = fast.map((a) => a.slice());
      for (const step of [1, 2]) {
        const h = { decay, l2, sign: 1, beta1: 0.9, beta2: 0.999, stepSize: 1e-3 / (1 - 0.9 ** step), biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** step), eps: 1e-8 };
        wasmBackend.adamStep(h, fast[0], grad, fast[1], fast[2], amsgrad ? fast[3] : null);
        jsBackend.adamStep(h, ref[0], grad, ref[1], ref[2], amsgrad ? ref[3] : null);
      }
      same(`adamStep amsgrad=${amsgrad} decay=${decay}`, fast, ref);
    }
  }
  for (const [momentum, centered] of [[0, false], [0.9, false], [0.5, true]] as const) {
    const fast = [randomF32(n), randomF32(n).map(Math.abs), randomF32(n), randomF32(n).map((v) => v / 4)];
    const ref = fast.map((a) => a.slice());
    for (let step = 0; step < 2; step++) {
      const h = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 1e-3, momentum, sign: -1 };
      wasmBackend.rmspropStep(h, fast[0], grad, fast[1], momentum ? fast[2] : null, centered ? fast[3] : null);
      jsBackend.rmspropStep(h, ref[0], grad, ref[1], momentum ? ref[2] : null, centered ? ref[3] : null);
    }
    same(`rmspropStep momentum=${momentum} centered=${centered}`, fast, ref);
  }
}

// ------------------------------------------------------------------------------------------------ suites

describe('wasm backend', () => {
  before(async () => {
    await ready();
  });

  it('registers as the default backend', () => {
    assert.equal(getBackend().name, process.env.CONVKIT_BACKEND === 'js' ? 'js' : 'wasm');
  });

  it('runs the relaxed SIMD (fused multiply-add) build unless CONVKIT_RELAXED_SIMD=0', () => {
    assert.equal(usingRelaxedSimd(), process.env.CONVKIT_RELAXED_SIMD !== '0');
  });

  for (const threads of [1, 2]) {
    describe(`${threads} thread(s)`, () => {
      before(async () => {
        setNumThreads(threads);
        await ready(); // workers up, so the 2-thread runs really split the work
        resetWasmStats();
      });

      it('getNumThreads reports the setting', () => {
        assert.equal(getNumThreads(), threads);
      });

      it('matmul: tails around 4 and the 6x8 tile, all transposes', () => {
        const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 31, 32, 33];
        for (let i = 0; i < 60; i++) {
          checkMatmul(pick(sizes), pick(sizes), pick(sizes), { transA: rng.random() < 0.5, transB: rng.random() < 0.5 });
        }
      });

      it('matmul: several cache blocks, and each way of sharing threads (rows, columns, depth)', () => {
        checkMatmul(200, 300, 260); // K > KC, M > MC
        checkMatmul(97, 70, 530, { transB: true }); // N > NC
        checkMatmul(6, 200, 1000, { transA: true }); // few rows: threads split columns
        checkMatmul(20, 4000, 24); // small output, long depth: threads split the reduction
      });

      it('matmul: batches and broadcasting', () => {
        checkMatmul(7, 9, 10, { batchA: 3, batchB: 3 });
        checkMatmul(7, 9, 10, { batchA: 4, batchB: 1 });
        checkMatmul(7, 9, 10, { batchA: 1, batchB: 4, transB: true });
        checkMatmul(13, 5, 11, { batchA: 2, batchB: 2, transA: true, transB: true });
      });

      it('conv2d forward and both gradients on randomised geometries', () => {
        for (let i = 0; i < 40; i++) checkConv(randomConvCase(), rng.random() < 0.7);
      });

      it('conv2d: 1x1 convs as plain matrix products, with groups', () => {
        checkConv({ batch: 2, inH: 5, inW: 7, inC: 13, outC: 17, kH: 1, kW: 1 });
        checkConv({ batch: 1, inH: 3, inW: 3, inC: 8, outC: 6, kH: 1, kW: 1, groups: 2 });
        checkConv({ batch: 2, inH: 6, inW: 5, inC: 4, outC: 9, kH: 1, kW: 1, stride: [2, 2] }); // strided: im2col
      });

      it('conv2d: depthwise, channel counts around 4', () => {
        for (const channels of [1, 3, 4, 5, 8, 13, 16, 19, 37]) {
          const stride = pick([1, 2]);
          checkConv({ batch: 2, inH: 7, inW: 6, inC: channels, outC: channels, groups: channels, kH: 3, kW: 3, stride: [stride, stride], pad: [1, 1, 1, 1] });
        }
        checkConv({ batch: 1, inH: 9, inW: 9, inC: 6, outC: 6, groups: 6, kH: 5, kW: 3, dilation: [2, 1], pad: [2, 0, 1, 2] });
      });

      it('conv2d: depthwise 3x3 stride 1 through its interior path: odd and even interior widths, every padding, the border', () => {
        // Interior widths 1 to 6 (two outputs a step, and the odd last one), 'valid' (no border) and asymmetric
        // padding; channel counts that are multiples of 4 take the interior path, the others the general one.
        for (const channels of [4, 12, 16, 20, 7]) {
          for (const inW of [3, 4, 5, 8]) {
            for (const pad of [[1, 1, 1, 1], [0, 0, 0, 0], [2, 0, 0, 2], [0, 1, 2, 1]] as const) {
              checkConv({ batch: 2, inH: 5, inW, inC: channels, outC: channels, groups: channels, kH: 3, kW: 3, pad: [...pad] });
            }
          }
        }
        // From 128 channels the interior walks the channels innermost (depthwise3x3InteriorWide).
        for (const channels of [128, 132]) {
          for (const inW of [3, 4, 5, 8]) {
            checkConv({ batch: 1, inH: 4, inW, inC: channels, outC: channels, groups: channels, kH: 3, kW: 3, pad: [1, 1, 1, 1] });
            checkConv({ batch: 1, inH: 3, inW, inC: channels, outC: channels, groups: channels, kH: 3, kW: 3, pad: [0, 0, 0, 0] });
          }
        }
      });

      it('conv2d: more channels than one depth block, and few output positions (threads split columns)', () => {
        checkConv({ batch: 1, inH: 5, inW: 5, inC: 300, outC: 64, kH: 5, kW: 3, pad: [2, 2, 1, 1] });
      });

      it('conv2d: LeNet shapes at batch 64, and the indirect GEMM (3x3 below Winograd\'s channel count, 5x5, strided)', () => {
        checkConv({ batch: 64, inH: 32, inW: 32, inC: 1, outC: 6, kH: 5, kW: 5 });
        checkConv({ batch: 64, inH: 14, inW: 14, inC: 6, outC: 16, kH: 5, kW: 5 });
        checkConv({ batch: 2, inH: 12, inW: 12, inC: 12, outC: 32, kH: 3, kW: 3, pad: [1, 1, 1, 1] });
        checkConv({ batch: 2, inH: 9, inW: 10, inC: 24, outC: 20, kH: 5, kW: 5, pad: [2, 2, 2, 2] });
        checkConv({ batch: 2, inH: 11, inW: 11, inC: 32, outC: 32, kH: 3, kW: 3, stride: [2, 2], pad: [1, 1, 1, 1] });
      });

      it('conv2d: 3x3 and 5x5 stride-1 convs through Winograd F(2x2, 3x3), all three passes: channel tails, odd sizes, every padding', (t) => {
        // Tiles are 2x2 outputs from 4x4 patches: odd output sizes leave half tiles; channel counts around
        // multiples of 4 and 8 exercise the transforms' and the GEMMs' tails; padding 0 to k-1 on each side
        // keeps the input gradient (padding k-1-p) on Winograd too. 5x5 filters run as four 3x3 pieces over
        // neighbouring input tiles, so tiles at the right and bottom edges read the halo. Images this small
        // save too little for the backend to pick Winograd by itself, so the test forces it.
        setWinogradMode('always');
        t.after(() => setWinogradMode('auto'));
        for (const k of [3, 5]) {
          for (const [inC, outC] of [[16, 16], [17, 19], [20, 23], [24, 33], [31, 16], [16, 40]]) {
            const pad: [number, number, number, number] = [rng.randint(k), rng.randint(k), rng.randint(k), rng.randint(k)];
            const inH = Math.max(1, k - pad[0] - pad[1] + rng.randint(9));
            const inW = Math.max(1, k - pad[2] - pad[3] + rng.randint(9));
            checkConv({ batch: pick([1, 2, 3]), inH, inW, inC, outC, kH: k, kW: k, pad }, rng.random() < 0.7);
          }
          const same = (k - 1) / 2;
          const samePad: [number, number, number, number] = [same, same, same, same];
          checkConv({ batch: 1, inH: 1, inW: 1, inC: 16, outC: 16, kH: k, kW: k, pad: samePad }); // one pixel
          checkConv({ batch: 8, inH: 6, inW: 5, inC: 16, outC: 18, kH: k, kW: k, pad: samePad }); // tiles across images
          checkConv({ batch: 1, inH: 30, inW: 30, inC: 64, outC: 64, kH: k, kW: k, pad: samePad }); // many blocks
          checkConv({ batch: 4, inH: 24, inW: 24, inC: 16, outC: 24, kH: k, kW: k, pad: samePad }); // gradient: 8 slices
          checkConv({ batch: 1, inH: 5, inW: 5, inC: 300, outC: 64, kH: k, kW: k, pad: samePad }); // deep, few tiles
        }
        // Padding k makes the input gradient's padding negative: that stays on col2im.
        checkConv({ batch: 1, inH: 6, inW: 6, inC: 16, outC: 16, kH: 3, kW: 3, pad: [3, 0, 0, 3] });
      });

      it('pooling: max (with argmax), avg and sum, forward and backward', () => {
        for (const channels of [1, 3, 4, 5, 8, 17, 20]) {
          checkPool(poolParams({ batch: 2, inH: 6, inW: 7, channels, k: [2, 2], stride: [2, 2], pad: [0, 0] }));
          checkPool(poolParams({ batch: 1, inH: 7, inW: 5, channels, k: [3, 3], stride: [2, 1], pad: [1, 1], ceil: true }));
          checkPool(poolParams({ batch: 3, inH: 5, inW: 5, channels, k: [3, 2], stride: [2, 2], pad: [1, 0], ceil: true, countIncludePad: false }));
        }
        checkPool(poolParams({ batch: 64, inH: 28, inW: 28, channels: 6, k: [2, 2], stride: [2, 2], pad: [0, 0] }));
      });

      it('max pooling without argmax: windows inside the input (the interior path) and the padded border agree', () => {
        // Channels that are whole 16-float blocks, blocks plus a 4-float tail, and a tail alone; the border
        // columns and rows on both sides of the interior, and a window wider than the unpadded input.
        for (const channels of [4, 16, 36]) {
          checkPool(poolParams({ batch: 2, inH: 9, inW: 11, channels, k: [3, 3], stride: [2, 2], pad: [1, 1] }));
          checkPool(poolParams({ batch: 1, inH: 8, inW: 9, channels, k: [2, 3], stride: [1, 3], pad: [0, 2], ceil: true }));
          checkPool(poolParams({ batch: 1, inH: 5, inW: 2, channels, k: [3, 3], stride: [1, 1], pad: [1, 1] }));
        }
      });

      it('pooling: vectors that run past the channels never reach the next row or past the output', () => {
        // 16 outputs fill whole 64-byte arena blocks, so a lane written past the output would land on the
        // buffer allocated after it (max pooling's argmax).
        for (const channels of [1, 2, 3, 5, 6, 7]) {
          checkPool(poolParams({ batch: 1, inH: 8, inW: 8, channels, k: [2, 2], stride: [2, 2], pad: [0, 0] }));
          checkPool(poolParams({ batch: 2, inH: 4, inW: 6, channels, k: [2, 2], stride: [2, 2], pad: [0, 0] }));
        }
      });

      it('max pooling propagates NaN exactly like the reference', () => {
        const p = poolParams({ batch: 1, inH: 4, inW: 4, channels: 5, k: [3, 3], stride: [1, 1], pad: [1, 1] });
        const x = randomF32(4 * 4 * 5);
        for (const i of [0, 7, 13, 22, 23, 41, 42, 60, 79]) x[i] = NaN;
        x[3] = -Infinity;
        checkPool(p, x);
        const interior = poolParams({ batch: 1, inH: 5, inW: 6, channels: 20, k: [2, 2], stride: [1, 1], pad: [0, 0] });
        const xi = randomF32(5 * 6 * 20);
        for (const i of [0, 21, 22, 130, 151, 170, 599]) xi[i] = NaN;
        xi[45] = -0;
        xi[65] = 0;
        checkPool(interior, xi);
      });

      it('per-channel affine map and sums: channel counts around 4, one row, many rows', () => {
        for (const channels of [1, 2, 3, 4, 5, 7, 8, 9, 16, 67]) checkChannel(pick([1, 2, 5, 9, 33]), channels);
        checkChannel(1, 6);
        checkChannel(4096, 64); // 262,144 elements: enough for both threads
        checkChannel(30000, 7);
      });

      it('per-channel affine map: NaN passes the ReLU, -0 and negatives become +0, infinities stay', () => {
        const x = new Float32Array([NaN, -0, 0, -1e-30, 1e-30, Infinity, -Infinity, 3, -3, NaN, 1, -1]);
        for (const channels of [1, 3, 4, 6, 12]) {
          const y = new Float32Array(x.length);
          const ones = new Float64Array(channels).fill(1);
          wasmBackend.channelAffine({ channels, center: null, scale: ones, shift: new Float64Array(channels), second: null, relu: true }, x, y);
          const expected = [NaN, 0, 0, 0, 1e-30, Infinity, 0, 3, 0, NaN, 1, 0];
          expected.forEach((e, i) => assert.ok(Object.is(y[i], Math.fround(e)), `channels ${channels}, element ${i}: ${y[i]}, expected ${e}`));
        }
      });

      it('ReLU, ReLU6 and their gradients match the reference bit for bit: NaN, -0, 6, infinities, odd lengths, in place', () => {
        const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
        const kernels = [
          ['relu', wasmBackend.relu, jsBackend.relu, wasmBackend.reluBackward, jsBackend.reluBackward],
          ['relu6', wasmBackend.relu6, jsBackend.relu6, wasmBackend.relu6Backward, jsBackend.relu6Backward],
        ] as const;
        for (const [name, forward, forwardRef, backward, backwardRef] of kernels) {
          for (const n of [1, 3, 4, 5, 7, 33, 32768 + 5, 200003]) {
            const x = randomF32(n).map((v) => 8 * v); // past 6 on both sides
            const specials = [NaN, -NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 6, Math.fround(6 - 1e-6), Math.fround(6 + 1e-6)];
            specials.forEach((v, i) => { if (i < n) x[(i * 7919) % n] = v; });
            const dy = randomF32(n);
            const y = new Float32Array(n).fill(NaN);
            const yRef = new Float32Array(n);
            forward(x, y);
            forwardRef(x, yRef);
            assert.deepEqual(bitsOf(y), bitsOf(yRef), `${name} n=${n}`);
            const inPlace = x.slice();
            forward(inPlace, inPlace);
            assert.deepEqual(bitsOf(inPlace), bitsOf(yRef), `${name} in place n=${n}`);
            const dx = new Float32Array(n).fill(NaN);
            const dxRef = new Float32Array(n);
            backward(x, dy, dx);
            backwardRef(x, dy, dxRef);
            assert.deepEqual(bitsOf(dx), bitsOf(dxRef), `${name} backward n=${n}`);
          }
        }
      });

      it('optimiser steps (SGD, Adam/AdamW/AMSGrad, RMSprop) match the reference bit for bit, odd lengths included', () => {
        for (const n of [1, 2, 3, 5, 8, 17, 1000, 200001]) checkOptimSteps(n);
      });

      it(`the cases above ran every SIMD path, on ${threads} thread(s), and none fell back`, () => {
        const stats = getWasmStats();
        const missing = SIMD_PATHS.filter((path) => !(stats.kernels[path] > 0));
        assert.deepEqual(missing, [], `paths that never ran: ${missing.join(', ')}`);
        assert.deepEqual(stats.fallbacks, {});
        assert.equal(stats.workerError, null);
        if (threads > 1) assert.ok((stats.threadRuns[threads] ?? 0) > 0, `some kernels ran on ${threads} threads`);
      });
    });
  }

  it('float64 and empty inputs go to the reference kernels, and are counted', () => {
    resetWasmStats();
    const p = { batchA: 1, batchB: 1, m: 2, k: 3, n: 2, transA: false, transB: false };
    const out = new Float64Array(4);
    wasmBackend.matmul(p, new Float64Array([1, 2, 3, 4, 5, 6]), new Float64Array([1, 0, 0, 1, 1, 1]), out);
    assert.deepEqual(Array.from(out), [4, 5, 10, 11]);
    assert.equal(getWasmStats().fallbacks['matmul: not float32'], 1);
    assert.equal(getWasmStats().kernels.matmul, undefined);
    const zeros = new Float32Array(4).fill(NaN);
    wasmBackend.matmul({ ...p, k: 0 }, new Float32Array(0), new Float32Array(0), zeros);
    assert.deepEqual(Array.from(zeros), [0, 0, 0, 0]);
    assert.equal(getWasmStats().fallbacks['matmul: empty'], 1);
  });

  it('memory stops growing once the largest call has run', () => {
    setNumThreads(2);
    const run = () => checkConv({ batch: 4, inH: 16, inW: 16, inC: 8, outC: 8, kH: 3, kW: 3, pad: [1, 1, 1, 1] });
    run();
    const size = getWasmStats().memoryBytes;
    for (let i = 0; i < 5; i++) run();
    assert.equal(getWasmStats().memoryBytes, size);
  });
});
