// Reference per-channel kernels: batch norm's affine map and the per-channel sums of its statistics,
// gradients and of bias gradients, in float64.
import type { ChannelAffine, ChannelSums, FloatArray } from '../backend.js';

export function channelAffineRef(p: ChannelAffine, x: FloatArray, y: FloatArray): void {
  const { channels: C, center, scale, shift, second, relu } = p;
  for (let o = 0; o < x.length; o += C) {
    for (let c = 0; c < C; c++) {
      let v = (x[o + c] - (center ? center[c] : 0)) * scale[c] + shift[c];
      if (second) {
        // Rounded to y's type before the second term is added, as the float32 kernels do: batch norm + a
        // residual gives exactly batchNorm(x).add(residual).
        y[o + c] = v;
        v = y[o + c] + (second.x2[o + c] - second.center2[c]) * second.scale2[c];
      }
      y[o + c] = relu && !(v > 0 || v !== v) ? 0 : v;
    }
  }
}

export function channelSumsRef(p: ChannelSums, a: FloatArray, sums: Float64Array, dots: Float64Array | null): void {
  const { channels: C, aCenter, b, bCenter } = p;
  sums.fill(0);
  dots?.fill(0);
  for (let o = 0; o < a.length; o += C) {
    for (let c = 0; c < C; c++) sums[c] += a[o + c];
    if (!b || !dots) continue;
    for (let c = 0; c < C; c++) dots[c] += (a[o + c] - (aCenter ? aCenter[c] : 0)) * (b[o + c] - (bCenter ? bCenter[c] : 0));
  }
}
