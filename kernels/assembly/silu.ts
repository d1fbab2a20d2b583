// SiLU, x * sigmoid(x), and its gradient in float32 SIMD. Arrays (pointwise-share.ts): forward 0 x, 1 y (may
// be x); backward 0 x, 1 dy, 2 dx. The sigmoid is taken from e = exp(-|x|), which never overflows:
// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) below, so neither tail loses its digits.
import { array, shareBytes } from './pointwise-share';

// exp(t) for t <= 0 (Cephes expf): t = n ln2 + r, |r| <= ln2 / 2, exp(r) by Cephes's polynomial (about 1
// ulp), times 2^n in two halves: expHead = exp(r) * 2^ceil(n/2), always normal, and expTail = 2^floor(n/2).
// A result below the normal range is rounded once, by the caller's last multiply by the tail. t is clamped
// to -120, where even 120 exp(t) rounds to 0; NaN propagates.
@inline
function expExponent(t: v128): v128 {
  return f32x4.nearest(f32x4.mul(f32x4.max(t, f32x4.splat(-120)), f32x4.splat(1.44269504088896341)));
}

@inline
function expHead(t: v128, n: v128): v128 {
  t = f32x4.max(t, f32x4.splat(-120));
  // r = t - n ln2, ln2 split in two so that n * 0.693359375 is exact.
  let r = f32x4.sub(t, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n); // NaN gives 0: p is NaN already
  return f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.sub(ni, i32x4.shr_s(ni, 1)), i32x4.splat(127)), 23));
}

@inline
function expTail(n: v128): v128 {
  return i32x4.shl(i32x4.add(i32x4.shr_s(i32x4.trunc_sat_f32x4_s(n), 1), i32x4.splat(127)), 23);
}

// y = x * sigmoid(x)
export function silu(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), y = array(task, 1);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const one = f32x4.splat(1), zero = f32x4.splat(0), minusZero = f32x4.splat(-0.0), lowest = f32x4.splat(-120);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    const t = f32x4.neg(f32x4.abs(v));
    const n = expExponent(t);
    const head = expHead(t, n), tail = expTail(n);
    const e = f32x4.mul(head, tail);
    // x e / (1 + e) below 0, the tail last so a result below the normal range is rounded once
    // -0 below -120 (where x exp(x) rounds to 0 and the clamped exp would not), then + x * 0: -0 for finite
    // x (no change), NaN for -Infinity (-inf / inf, as the reference)
    const scaled = f32x4.mul(f32x4.div(f32x4.mul(v, head), f32x4.add(one, e)), tail);
    const below = f32x4.add(v128.bitselect(scaled, minusZero, f32x4.ge(v, lowest)), f32x4.mul(v, zero));
    v128.store(y + o, v128.bitselect(f32x4.div(v, f32x4.add(one, e)), below, f32x4.ge(v, zero)));
  }
}

// dx = dy * s * (1 + x * (1 - s)), s = sigmoid(x), as PyTorch's silu_backward
export function siluBackward(task: usize, tid: i32, nthreads: i32): void {
  const x = array(task, 0), dy = array(task, 1), dx = array(task, 2);
  const end = shareBytes(task, tid, nthreads, 4, true);
  const one = f32x4.splat(1), zero = f32x4.splat(0), lowest = f32x4.splat(-120);
  for (let o = shareBytes(task, tid, nthreads, 4, false); o < end; o += 16) {
    const v = v128.load(x + o);
    const t = f32x4.neg(f32x4.abs(v));
    const n = expExponent(t);
    const head = expHead(t, n), tail = expTail(n);
    const big = f32x4.div(one, f32x4.add(one, f32x4.mul(head, tail))); // sigmoid(|x|)
    const smallHead = f32x4.mul(head, big); // sigmoid(-|x|) / tail
    const positive = f32x4.ge(v, zero);
    const d = v128.load(dy + o);
    // x >= 0: s = big, 1 - s = smallHead * tail; below: s = smallHead * tail (the tail last), 1 - s = big
    const above = f32x4.mul(d, f32x4.mul(big, f32x4.add(one, f32x4.mul(v, f32x4.mul(smallHead, tail)))));
    const scaled = f32x4.mul(f32x4.mul(f32x4.mul(d, smallHead), f32x4.add(one, f32x4.mul(v, big))), tail);
    const below = f32x4.add(v128.bitselect(scaled, zero, f32x4.ge(v, lowest)), f32x4.mul(v, zero)); // as forward
    v128.store(dx + o, v128.bitselect(above, below, positive));
  }
}
