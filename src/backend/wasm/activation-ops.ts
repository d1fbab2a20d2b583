// Pointwise activations and their gradients on the SIMD kernels (kernels/assembly/relu.ts, hardswish.ts, ...).
// V8 runs the reference's loops at about 1.4 ns an element; copying in, one SIMD pass and copying out take
// about a fifth of that.
import type { ConvActivation } from '../backend.js';
import { runPointwise } from './pointwise-runner.js';
import { writePointwise } from './records.generated.js';
import { threadsFor } from './work-split.js';
import type { KernelName, WasmRuntime } from './wasm-runtime.js';

/** y (may be x) = f(x) by the named kernel. */
export function activationForward(rt: WasmRuntime, kernel: KernelName, x: Float32Array, y: Float32Array): void {
  runPointwise(rt, kernel, [{ data: x, read: true, write: false }, { data: y, read: false, write: true }], [], 0, 2);
}

/** dx = dy * f'(v) by the named gradient kernel (v: the activation's input or output, as it declares). */
export function activationBackward(rt: WasmRuntime, kernel: KernelName, v: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const arrays = [{ data: v, read: true, write: false }, { data: dy, read: true, write: false }, { data: dx, read: false, write: true }];
  runPointwise(rt, kernel, arrays, [], 0, 2);
}

/**
 * A conv's activation on its output while it is still in the arena (before the one copy out): one SIMD pass
 * over memory the conv just wrote, instead of copying the output out, in and out again chunk by chunk.
 */
export function activateInArena(rt: WasmRuntime, activation: ConvActivation, ptr: number, n: number): void {
  const slope = activation.kind === 'leakyRelu' ? [activation.negativeSlope] : [];
  const task = writePointwise(rt.arena, { n, arrays: [ptr, ptr], flags: 0, h: slope });
  rt.run(activation.kind, task, threadsFor(rt, 2 * n));
}
