// hardswish(x) = x * relu6(x + 3) / 6 (MobileNetV3), defined once: its kernels' names and arguments, their
// reference loops, and the differentiable op. The SIMD kernels (kernels/assembly/hardswish.ts) register
// under the same names in src/backend/wasm/index.ts.
import type { ActivationArgs, ActivationBackwardArgs, FloatArray } from '../backend/backend.js';
import { defineActivation } from './define-activation.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    hardswish: ActivationArgs;
    hardswishBackward: ActivationBackwardArgs;
  }
}

// Float32 data is rounded after every operation (Math.fround), so the loop computes what float32 hardware
// does: +, -, *, / in float64 then rounded to float32 give the correctly rounded float32 result. The SIMD
// kernel then agrees bit for bit.

/** y = x * min(max(x + 3, 0), 6) / 6, in PyTorch's order of operations. NaN gives NaN. */
export function hardswishRef(x: FloatArray, y: FloatArray): void {
  if (x instanceof Float32Array) {
    const r = Math.fround;
    for (let i = 0; i < x.length; i++) y[i] = r(r(x[i] * Math.min(Math.max(r(x[i] + 3), 0), 6)) / 6);
    return;
  }
  for (let i = 0; i < x.length; i++) y[i] = (x[i] * Math.min(Math.max(x[i] + 3, 0), 6)) / 6;
}

/**
 * dx = 0 where x < -3, dy where x > 3, dy * (x / 3 + 0.5) between (both ends included, as PyTorch). NaN in x
 * gives NaN (PyTorch's scalar loop passes dy there, its vectorised loop NaN; NaN is the one that propagates).
 */
export function hardswishBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  if (x instanceof Float32Array) {
    const r = Math.fround;
    for (let i = 0; i < x.length; i++) dx[i] = x[i] < -3 ? 0 : x[i] > 3 ? dy[i] : r(dy[i] * r(r(x[i] / 3) + 0.5));
    return;
  }
  for (let i = 0; i < x.length; i++) dx[i] = x[i] < -3 ? 0 : x[i] > 3 ? dy[i] : dy[i] * (x[i] / 3 + 0.5);
}

/** x * relu6(x + 3) / 6. */
export const hardswish = defineActivation({
  name: 'hardswish',
  backwardName: 'hardswishBackward',
  gradFrom: 'input',
  reference: hardswishRef,
  referenceBackward: hardswishBackwardRef,
});
