// The 'wasm' backend: WebAssembly SIMD kernels on a pool of worker threads. Registers itself as the
// default where WebAssembly SIMD validates (unless CONVKIT_BACKEND=js). Every case it does not cover
// (float64 data, empty shapes, kernels not loaded yet) goes to the reference kernels, and is counted.
import type {
  AdamStep, AvgPoolMode, Backend, ChannelAffine, ChannelSums, Conv2dParams, FloatArray, MatmulParams, Pool2dParams,
  RmspropStep, SgdStep,
} from '../backend.js';
import { jsBackend } from '../js/index.js';
import { registerBackend } from '../registry.js';
import * as channel from './channel-ops.js';
import * as conv from './conv2d-ops.js';
import { WasmMemoryExhausted } from './memory-arena.js';
import { matmul } from './matmul-op.js';
import * as optim from './optim-ops.js';
import * as pool from './pool2d-ops.js';
import * as relu from './relu-ops.js';
import { getRuntime, simdSupported } from './runtime-loader.js';
import { countFallback, countKernel } from './stats.js';
import type { WasmRuntime } from './wasm-runtime.js';

export { getNumThreads, ready, setNumThreads, usingRelaxedSimd } from './runtime-loader.js';
export { getWasmStats, resetWasmStats, type WasmStats } from './stats.js';

/**
 * Runs `fast` on the kernels when every array is float32 and non-empty and the kernels are loaded;
 * otherwise (or when the call needs more WebAssembly memory than the engine grants) runs `reference`.
 */
function dispatch(
  op: string,
  arrays: (FloatArray | null)[],
  fast: (rt: WasmRuntime) => string,
  reference: () => void,
  unsupported: string | null = null,
): void {
  let reason: string | null = unsupported;
  for (const a of arrays) {
    if (a !== null && !(a instanceof Float32Array)) reason ??= 'not float32';
    else if (a !== null && a.length === 0) reason ??= 'empty';
  }
  const rt = reason ? null : getRuntime();
  if (!reason && !rt) reason = 'kernels not loaded';
  if (rt) {
    try {
      countKernel(fast(rt));
      return;
    } catch (err) {
      if (!(err instanceof WasmMemoryExhausted)) throw err;
      reason = 'out of WebAssembly memory';
    }
  }
  countFallback(op, reason ?? 'unsupported');
  reference();
}

const f32 = (a: FloatArray) => a as Float32Array;

/** Geometry the kernels do not take (the reference kernels accept it). */
function convUnsupported(p: Conv2dParams): string | null {
  return p.padTop < 0 || p.padLeft < 0 ? 'negative padding' : null;
}

export const wasmBackend: Backend = {
  name: 'wasm',

  matmul(p: MatmulParams, a: FloatArray, b: FloatArray, out: FloatArray): void {
    dispatch(
      'matmul',
      [a, b, out], // k = 0 (empty a and b) falls back: the reference zero-fills out
      (rt) => (matmul(rt, p, f32(a), f32(b), f32(out)), 'matmul'),
      () => jsBackend.matmul(p, a, b, out),
    );
  },

  conv2d(p: Conv2dParams, x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray): void {
    dispatch(
      'conv2d',
      [x, w, bias, y],
      (rt) => conv.conv2dForward(rt, p, f32(x), f32(w), bias && f32(bias), f32(y)),
      () => jsBackend.conv2d(p, x, w, bias, y),
      convUnsupported(p),
    );
  },

  conv2dBackwardInput(p: Conv2dParams, dy: FloatArray, w: FloatArray, dx: FloatArray): void {
    dispatch(
      'conv2dBackwardInput',
      [dy, w, dx],
      (rt) => conv.conv2dBackwardInput(rt, p, f32(dy), f32(w), f32(dx)),
      () => jsBackend.conv2dBackwardInput(p, dy, w, dx),
      convUnsupported(p),
    );
  },

  conv2dBackwardFilter(p: Conv2dParams, x: FloatArray, dy: FloatArray, dw: FloatArray): void {
    dispatch(
      'conv2dBackwardFilter',
      [x, dy, dw],
      (rt) => conv.conv2dBackwardFilter(rt, p, f32(x), f32(dy), f32(dw)),
      () => jsBackend.conv2dBackwardFilter(p, x, dy, dw),
      convUnsupported(p),
    );
  },

  maxPool2d(p: Pool2dParams, x: FloatArray, y: FloatArray, argmax: Int32Array | null): void {
    dispatch(
      'maxPool2d',
      [x, y],
      (rt) => (pool.maxPool2d(rt, p, f32(x), f32(y), argmax), 'maxPool2d'),
      () => jsBackend.maxPool2d(p, x, y, argmax),
    );
  },

  maxPool2dBackward(p: Pool2dParams, dy: FloatArray, argmax: Int32Array, dx: FloatArray): void {
    dispatch(
      'maxPool2dBackward',
      [dy, dx],
      (rt) => (pool.maxPool2dBackward(rt, p, f32(dy), argmax, f32(dx)), 'maxPool2dBackward'),
      () => jsBackend.maxPool2dBackward(p, dy, argmax, dx),
    );
  },

  avgPool2d(p: Pool2dParams, mode: AvgPoolMode, x: FloatArray, y: FloatArray): void {
    dispatch(
      'avgPool2d',
      [x, y],
      (rt) => (pool.avgPool2d(rt, p, mode, f32(x), f32(y)), 'avgPool2d'),
      () => jsBackend.avgPool2d(p, mode, x, y),
    );
  },

  avgPool2dBackward(p: Pool2dParams, mode: AvgPoolMode, dy: FloatArray, dx: FloatArray): void {
    dispatch(
      'avgPool2dBackward',
      [dy, dx],
      (rt) => (pool.avgPool2dBackward(rt, p, mode, f32(dy), f32(dx)), 'avgPool2dBackward'),
      () => jsBackend.avgPool2dBackward(p, mode, dy, dx),
    );
  },

  channelAffine(p: ChannelAffine, x: FloatArray, y: FloatArray): void {
    dispatch(
      'channelAffine',
      [x, p.second && p.second.x2, y],
      (rt) => (channel.channelAffine(rt, p, f32(x), p.second && f32(p.second.x2), f32(y)), 'channelAffine'),
      () => jsBackend.channelAffine(p, x, y),
    );
  },

  channelSums(p: ChannelSums, a: FloatArray, sums: Float64Array, dots: Float64Array | null): void {
    dispatch(
      'channelSums',
      [a, p.b],
      (rt) => (channel.channelSums(rt, p, f32(a), p.b && f32(p.b), sums, dots), 'channelSums'),
      () => jsBackend.channelSums(p, a, sums, dots),
    );
  },

  relu(x: FloatArray, y: FloatArray): void {
    dispatch('relu', [x, y], (rt) => (relu.activationForward(rt, 'relu', f32(x), f32(y)), 'relu'), () => jsBackend.relu(x, y));
  },

  reluBackward(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
    dispatch(
      'reluBackward',
      [x, dy, dx],
      (rt) => (relu.activationBackward(rt, 'relu', f32(x), f32(dy), f32(dx)), 'reluBackward'),
      () => jsBackend.reluBackward(x, dy, dx),
    );
  },

  relu6(x: FloatArray, y: FloatArray): void {
    dispatch('relu6', [x, y], (rt) => (relu.activationForward(rt, 'relu6', f32(x), f32(y)), 'relu6'), () => jsBackend.relu6(x, y));
  },

  relu6Backward(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
    dispatch(
      'relu6Backward',
      [x, dy, dx],
      (rt) => (relu.activationBackward(rt, 'relu6', f32(x), f32(dy), f32(dx)), 'relu6Backward'),
      () => jsBackend.relu6Backward(x, dy, dx),
    );
  },

  sgdStep(h: SgdStep, param: FloatArray, grad: FloatArray, buffer: FloatArray | null): void {
    dispatch(
      'sgdStep',
      [param, grad, buffer],
      (rt) => (optim.sgdStep(rt, h, f32(param), f32(grad), buffer && f32(buffer)), 'sgdStep'),
      () => jsBackend.sgdStep(h, param, grad, buffer),
    );
  },

  adamStep(h: AdamStep, param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null): void {
    dispatch(
      'adamStep',
      [param, grad, expAvg, expAvgSq, maxExpAvgSq],
      (rt) => (optim.adamStep(rt, h, f32(param), f32(grad), f32(expAvg), f32(expAvgSq), maxExpAvgSq && f32(maxExpAvgSq)), 'adamStep'),
      () => jsBackend.adamStep(h, param, grad, expAvg, expAvgSq, maxExpAvgSq),
    );
  },

  rmspropStep(h: RmspropStep, param: FloatArray, grad: FloatArray, squareAvg: FloatArray, buffer: FloatArray | null, gradAvg: FloatArray | null): void {
    dispatch(
      'rmspropStep',
      [param, grad, squareAvg, buffer, gradAvg],
      (rt) => (optim.rmspropStep(rt, h, f32(param), f32(grad), f32(squareAvg), buffer && f32(buffer), gradAvg && f32(gradAvg)), 'rmspropStep'),
      () => jsBackend.rmspropStep(h, param, grad, squareAvg, buffer, gradAvg),
    );
  },
};

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

// Registered whenever SIMD validates, so setBackend('wasm') works; only the priority depends on the env.
if (simdSupported) registerBackend(wasmBackend, env?.CONVKIT_BACKEND === 'js' ? -1 : 10);
