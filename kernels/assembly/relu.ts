// ReLU (and ReLU6, below) and their gradients. ReLU works on the float32 bit patterns, as the reference (src/backend/js/pointwise.ts): a
// float is > 0 exactly when its int32 bits are, so the sign gives a mask with no branch; results agree
// bit for bit (NaN passes forward and backward, -0 becomes +0). Arrays (pointwise-share.ts): forward
// 0 x, 1 y (may be x); backward 0 the ReLU's input or output, 1 dy, 2 dx.
import { array, shareBytes } from './pointwise-share';

export function relu(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), y = array(task, 1);
  const end = shareBytes(task, tid, nthreads, 4, true);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const bits = v128.load(x + o);
    v128.store(y + o, v128.andnot(bits, i32x4.shr_s(bits, 31)));
  }
}

export function reluBackward(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), dy = array(task, 1), dx = array(task, 2);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const zero = i32x4.splat(0);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    v128.store(dx + o, v128.and(v128.load(dy + o), i32x4.gt_s(v128.load(x + o), zero)));
  }
}

// ReLU6, as the reference: y = x > 0 ? (x < 6 ? x : 6) : 0 (NaN gives 0), dx = dy where 0 < x < 6.
export function relu6(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), y = array(task, 1);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const zero = f32x4.splat(0), six = f32x4.splat(6);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    v128.store(y + o, v128.and(v128.bitselect(v, six, f32x4.lt(v, six)), f32x4.gt(v, zero)));
  }
}

export function relu6Backward(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), dy = array(task, 1), dx = array(task, 2);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const zero = f32x4.splat(0), six = f32x4.splat(6);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    v128.store(dx + o, v128.and(v128.load(dy + o), v128.and(f32x4.gt(v, zero), f32x4.lt(v, six))));
  }
}
