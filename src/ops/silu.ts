// SiLU (swish), x * sigmoid(x): YOLOv5/v8 and EfficientNet's activation, defined once as a pointwise activation.
import type { ActivationArgs, ActivationBackwardArgs, FloatArray } from '../backend/backend.js';
import { defineActivation } from './define-activation.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    silu: ActivationArgs;
    siluBackward: ActivationBackwardArgs;
  }
}

/** y = x / (1 + exp(-x)), PyTorch's formula (-Infinity gives NaN there too). */
export function siluRef(x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] / (1 + Math.exp(-x[i]));
}

/** dx = dy * s * (1 + x * (1 - s)), s = sigmoid(x), as PyTorch's silu_backward. */
export function siluBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const s = 1 / (1 + Math.exp(-x[i]));
    dx[i] = dy[i] * s * (1 + x[i] * (1 - s));
  }
}

/** x * sigmoid(x). */
export const silu = defineActivation({
  name: 'silu',
  backwardName: 'siluBackward',
  gradFrom: 'input',
  reference: siluRef,
  referenceBackward: siluBackwardRef,
});
