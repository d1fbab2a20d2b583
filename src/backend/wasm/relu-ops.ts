// ReLU, ReLU6 and their gradients on the SIMD kernels (kernels/assembly/relu.ts). V8 runs the reference's loops at
// about 1.4 ns an element; copying in, one SIMD pass and copying out take about a fifth of that.
import { runPointwise } from './pointwise-runner.js';
import type { WasmRuntime } from './wasm-runtime.js';

type Activation = 'relu' | 'relu6';

export function activationForward(rt: WasmRuntime, kernel: Activation, x: Float32Array, y: Float32Array): void {
  runPointwise(rt, kernel, [{ data: x, read: true, write: false }, { data: y, read: false, write: true }], [], 0, 2);
}

export function activationBackward(rt: WasmRuntime, kernel: Activation, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const arrays = [{ data: x, read: true, write: false }, { data: dy, read: true, write: false }, { data: dx, read: false, write: true }];
  runPointwise(rt, kernel === 'relu' ? 'reluBackward' : 'relu6Backward', arrays, [], 0, 2);
}
