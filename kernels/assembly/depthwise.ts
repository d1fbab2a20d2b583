// Depthwise convolution (groups == inC == outC), vectorised over channels: in NHWC a pixel's channels are
// contiguous, and so are a filter tap's weights [kH, kW, 1, C].
import * as L from './layout';
import { madd } from './simd';
import { shareStart } from './work-split';

@inline function ld(g: usize, field: usize): i32 {
  return load<i32>(g + field);
}

/** y[n,oy,ox,c] = bias[c] + sum_{ky,kx} x[n,iy,ix,c] * w[ky,kx,c]; threads share the (n, oy) rows. */
export function depthwiseForward(g: usize, tid: i32, nthreads: i32): void {
  const inH = ld(g, L.C_IN_H), inW = ld(g, L.C_IN_W), C = ld(g, L.C_IN_C);
  const outH = ld(g, L.C_OUT_H), outW = ld(g, L.C_OUT_W), kH = ld(g, L.C_K_H), kW = ld(g, L.C_K_W);
  const sH = ld(g, L.C_STRIDE_H), sW = ld(g, L.C_STRIDE_W), dH = ld(g, L.C_DIL_H), dW = ld(g, L.C_DIL_W);
  const pT = ld(g, L.C_PAD_T), pL = ld(g, L.C_PAD_L);
  const x = <usize>ld(g, L.C_X), w = <usize>ld(g, L.C_W), y = <usize>ld(g, L.C_Y), bias = <usize>ld(g, L.C_BIAS);
  const rows = ld(g, L.C_BATCH) * outH;
  const row1 = shareStart(rows, tid + 1, nthreads);
  const pixelBytes = <usize>C * 4;
  for (let row = shareStart(rows, tid, nthreads); row < row1; row++) {
    const n = row / outH, oy = row % outH;
    const iy0 = oy * sH - pT;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * sW - pL;
      const out = y + (<usize>(row * outW + ox)) * pixelBytes;
      let c = 0;
      // 16 channels in 4 registers per pass over the taps, then 4, then one at a time.
      for (; c + 16 <= C; c += 16) {
        const cb = <usize>(c << 2);
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
        if (bias) {
          a0 = v128.load(bias + cb); a1 = v128.load(bias + cb, 16);
          a2 = v128.load(bias + cb, 32); a3 = v128.load(bias + cb, 48);
        }
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dH;
          if (<u32>iy >= <u32>inH) continue;
          const xRow = x + <usize>((n * inH + iy) * inW) * pixelBytes + cb;
          const wRow = w + <usize>(ky * kW) * pixelBytes + cb;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dW;
            if (<u32>ix >= <u32>inW) continue;
            const xp = xRow + <usize>ix * pixelBytes, wp = wRow + <usize>kx * pixelBytes;
            a0 = madd(v128.load(xp), v128.load(wp), a0);
            a1 = madd(v128.load(xp, 16), v128.load(wp, 16), a1);
            a2 = madd(v128.load(xp, 32), v128.load(wp, 32), a2);
            a3 = madd(v128.load(xp, 48), v128.load(wp, 48), a3);
          }
        }
        v128.store(out + cb, a0); v128.store(out + cb, a1, 16);
        v128.store(out + cb, a2, 32); v128.store(out + cb, a3, 48);
      }
      for (; c + 4 <= C; c += 4) {
        const cb = <usize>(c << 2);
        let acc = bias ? v128.load(bias + cb) : f32x4.splat(0);
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dH;
          if (<u32>iy >= <u32>inH) continue;
          const xRow = x + <usize>((n * inH + iy) * inW) * pixelBytes + cb;
          const wRow = w + <usize>(ky * kW) * pixelBytes + cb;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dW;
            if (<u32>ix >= <u32>inW) continue;
            acc = madd(v128.load(xRow + <usize>ix * pixelBytes), v128.load(wRow + <usize>kx * pixelBytes), acc);
          }
        }
        v128.store(out + cb, acc);
      }
      for (; c < C; c++) {
        const cb = <usize>(c << 2);
        let acc: f32 = bias ? load<f32>(bias + cb) : 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dH;
          if (<u32>iy >= <u32>inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dW;
            if (<u32>ix >= <u32>inW) continue;
            acc += load<f32>(x + <usize>((n * inH + iy) * inW + ix) * pixelBytes + cb) *
              load<f32>(w + <usize>(ky * kW + kx) * pixelBytes + cb);
          }
        }
        store<f32>(out + cb, acc);
      }
    }
  }
}

/** dst[0..C) += a[0..C) * b[0..C), vectorised (a depthwise tap applied to one pixel). */
@inline
function addProducts(dst: usize, a: usize, b: usize, C: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const cb = <usize>(c << 2);
    v128.store(dst + cb, madd(v128.load(a + cb), v128.load(b + cb), v128.load(dst + cb)));
  }
  for (; c < C; c++) {
    const cb = <usize>(c << 2);
    store<f32>(dst + cb, load<f32>(dst + cb) + load<f32>(a + cb) * load<f32>(b + cb));
  }
}

/**
 * dx[n,iy,ix,c] = sum over the taps (ky,kx) whose output position is on the stride grid of
 * dy[n,oy,ox,c] * w[ky,kx,c] (a gather, so threads share (n, iy) rows without conflicts). x = dy, y = dx.
 */
export function depthwiseBackwardInput(g: usize, tid: i32, nthreads: i32): void {
  const inH = ld(g, L.C_IN_H), inW = ld(g, L.C_IN_W), C = ld(g, L.C_IN_C);
  const outH = ld(g, L.C_OUT_H), outW = ld(g, L.C_OUT_W), kH = ld(g, L.C_K_H), kW = ld(g, L.C_K_W);
  const sH = ld(g, L.C_STRIDE_H), sW = ld(g, L.C_STRIDE_W), dH = ld(g, L.C_DIL_H), dW = ld(g, L.C_DIL_W);
  const pT = ld(g, L.C_PAD_T), pL = ld(g, L.C_PAD_L);
  const dy = <usize>ld(g, L.C_X), w = <usize>ld(g, L.C_W), dx = <usize>ld(g, L.C_Y);
  const rows = ld(g, L.C_BATCH) * inH;
  const row1 = shareStart(rows, tid + 1, nthreads);
  const pixelBytes = <usize>C * 4;
  for (let row = shareStart(rows, tid, nthreads); row < row1; row++) {
    const n = row / inH, iy = row % inH;
    for (let ix = 0; ix < inW; ix++) {
      const out = dx + (<usize>(row * inW + ix)) * pixelBytes;
      memory.fill(out, 0, pixelBytes);
      // The taps are found once per pixel; the channel loop inside has no index arithmetic.
      for (let ky = 0; ky < kH; ky++) {
        const ty = iy + pT - ky * dH;
        if (ty < 0 || ty % sH != 0) continue;
        const oy = ty / sH;
        if (oy >= outH) continue;
        for (let kx = 0; kx < kW; kx++) {
          const tx = ix + pL - kx * dW;
          if (tx < 0 || tx % sW != 0) continue;
          const ox = tx / sW;
          if (ox >= outW) continue;
          addProducts(out, dy + <usize>((n * outH + oy) * outW + ox) * pixelBytes, w + <usize>(ky * kW + kx) * pixelBytes, C);
        }
      }
    }
  }
}

/**
 * Partial dW sums over slices of output rows (y = partials [slices][kH*kW][C], x = input, w = dy): threads
 * share whole slices, so the memory each reads is its own (this kernel is bound by memory, and splitting
 * channels instead made every thread stream all of x and dy: 2 threads ran 1.4-2x slower than one). The
 * slices depend on the shape alone and gemmReduce adds them in order, so results do not depend on threads.
 */
export function depthwiseBackwardFilter(g: usize, tid: i32, nthreads: i32): void {
  const inH = ld(g, L.C_IN_H), inW = ld(g, L.C_IN_W), C = ld(g, L.C_IN_C);
  const outH = ld(g, L.C_OUT_H), outW = ld(g, L.C_OUT_W), kH = ld(g, L.C_K_H), kW = ld(g, L.C_K_W);
  const sH = ld(g, L.C_STRIDE_H), sW = ld(g, L.C_STRIDE_W), dH = ld(g, L.C_DIL_H), dW = ld(g, L.C_DIL_W);
  const pT = ld(g, L.C_PAD_T), pL = ld(g, L.C_PAD_L), rows = ld(g, L.C_BATCH) * outH;
  const x = <usize>ld(g, L.C_X), dy = <usize>ld(g, L.C_W), partials = <usize>ld(g, L.C_Y);
  const slices = ld(g, L.C_SLICES);
  const pixelBytes = <usize>C * 4;
  const sliceBytes = <usize>(kH * kW) * pixelBytes;
  const s1 = shareStart(slices, tid + 1, nthreads);
  for (let s = shareStart(slices, tid, nthreads); s < s1; s++) {
    const dw = partials + <usize>s * sliceBytes;
    memory.fill(dw, 0, sliceBytes);
    const row1 = shareStart(rows, s + 1, slices);
    for (let row = shareStart(rows, s, slices); row < row1; row++) {
      const n = row / outH, oy = row % outH;
      for (let ox = 0; ox < outW; ox++) {
        const d = dy + <usize>(row * outW + ox) * pixelBytes;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sH - pT + ky * dH;
          if (<u32>iy >= <u32>inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sW - pL + kx * dW;
            if (<u32>ix >= <u32>inW) continue;
            const xp = x + <usize>((n * inH + iy) * inW + ix) * pixelBytes;
            addProducts(dw + <usize>(ky * kW + kx) * pixelBytes, xp, d, C);
          }
        }
      }
    }
  }
}
