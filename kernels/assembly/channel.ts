// Per-channel kernels over NHWC activations viewed as [rows, C]: the affine map of batch norm (with an
// optional second term for its training gradient, and an optional ReLU), and per-channel sums for batch
// statistics and bias gradients.
import * as L from './layout.generated';
import { shareStart } from './work-split';

@inline function ld(p: usize, field: usize): i32 {
  return load<i32>(p + field);
}

/**
 * y[r, c] = (x[r, c] - center[c]) * scale[c] + shift[c] (+ (x2[r, c] - center2[c]) * scale2[c] when x2 is
 * set), then
 * max(0, .) when relu is set (NaN passes, as in the reference). Threads share rows; every element is
 * independent, so y may be x.
 */
export function channelAffine(p: usize, tid: i32, nthreads: i32): void {
  const rows = ld(p, L.A_ROWS), C = ld(p, L.A_CHANNELS);
  const x = <usize>ld(p, L.A_X), center = <usize>ld(p, L.A_CENTER);
  const scale = <usize>ld(p, L.A_SCALE), shift = <usize>ld(p, L.A_SHIFT);
  const x2 = <usize>ld(p, L.A_X2), center2 = <usize>ld(p, L.A_CENTER2), scale2 = <usize>ld(p, L.A_SCALE2);
  const y = <usize>ld(p, L.A_Y);
  const relu = ld(p, L.A_RELU) != 0;
  const rowBytes = <usize>C << 2;
  const zero = f32x4.splat(0);
  const row1 = shareStart(rows, tid + 1, nthreads);
  for (let r = shareStart(rows, tid, nthreads); r < row1; r++) {
    const o = <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const cb = <usize>(c << 2);
      let v = f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + o + cb), v128.load(center + cb)), v128.load(scale + cb)), v128.load(shift + cb));
      if (x2) v = f32x4.add(v, f32x4.mul(f32x4.sub(v128.load(x2 + o + cb), v128.load(center2 + cb)), v128.load(scale2 + cb)));
      if (relu) v = f32x4.max(v, zero);
      v128.store(y + o + cb, v);
    }
    for (; c < C; c++) {
      const cb = <usize>(c << 2);
      let v = (load<f32>(x + o + cb) - load<f32>(center + cb)) * load<f32>(scale + cb) + load<f32>(shift + cb);
      if (x2) v += (load<f32>(x2 + o + cb) - load<f32>(center2 + cb)) * load<f32>(scale2 + cb);
      if (relu) v = max<f32>(v, 0);
      store<f32>(y + o + cb, v);
    }
  }
}

/**
 * Per slice s of rows (slices fixed by the shape, so results do not depend on the thread count), in float64
 * at partial + s * 2C * 8: sums[c] = sum of a[r, c], then, when b is set,
 * dots[c] = sum of (a[r, c] - aCenter[c]) * (b[r, c] - bCenter[c]) (a center pointer 0: no centering).
 * Threads take whole slices; the caller adds the slices up in order.
 */
export function channelSums(p: usize, tid: i32, nthreads: i32): void {
  const rows = ld(p, L.S_ROWS), C = ld(p, L.S_CHANNELS), slices = ld(p, L.S_SLICES);
  const a = <usize>ld(p, L.S_A), b = <usize>ld(p, L.S_B);
  const aCenter = <usize>ld(p, L.S_A_CENTER), bCenter = <usize>ld(p, L.S_B_CENTER);
  const partial = <usize>ld(p, L.S_PARTIAL);
  const rowBytes = <usize>C << 2;
  for (let s = tid; s < slices; s += nthreads) {
    const sums = partial + <usize>s * (rowBytes << 2);
    const dots = sums + (rowBytes << 1);
    memory.fill(sums, 0, rowBytes << 2);
    const row1 = shareStart(rows, s + 1, slices);
    for (let r = shareStart(rows, s, slices); r < row1; r++) {
      const ar = a + <usize>r * rowBytes;
      let c = 0;
      if (!b) {
        for (; c + 2 <= C; c += 2) {
          const acc = sums + (<usize>c << 3);
          v128.store(acc, f64x2.add(v128.load(acc), f64x2.promote_low_f32x4(v128.load64_zero(ar + (<usize>c << 2)))));
        }
        if (c < C) store<f64>(sums + (<usize>c << 3), load<f64>(sums + (<usize>c << 3)) + <f64>load<f32>(ar + (<usize>c << 2)));
        continue;
      }
      const br = b + <usize>r * rowBytes;
      for (; c + 2 <= C; c += 2) {
        const c8 = <usize>c << 3, c4 = <usize>c << 2;
        const av = f64x2.promote_low_f32x4(v128.load64_zero(ar + c4));
        const bv = f64x2.promote_low_f32x4(v128.load64_zero(br + c4));
        const ac = aCenter ? f64x2.sub(av, v128.load(aCenter + c8)) : av;
        const bc = bCenter ? f64x2.sub(bv, v128.load(bCenter + c8)) : bv;
        v128.store(sums + c8, f64x2.add(v128.load(sums + c8), av));
        v128.store(dots + c8, f64x2.add(v128.load(dots + c8), f64x2.mul(ac, bc)));
      }
      if (c < C) {
        const c8 = <usize>c << 3, c4 = <usize>c << 2;
        const av = <f64>load<f32>(ar + c4), bv = <f64>load<f32>(br + c4);
        store<f64>(sums + c8, load<f64>(sums + c8) + av);
        store<f64>(dots + c8, load<f64>(dots + c8) + (aCenter ? av - load<f64>(aCenter + c8) : av) * (bCenter ? bv - load<f64>(bCenter + c8) : bv));
      }
    }
  }
}
