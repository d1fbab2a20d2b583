// Depthwise convolution (groups == inC == outC), vectorised over channels: in NHWC a pixel's channels are
// contiguous, and so are a filter tap's weights [kH, kW, 1, C].
import * as L from './layout.generated';
import { madd } from './simd';
import { claimChunk, rowChunk, shareStart } from './work-split';

@inline function ld(g: usize, field: usize): i32 {
  return load<i32>(g + field);
}

/**
 * One output pixel, any kernel, stride, dilation and padding: taps outside the input are skipped, as the
 * reference does. 16 channels in 4 registers per pass over the taps, then 4, then one at a time.
 */
function depthwisePixel(
  x: usize, w: usize, bias: usize, out: usize, n: i32, inH: i32, inW: i32, C: i32,
  kH: i32, kW: i32, dH: i32, dW: i32, iy0: i32, ix0: i32,
): void {
  const pixelBytes = <usize>C * 4;
  let c = 0;
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

/**
 * Output pixels [ox0, ox1) of one row of a 3x3, stride 1, undilated depthwise conv whose taps all lie in
 * the input (xRow: the input row of the top taps at column ox0 - pL, channel 0). Per 4 channels the 9 tap
 * weights stay in registers and two neighbouring outputs share their 12 input loads: 12 loads per 18
 * multiply-adds, against 2 loads per multiply-add when the weights are reloaded per tap. Each output adds
 * its taps in the general path's order, so the results are the same.
 */
function depthwise3x3Interior(xRow: usize, w: usize, bias: usize, outRow: usize, inW: i32, C: i32, count: i32): void {
  if (C >= WIDE_CHANNELS) {
    depthwise3x3InteriorWide(xRow, w, bias, outRow, inW, C, count);
    return;
  }
  const pb = <usize>C * 4, rowBytes = <usize>inW * pb;
  for (let c = 0; c < C; c += 4) {
    const cb = <usize>(c << 2);
    const w00 = v128.load(w + cb), w01 = v128.load(w + pb + cb), w02 = v128.load(w + 2 * pb + cb);
    const w10 = v128.load(w + 3 * pb + cb), w11 = v128.load(w + 4 * pb + cb), w12 = v128.load(w + 5 * pb + cb);
    const w20 = v128.load(w + 6 * pb + cb), w21 = v128.load(w + 7 * pb + cb), w22 = v128.load(w + 8 * pb + cb);
    const b = bias ? v128.load(bias + cb) : f32x4.splat(0);
    let i = 0;
    for (; i + 2 <= count; i += 2) {
      const r0 = xRow + <usize>i * pb + cb, r1 = r0 + rowBytes, r2 = r1 + rowBytes;
      let a = b, z = b, v = v128.load(r0);
      a = madd(v, w00, a);
      v = v128.load(r0 + pb); a = madd(v, w01, a); z = madd(v, w00, z);
      v = v128.load(r0 + 2 * pb); a = madd(v, w02, a); z = madd(v, w01, z);
      v = v128.load(r0 + 3 * pb); z = madd(v, w02, z);
      v = v128.load(r1); a = madd(v, w10, a);
      v = v128.load(r1 + pb); a = madd(v, w11, a); z = madd(v, w10, z);
      v = v128.load(r1 + 2 * pb); a = madd(v, w12, a); z = madd(v, w11, z);
      v = v128.load(r1 + 3 * pb); z = madd(v, w12, z);
      v = v128.load(r2); a = madd(v, w20, a);
      v = v128.load(r2 + pb); a = madd(v, w21, a); z = madd(v, w20, z);
      v = v128.load(r2 + 2 * pb); a = madd(v, w22, a); z = madd(v, w21, z);
      v = v128.load(r2 + 3 * pb); z = madd(v, w22, z);
      const o = outRow + <usize>i * pb + cb;
      v128.store(o, a);
      v128.store(o + pb, z);
    }
    if (i < count) {
      const r0 = xRow + <usize>i * pb + cb, r1 = r0 + rowBytes, r2 = r1 + rowBytes;
      let a = madd(v128.load(r0), w00, b);
      a = madd(v128.load(r0 + pb), w01, a); a = madd(v128.load(r0 + 2 * pb), w02, a);
      a = madd(v128.load(r1), w10, a); a = madd(v128.load(r1 + pb), w11, a); a = madd(v128.load(r1 + 2 * pb), w12, a);
      a = madd(v128.load(r2), w20, a); a = madd(v128.load(r2 + pb), w21, a); a = madd(v128.load(r2 + 2 * pb), w22, a);
      v128.store(outRow + <usize>i * pb + cb, a);
    }
  }
}

/**
 * From this many channels on, depthwise3x3Interior walks the channels innermost. Walking a row per 4
 * channels (weights in registers) reads its input at a stride of C floats: at 256 channels 28 px wide, the
 * 3 rows' 90 lines fall in 4 of L1's 64 sets and were reloaded from L2 for every 4 channels (0.41 ms, the
 * same work at 64 channels 56 px wide 0.21 ms).
 */
const WIDE_CHANNELS = 128;

/**
 * depthwise3x3Interior for wide channel counts: per pair of outputs all channels in turn, 4 at a time,
 * the 9 weights reloaded (from L1) per 4 channels: 21 loads per 18 multiply-adds, but every line is read
 * while it is in L1. Same tap order per output as the general path.
 */
function depthwise3x3InteriorWide(xRow: usize, w: usize, bias: usize, outRow: usize, inW: i32, C: i32, count: i32): void {
  const pb = <usize>C * 4, rowBytes = <usize>inW * pb;
  let i = 0;
  for (; i + 2 <= count; i += 2) {
    const p0 = xRow + <usize>i * pb, o = outRow + <usize>i * pb;
    for (let cb: usize = 0; cb < pb; cb += 16) {
      const r0 = p0 + cb, r1 = r0 + rowBytes, r2 = r1 + rowBytes, wc = w + cb;
      const b = bias ? v128.load(bias + cb) : f32x4.splat(0);
      let k = v128.load(wc), v = v128.load(r0);
      let a = madd(v, k, b), z = b;
      v = v128.load(r0 + pb); z = madd(v, k, z); k = v128.load(wc + pb); a = madd(v, k, a);
      v = v128.load(r0 + 2 * pb); z = madd(v, k, z); k = v128.load(wc + 2 * pb); a = madd(v, k, a);
      v = v128.load(r0 + 3 * pb); z = madd(v, k, z);
      k = v128.load(wc + 3 * pb); a = madd(v128.load(r1), k, a);
      v = v128.load(r1 + pb); z = madd(v, k, z); k = v128.load(wc + 4 * pb); a = madd(v, k, a);
      v = v128.load(r1 + 2 * pb); z = madd(v, k, z); k = v128.load(wc + 5 * pb); a = madd(v, k, a);
      v = v128.load(r1 + 3 * pb); z = madd(v, k, z);
      k = v128.load(wc + 6 * pb); a = madd(v128.load(r2), k, a);
      v = v128.load(r2 + pb); z = madd(v, k, z); k = v128.load(wc + 7 * pb); a = madd(v, k, a);
      v = v128.load(r2 + 2 * pb); z = madd(v, k, z); k = v128.load(wc + 8 * pb); a = madd(v, k, a);
      v = v128.load(r2 + 3 * pb); z = madd(v, k, z);
      v128.store(o + cb, a);
      v128.store(o + pb + cb, z);
    }
  }
  if (i < count) {
    const p0 = xRow + <usize>i * pb, o = outRow + <usize>i * pb;
    for (let cb: usize = 0; cb < pb; cb += 16) {
      const r0 = p0 + cb, r1 = r0 + rowBytes, r2 = r1 + rowBytes, wc = w + cb;
      let a = madd(v128.load(r0), v128.load(wc), bias ? v128.load(bias + cb) : f32x4.splat(0));
      a = madd(v128.load(r0 + pb), v128.load(wc + pb), a); a = madd(v128.load(r0 + 2 * pb), v128.load(wc + 2 * pb), a);
      a = madd(v128.load(r1), v128.load(wc + 3 * pb), a); a = madd(v128.load(r1 + pb), v128.load(wc + 4 * pb), a);
      a = madd(v128.load(r1 + 2 * pb), v128.load(wc + 5 * pb), a); a = madd(v128.load(r2), v128.load(wc + 6 * pb), a);
      a = madd(v128.load(r2 + pb), v128.load(wc + 7 * pb), a); a = madd(v128.load(r2 + 2 * pb), v128.load(wc + 8 * pb), a);
      v128.store(o + cb, a);
    }
  }
}

/**
 * y[n,oy,ox,c] = bias[c] + sum_{ky,kx} x[n,iy,ix,c] * w[ky,kx,c], row by row. The
 * common 3x3 stride-1 case (MobileNets, face-api's detectors) takes depthwise3x3Interior wherever all nine
 * taps are inside the input; the padded border and every other shape take depthwisePixel. Threads claim
 * chunks of rows (each row is computed whole by one thread, so results do not depend on who took it).
 */
export function depthwiseForward(g: usize, tid: i32, nthreads: i32): void {
  const inH = ld(g, L.C_IN_H), inW = ld(g, L.C_IN_W), C = ld(g, L.C_IN_C);
  const outH = ld(g, L.C_OUT_H), outW = ld(g, L.C_OUT_W), kH = ld(g, L.C_K_H), kW = ld(g, L.C_K_W);
  const sH = ld(g, L.C_STRIDE_H), sW = ld(g, L.C_STRIDE_W), dH = ld(g, L.C_DILATION_H), dW = ld(g, L.C_DILATION_W);
  const pT = ld(g, L.C_PAD_TOP), pL = ld(g, L.C_PAD_LEFT);
  const x = <usize>ld(g, L.DW_X), w = <usize>ld(g, L.DW_W), y = <usize>ld(g, L.DW_Y), bias = <usize>ld(g, L.DW_BIAS);
  const rows = ld(g, L.C_BATCH) * outH;
  const chunk = rowChunk(rows, nthreads);
  const pixelBytes = <usize>C * 4;
  const fast = kH == 3 && kW == 3 && sH == 1 && sW == 1 && dH == 1 && dW == 1 && (C & 3) == 0;
  // Columns whose taps ox - pL .. ox - pL + 2 are all inside the input.
  const ox0 = fast ? min(max(pL, 0), outW) : outW;
  const ox1 = fast ? max(min(inW - 2 + pL, outW), ox0) : outW;
  for (let i = claimChunk(g + L.DW_NEXT); i * chunk < rows; i = claimChunk(g + L.DW_NEXT)) {
    const row1 = min(rows, (i + 1) * chunk);
    for (let row = i * chunk; row < row1; row++) {
      const n = row / outH, oy = row % outH;
      const iy0 = oy * sH - pT;
      const outRow = y + (<usize>(row * outW)) * pixelBytes;
      const inside = fast && iy0 >= 0 && iy0 + 3 <= inH;
      const a = inside ? ox0 : outW, b = inside ? ox1 : outW;
      for (let ox = 0; ox < a; ox++) depthwisePixel(x, w, bias, outRow + <usize>ox * pixelBytes, n, inH, inW, C, kH, kW, dH, dW, iy0, ox * sW - pL);
      if (b > a) depthwise3x3Interior(x + <usize>((n * inH + iy0) * inW + a - pL) * pixelBytes, w, bias, outRow + <usize>a * pixelBytes, inW, C, b - a);
      for (let ox = b; ox < outW; ox++) depthwisePixel(x, w, bias, outRow + <usize>ox * pixelBytes, n, inH, inW, C, kH, kW, dH, dW, iy0, ox * sW - pL);
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
 * dy[n,oy,ox,c] * w[ky,kx,c] (a gather, so threads claim chunks of (n, iy) rows without conflicts). x = dy, y = dx.
 */
export function depthwiseBackwardInput(g: usize, tid: i32, nthreads: i32): void {
  const inH = ld(g, L.C_IN_H), inW = ld(g, L.C_IN_W), C = ld(g, L.C_IN_C);
  const outH = ld(g, L.C_OUT_H), outW = ld(g, L.C_OUT_W), kH = ld(g, L.C_K_H), kW = ld(g, L.C_K_W);
  const sH = ld(g, L.C_STRIDE_H), sW = ld(g, L.C_STRIDE_W), dH = ld(g, L.C_DILATION_H), dW = ld(g, L.C_DILATION_W);
  const pT = ld(g, L.C_PAD_TOP), pL = ld(g, L.C_PAD_LEFT);
  const dy = <usize>ld(g, L.DWI_DY), w = <usize>ld(g, L.DWI_W), dx = <usize>ld(g, L.DWI_DX);
  const rows = ld(g, L.C_BATCH) * inH;
  const chunk = rowChunk(rows, nthreads);
  const pixelBytes = <usize>C * 4;
  for (let i = claimChunk(g + L.DWI_NEXT); i * chunk < rows; i = claimChunk(g + L.DWI_NEXT)) {
    const rowEnd = min(rows, (i + 1) * chunk);
    for (let row = i * chunk; row < rowEnd; row++) {
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
  const sH = ld(g, L.C_STRIDE_H), sW = ld(g, L.C_STRIDE_W), dH = ld(g, L.C_DILATION_H), dW = ld(g, L.C_DILATION_W);
  const pT = ld(g, L.C_PAD_TOP), pL = ld(g, L.C_PAD_LEFT), rows = ld(g, L.C_BATCH) * outH;
  const x = <usize>ld(g, L.DWF_X), dy = <usize>ld(g, L.DWF_DY), partials = <usize>ld(g, L.DWF_PARTIALS);
  const slices = ld(g, L.DWF_SLICES);
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
