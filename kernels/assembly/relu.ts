// ReLU (and ReLU6, below) and their gradients, as the reference (src/backend/js/pointwise.ts), bit for bit:
// NaN passes forward and backward whatever its sign bit (with its payload), -0 becomes +0. ReLU works on the
// float32 bit patterns: a float is negative and not NaN exactly when its int32 bits are <= those of
// -Infinity, so one signed compare gives the mask. Arrays (pointwise-share.ts): forward 0 x, 1 y (may be
// x); backward 0 the ReLU's input or output, 1 dy, 2 dx.
import * as L from './layout.generated';
import { array, shareBytes } from './pointwise-share';

const NEGATIVE_INFINITY_BITS: i32 = -0x800000;

export function relu(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), y = array(task, 1);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const negativeInfinity = i32x4.splat(NEGATIVE_INFINITY_BITS);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const bits = v128.load(x + o);
    v128.store(y + o, v128.and(bits, i32x4.gt_s(bits, negativeInfinity)));
  }
}

// dx = dy except where x <= 0 (false for NaN).
export function reluBackward(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), dy = array(task, 1), dx = array(task, 2);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const zero = f32x4.splat(0);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    v128.store(dx + o, v128.andnot(v128.load(dy + o), f32x4.le(v128.load(x + o), zero)));
  }
}

// ReLU6, as the reference: y = x <= 0 ? 0 : (x >= 6 ? 6 : x) (NaN passes), dx = dy except where x <= 0 or x >= 6.
export function relu6(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), y = array(task, 1);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const zero = f32x4.splat(0), six = f32x4.splat(6);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    v128.store(y + o, v128.andnot(v128.bitselect(six, v, f32x4.ge(v, six)), f32x4.le(v, zero)));
  }
}

export function relu6Backward(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), dy = array(task, 1), dx = array(task, 2);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const zero = f32x4.splat(0), six = f32x4.splat(6);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    v128.store(dx + o, v128.andnot(v128.load(dy + o), v128.or(f32x4.le(v, zero), f32x4.ge(v, six))));
  }
}

// Leaky ReLU, as the reference: y = x > 0 ? x : slope * x, the product taken in float64 and rounded once
// (the reference stores JavaScript's double product into float32), so results match it bit for bit; NaN
// and -0 go through the product. Factor 0: the slope.
export function leakyRelu(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), y = array(task, 1);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const slope = f64x2.splat(load<f64>(task + L.PW_H)), zero = f32x4.splat(0);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), slope));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), slope));
    v128.store(y + o, v128.bitselect(v, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5), f32x4.gt(v, zero)));
  }
}

// Leaky ReLU's gradient, as the reference: dx = x > 0 ? dy : slope * dy (NaN x takes the product), the
// product in float64 rounded once. Arrays: 0 x (the input), 1 dy, 2 dx; factor 0: the slope.
export function leakyReluBackward(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), dy = array(task, 1), dx = array(task, 2);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const slope = f64x2.splat(load<f64>(task + L.PW_H)), zero = f32x4.splat(0);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const g = v128.load(dy + o);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(g), slope));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1)), slope));
    v128.store(dx + o, v128.bitselect(g, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5), f32x4.gt(v128.load(x + o), zero)));
  }
}
