// Reference loops of the activations that have no SIMD kernel yet (one loop per function rather than a shared
// loop calling a per-element closure, which dominated a LeNet-5 step). ReLU and ReLU6's are in
// src/backend/js/pointwise.ts, beside their SIMD versions' notes.
import type { FloatArray } from '../backend/backend.js';

export function sigmoidRef(x: FloatArray, y: FloatArray): void {
  // Two branches so exp never overflows.
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      y[i] = e / (1 + e);
    }
  }
}

/** From the output y. */
export function sigmoidBackwardRef(y: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < y.length; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
}

export function tanhRef(x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
}

/** From the output y. */
export function tanhBackwardRef(y: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < y.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
}
