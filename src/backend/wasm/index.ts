// The 'wasm' backend: WebAssembly SIMD kernels on a pool of worker threads. Registers itself as the
// default where WebAssembly SIMD validates (unless CONVKIT_BACKEND=js). Every case a kernel does not cover
// (float64 data, empty shapes, kernels not loaded yet) runs the reference kernel, and is counted.
import type { Conv2dParams, FloatArray } from '../backend.js';
import { registerBackend, registerKernels } from '../registry.js';
import { activationBackward, activationForward } from './activation-ops.js';
import { runPointwise } from './pointwise-runner.js';
import * as channel from './channel-ops.js';
import * as conv from './conv2d-ops.js';
import { matmul } from './matmul-op.js';
import * as optim from './optim-ops.js';
import * as pool from './pool2d-ops.js';
import { simdSupported } from './runtime-loader.js';
import { countFallback } from './stats.js';
import { wasmKernel } from './wasm-kernel.js';

export { getNumThreads, ready, setNumThreads, setWeightCacheLimit, usingRelaxedSimd } from './runtime-loader.js';
export { getWasmStats, resetWasmStats, type WasmStats } from './stats.js';

const f32 = (a: FloatArray) => a as Float32Array;
const f32OrNull = (a: FloatArray | null) => a && f32(a);

/** Geometry the conv kernels do not take (the reference kernels accept it). */
function convUnsupported(p: Conv2dParams): string | null {
  return p.padTop < 0 || p.padLeft < 0 ? 'negative padding' : null;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

// Registered whenever SIMD validates, so setBackend('wasm') works; only the priority depends on the env.
if (simdSupported) {
  registerBackend('wasm', { priority: env?.CONVKIT_BACKEND === 'js' ? -1 : 10, onFallback: countFallback });
  registerKernels('wasm', {
    // k = 0 (empty a and b) falls back: the reference zero-fills out.
    matmul: wasmKernel({ run: (rt, p, a, b, out) => (matmul(rt, p, f32(a), f32(b), f32(out)), 'matmul') }),
    conv2d: wasmKernel({
      unsupported: convUnsupported,
      run: (rt, p, x, w, bias, y, activation) => conv.conv2dForward(rt, p, f32(x), f32(w), f32OrNull(bias), f32(y), activation),
    }),
    conv2dBackwardInput: wasmKernel({
      unsupported: convUnsupported,
      run: (rt, p, dy, w, dx) => conv.conv2dBackwardInput(rt, p, f32(dy), f32(w), f32(dx)),
    }),
    conv2dBackwardFilter: wasmKernel({
      unsupported: convUnsupported,
      run: (rt, p, x, dy, dw) => conv.conv2dBackwardFilter(rt, p, f32(x), f32(dy), f32(dw)),
    }),
    maxPool2d: wasmKernel({ run: (rt, p, x, y, argmax) => (pool.maxPool2d(rt, p, f32(x), f32(y), argmax), 'maxPool2d') }),
    maxPool2dBackward: wasmKernel({
      run: (rt, p, dy, argmax, dx) => (pool.maxPool2dBackward(rt, p, f32(dy), argmax, f32(dx)), 'maxPool2dBackward'),
    }),
    avgPool2d: wasmKernel({ run: (rt, p, mode, x, y) => (pool.avgPool2d(rt, p, mode, f32(x), f32(y)), 'avgPool2d') }),
    avgPool2dBackward: wasmKernel({
      run: (rt, p, mode, dy, dx) => (pool.avgPool2dBackward(rt, p, mode, f32(dy), f32(dx)), 'avgPool2dBackward'),
    }),
    channelAffine: wasmKernel({
      arrays: (p, x, y) => [x, p.second && p.second.x2, y],
      run: (rt, p, x, y) => (channel.channelAffine(rt, p, f32(x), p.second && f32(p.second.x2), f32(y)), 'channelAffine'),
    }),
    channelSums: wasmKernel({
      arrays: (p, a) => [a, p.b], // sums and dots are float64 by contract
      run: (rt, p, a, sums, dots) => (channel.channelSums(rt, p, f32(a), f32OrNull(p.b), sums, dots), 'channelSums'),
    }),
    relu: wasmKernel({ run: (rt, x, y) => (activationForward(rt, 'relu', f32(x), f32(y)), 'relu') }),
    reluBackward: wasmKernel({ run: (rt, v, dy, dx) => (activationBackward(rt, 'reluBackward', f32(v), f32(dy), f32(dx)), 'reluBackward') }),
    relu6: wasmKernel({ run: (rt, x, y) => (activationForward(rt, 'relu6', f32(x), f32(y)), 'relu6') }),
    leakyRelu: wasmKernel({
      run: (rt, x, y, slope) => (runPointwise(rt, 'leakyRelu', [{ data: f32(x), read: true, write: false }, { data: f32(y), read: false, write: true }], [slope], 0, 2), 'leakyRelu'),
    }),
    leakyReluBackward: wasmKernel({
      run: (rt, x, dy, dx, slope) => (
        runPointwise(rt, 'leakyReluBackward', [{ data: f32(x), read: true, write: false }, { data: f32(dy), read: true, write: false }, { data: f32(dx), read: false, write: true }], [slope], 0, 2),
        'leakyReluBackward'
      ),
    }),
    relu6Backward: wasmKernel({ run: (rt, v, dy, dx) => (activationBackward(rt, 'relu6Backward', f32(v), f32(dy), f32(dx)), 'relu6Backward') }),
    hardswish: wasmKernel({ run: (rt, x, y) => (activationForward(rt, 'hardswish', f32(x), f32(y)), 'hardswish') }),
    hardswishBackward: wasmKernel({
      run: (rt, v, dy, dx) => (activationBackward(rt, 'hardswishBackward', f32(v), f32(dy), f32(dx)), 'hardswishBackward'),
    }),
    silu: wasmKernel({ run: (rt, x, y) => (activationForward(rt, 'silu', f32(x), f32(y)), 'silu') }),
    siluBackward: wasmKernel({ run: (rt, v, dy, dx) => (activationBackward(rt, 'siluBackward', f32(v), f32(dy), f32(dx)), 'siluBackward') }),
    sgdStep: wasmKernel({
      run: (rt, h, param, grad, buffer) => (optim.sgdStep(rt, h, f32(param), f32(grad), f32OrNull(buffer)), 'sgdStep'),
    }),
    adamStep: wasmKernel({
      run: (rt, h, param, grad, expAvg, expAvgSq, maxExpAvgSq) => (
        optim.adamStep(rt, h, f32(param), f32(grad), f32(expAvg), f32(expAvgSq), f32OrNull(maxExpAvgSq)), 'adamStep'
      ),
    }),
    rmspropStep: wasmKernel({
      run: (rt, h, param, grad, squareAvg, buffer, gradAvg) => (
        optim.rmspropStep(rt, h, f32(param), f32(grad), f32(squareAvg), f32OrNull(buffer), f32OrNull(gradAvg)), 'rmspropStep'
      ),
    }),
  });
}
