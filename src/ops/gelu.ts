// GELU, x * Phi(x) with Phi the standard normal CDF (BERT, ViT, ConvNeXt), exact (erf) or with PyTorch's
// 'tanh' approximation: two pointwise activations behind one op.
import { Tensor } from '../tensor/tensor.js';
import type { ActivationArgs, ActivationBackwardArgs, FloatArray } from '../backend/backend.js';
import { erf } from '../util/erf.js';
import { defineActivation } from './define-activation.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    gelu: ActivationArgs;
    geluBackward: ActivationBackwardArgs;
    geluTanh: ActivationArgs;
    geluTanhBackward: ActivationBackwardArgs;
  }
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const BETA = Math.sqrt(2 / Math.PI);
const KAPPA = 0.044715;

/** y = 0.5 x (1 + erf(x / sqrt(2))). */
export function geluRef(x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = 0.5 * x[i] * (1 + erf(x[i] * SQRT1_2));
}

/** dx = dy * (Phi(x) + x * phi(x)), phi the normal density. */
export function geluBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    dx[i] = dy[i] * (0.5 * (1 + erf(v * SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
  }
}

/** y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluTanhRef(x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = 0.5 * v * (1 + Math.tanh(BETA * (v + KAPPA * v * v * v)));
  }
}

/** The derivative of the tanh form, as PyTorch's GeluBackward with approximate='tanh'. */
export function geluTanhBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const t = Math.tanh(BETA * (v + KAPPA * v * v * v));
    dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * BETA * (1 + 3 * KAPPA * v * v));
  }
}

const geluExact = defineActivation({ name: 'gelu', backwardName: 'geluBackward', gradFrom: 'input', reference: geluRef, referenceBackward: geluBackwardRef });
const geluTanh = defineActivation({
  name: 'geluTanh',
  backwardName: 'geluTanhBackward',
  gradFrom: 'input',
  reference: geluTanhRef,
  referenceBackward: geluTanhBackwardRef,
});

export interface GeluOptions {
  /** 'none' (default): the exact erf form; 'tanh': the tanh approximation (GPT-2, PyTorch's approximate='tanh'). */
  approximate?: 'none' | 'tanh';
}

/** The approximation asked for, checked: opName names the caller in the error. */
export function checkGeluApproximate(approximate: string | undefined, opName: string): 'none' | 'tanh' {
  const value = approximate ?? 'none';
  if (value !== 'none' && value !== 'tanh') throw new Error(`${opName}: approximate must be 'none' or 'tanh', got '${String(value)}'`);
  return value;
}

/** x * Phi(x). */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  return checkGeluApproximate(options.approximate, 'gelu') === 'tanh' ? geluTanh(x) : geluExact(x);
}
