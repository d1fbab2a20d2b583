// The pointwise activations: ReLU and ReLU6 on the backend, the others as plain loops here (one loop per
// function rather than a shared loop calling a per-element closure, which dominated a LeNet-5 step).
import type { TypedArray } from '../tensor/dtype.js';
import type { FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';

export interface ActivationKernel {
  /** y[i] = f(x[i]) */
  forward(x: TypedArray, y: TypedArray): void;
  /** dx[i] = dy[i] * f'(x[i]), given y = f(x) as well */
  backward(x: TypedArray, y: TypedArray, dy: TypedArray, dx: TypedArray): void;
}

// ReLU and ReLU6 run on the active backend (the wasm kernels are several times faster than a JS loop;
// ReLU's reference works on the float bit patterns, so no branch mispredicts).
export const reluKernel: ActivationKernel = {
  forward(x, y) {
    getBackend().relu(x as FloatArray, y as FloatArray);
  },
  backward(x, _y, dy, dx) {
    getBackend().reluBackward(x as FloatArray, dy as FloatArray, dx as FloatArray);
  },
};

export const relu6Kernel: ActivationKernel = {
  forward(x, y) {
    getBackend().relu6(x as FloatArray, y as FloatArray);
  },
  backward(x, _y, dy, dx) {
    getBackend().relu6Backward(x as FloatArray, dy as FloatArray, dx as FloatArray);
  },
};

export function leakyReluKernel(slope: number): ActivationKernel {
  return {
    forward(x, y) {
      for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];
    },
    backward(x, _y, dy, dx) {
      for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : slope * dy[i];
    },
  };
}

export const sigmoidKernel: ActivationKernel = {
  forward(x, y) {
    // Two branches so exp never overflows.
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        y[i] = e / (1 + e);
      }
    }
  },
  backward(_x, y, dy, dx) {
    for (let i = 0; i < y.length; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
  },
};

export const tanhKernel: ActivationKernel = {
  forward(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
  },
  backward(_x, y, dy, dx) {
    for (let i = 0; i < y.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
  },
};
