// Mish, x * tanh(softplus(x)) (YOLOv4), defined once as a pointwise activation.
import type { ActivationArgs, ActivationBackwardArgs, FloatArray } from '../backend/backend.js';
import { defineActivation } from './define-activation.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    mish: ActivationArgs;
    mishBackward: ActivationBackwardArgs;
  }
}

/** log(1 + exp(v)) without overflow. */
const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

export function mishRef(x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] * Math.tanh(softplus(x[i]));
}

/** dx = dy * (t + x * sigmoid(x) * (1 - t^2)), t = tanh(softplus(x)), as PyTorch's mish_backward. */
export function mishBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const t = Math.tanh(softplus(x[i]));
    const s = 1 / (1 + Math.exp(-x[i]));
    dx[i] = dy[i] * (t + x[i] * s * (1 - t * t));
  }
}

/** x * tanh(log(1 + exp(x))). */
export const mish = defineActivation({
  name: 'mish',
  backwardName: 'mishBackward',
  gradFrom: 'input',
  reference: mishRef,
  referenceBackward: mishBackwardRef,
});
