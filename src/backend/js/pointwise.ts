// Reference pointwise kernels: ReLU, ReLU6 and leaky ReLU and their gradients. NaN propagates as in PyTorch (forward
// and backward, whatever its sign bit); -0 becomes +0.
import type { FloatArray } from '../backend.js';

function int32View(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** int32 bits of -Infinity: the float32 values <= 0 other than +0 and NaN are exactly the int32s <= this. */
const NEGATIVE_INFINITY_BITS = -0x800000;
const SIX_BITS = 0x40c00000;

// Float32 ReLU works on the bit patterns: a float is negative and not NaN exactly when its int32 bits are
// <= those of -Infinity (a NaN with the sign bit set lies above), so one compare gives a mask with no
// branch. A branch on the value mispredicts half the time on real activations and made these loops five
// times slower. Copying the bits also keeps every NaN's payload, as the SIMD kernel does.
export function reluRef(x: FloatArray, y: FloatArray): void {
  if (x instanceof Float32Array && y instanceof Float32Array) {
    const xi = int32View(x);
    const yi = int32View(y);
    for (let i = 0; i < xi.length; i++) {
      const bits = xi[i];
      yi[i] = bits & -(bits > NEGATIVE_INFINITY_BITS);
    }
    return;
  }
  for (let i = 0; i < x.length; i++) y[i] = x[i] <= 0 ? 0 : x[i];
}

/** dx = dy except where x <= 0 (NaN passes dy, as PyTorch's threshold_backward). */
export function reluBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  if (x instanceof Float32Array && dy instanceof Float32Array && dx instanceof Float32Array) {
    const dyi = int32View(dy);
    const dxi = int32View(dx);
    for (let i = 0; i < x.length; i++) dxi[i] = dyi[i] & -!(x[i] <= 0);
    return;
  }
  for (let i = 0; i < x.length; i++) dx[i] = x[i] <= 0 ? 0 : dy[i];
}

/** y = 0 where x <= 0, 6 where x >= 6, else x (NaN passes: its bits are copied, not converted). */
export function relu6Ref(x: FloatArray, y: FloatArray): void {
  if (x instanceof Float32Array && y instanceof Float32Array) {
    const xi = int32View(x);
    const yi = int32View(y);
    for (let i = 0; i < x.length; i++) yi[i] = x[i] <= 0 ? 0 : x[i] >= 6 ? SIX_BITS : xi[i];
    return;
  }
  for (let i = 0; i < x.length; i++) y[i] = x[i] <= 0 ? 0 : x[i] >= 6 ? 6 : x[i];
}

/** dx = dy except where x <= 0 or x >= 6 (NaN passes dy, as PyTorch's hardtanh_backward). */
export function relu6BackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  if (x instanceof Float32Array && dy instanceof Float32Array && dx instanceof Float32Array) {
    const dyi = int32View(dy);
    const dxi = int32View(dx);
    for (let i = 0; i < x.length; i++) dxi[i] = x[i] <= 0 || x[i] >= 6 ? 0 : dyi[i];
    return;
  }
  for (let i = 0; i < x.length; i++) dx[i] = x[i] <= 0 || x[i] >= 6 ? 0 : dy[i];
}

/** Leaky ReLU: the product rounded once to the array's type (a float32 array stores the float64 product). */
export function leakyReluRef(x: FloatArray, y: FloatArray, negativeSlope: number): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : negativeSlope * x[i];
}

/** dx = dy where x > 0, else negativeSlope * dy (NaN x too), the product rounded once as in the forward. */
export function leakyReluBackwardRef(x: FloatArray, dy: FloatArray, dx: FloatArray, negativeSlope: number): void {
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : negativeSlope * dy[i];
}
