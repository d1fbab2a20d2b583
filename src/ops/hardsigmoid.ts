// hardsigmoid(x) = relu6(x + 3) / 6 (MobileNetV3's squeeze-and-excitation gate), defined once as a pointwise
// activation.
import type { ActivationArgs, ActivationBackwardArgs, FloatArray } from '../backend/backend.js';
import { defineActivation } from './define-activation.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    hardsigmoid: ActivationArgs;
    hardsigmoidBackward: ActivationBackwardArgs;
  }
}

/** y = min(max(x + 3, 0), 6) / 6; NaN gives NaN. */
export function hardsigmoidRef(x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i] + 3, 0), 6) / 6;
}

/** dx = dy / 6 strictly inside (-3, 3), else 0: PyTorch's hardsigmoid_backward (unlike hardswish's, ends excluded). */
export function hardsigmoidBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > -3 && x[i] < 3 ? dy[i] / 6 : 0;
}

/** relu6(x + 3) / 6. */
export const hardsigmoid = defineActivation({
  name: 'hardsigmoid',
  backwardName: 'hardsigmoidBackward',
  gradFrom: 'input',
  reference: hardsigmoidRef,
  referenceBackward: hardsigmoidBackwardRef,
});
