// atan(x), elementwise: the aspect-ratio term of the CIoU box loss. A unary op with the activation's shape
// (forward loop, gradient from the input), so it is defined the same way.
import type { ActivationArgs, ActivationBackwardArgs, FloatArray } from '../backend/backend.js';
import { defineActivation } from './define-activation.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    atan: ActivationArgs;
    atanBackward: ActivationBackwardArgs;
  }
}

/** y = atan(x); float32 results are rounded to float32. */
export function atanRef(x: FloatArray, y: FloatArray): void {
  const round = x instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let i = 0; i < x.length; i++) y[i] = round(Math.atan(x[i]));
}

/** dx = dy / (1 + x^2), which goes to 0 (not NaN) as |x| goes to infinity. */
export function atanBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < x.length; i++) dx[i] = dy[i] / (1 + x[i] * x[i]);
}

export const atan = defineActivation({
  name: 'atan',
  backwardName: 'atanBackward',
  gradFrom: 'input',
  reference: atanRef,
  referenceBackward: atanBackwardRef,
});
