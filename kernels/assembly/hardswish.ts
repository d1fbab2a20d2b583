// hardswish and its gradient, as the reference loops (src/ops/hardswish.ts) compute them in float32, so the
// results agree bit for bit. Arrays (pointwise-share.ts): forward 0 x, 1 y (may be x); backward 0 x, 1 dy, 2 dx.
import { array, shareBytes } from './pointwise-share';

// y = x * min(max(x + 3, 0), 6) / 6
export function hardswish(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), y = array(task, 1);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const zero = f32x4.splat(0), three = f32x4.splat(3), six = f32x4.splat(6);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    const gate = f32x4.min(f32x4.max(f32x4.add(v, three), zero), six);
    v128.store(y + o, f32x4.div(f32x4.mul(v, gate), six));
  }
}

// dx = 0 where x < -3, dy where x > 3, else dy * (x / 3 + 0.5) (NaN x: NaN)
export function hardswishBackward(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), dy = array(task, 1), dx = array(task, 2);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const three = f32x4.splat(3), minusThree = f32x4.splat(-3), half = f32x4.splat(0.5);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    const d = v128.load(dy + o);
    const ramp = f32x4.mul(d, f32x4.add(f32x4.div(v, three), half));
    const upper = v128.bitselect(d, ramp, f32x4.gt(v, three));
    v128.store(dx + o, v128.andnot(upper, f32x4.lt(v, minusThree)));
  }
}
