// 2-D pooling, NHWC, vectorised over channels. Forward passes compute whole (n, oy) rows, which threads
// claim in chunks; backward passes scatter into dx, so they share whole images.
import * as L from './layout.generated';
import { claimChunk, rowChunk, shareStart } from './work-split';

@inline function ld(p: usize, field: usize): i32 {
  return load<i32>(p + field);
}

/**
 * Output pixels at the end of each row that stop their vectors at C & ~3 (then a scalar tail). The others
 * take whole vectors even past C: the extra lanes land on the following pixels' first channels, which those
 * pixels overwrite later (same thread, left to right), and never reach another row, which another thread
 * may own.
 */
@inline function exactPixels(C: i32): i32 {
  const overrun = ((C + 3) & ~3) - C;
  return overrun == 0 ? 0 : (overrun + C - 1) / C;
}

/**
 * Max pooling with the winner's flat index into x (argmax 0 in the record: values only, for inference).
 * Matches the reference exactly, NaN included: the first valid cell starts the window, a larger value or a
 * NaN replaces the winner, and after a NaN the rest of that window row is skipped.
 */
export function maxPool2d(p: usize, tid: i32, nthreads: i32): void {
  const inH = ld(p, L.P_IN_H), inW = ld(p, L.P_IN_W), C = ld(p, L.P_CHANNELS);
  const outH = ld(p, L.P_OUT_H), outW = ld(p, L.P_OUT_W), kH = ld(p, L.P_K_H), kW = ld(p, L.P_K_W);
  const sH = ld(p, L.P_STRIDE_H), sW = ld(p, L.P_STRIDE_W), pT = ld(p, L.P_PAD_TOP), pL = ld(p, L.P_PAD_LEFT);
  const x = <usize>ld(p, L.PF_X), y = <usize>ld(p, L.PF_Y), argmax = <usize>ld(p, L.PF_ARGMAX);
  const rows = ld(p, L.P_BATCH) * outH;
  const chunk = rowChunk(rows, nthreads);
  const lanes = i32x4(0, 1, 2, 3);
  const vectorPixels = outW - exactPixels(C);
  const withArgmax = argmax != 0;
  // Columns whose windows lie inside the input, for maxWindowsInterior.
  const ox0 = withArgmax || (C & 3) != 0 ? outW : min((pL + sW - 1) / sW, outW);
  const ox1 = inW + pL >= kW ? max(ox0, min(outW, (inW + pL - kW) / sW + 1)) : ox0;
  for (let i = claimChunk(p + L.PF_NEXT); i * chunk < rows; i = claimChunk(p + L.PF_NEXT)) {
    const rowEnd = min(rows, (i + 1) * chunk);
    for (let row = i * chunk; row < rowEnd; row++) {
      const n = row / outH, oy = row % outH;
      const y0 = oy * sH - pT;
      const iyStart = max(y0, 0), iyEnd = min(y0 + kH, inH);
      const inside = y0 >= 0 && y0 + kH <= inH;
      if (inside && ox1 > ox0) {
        const src = x + <usize>(((n * inH + y0) * inW + ox0 * sW - pL) * C) * 4;
        maxWindowsInterior(src, y + <usize>((row * outW + ox0) * C) * 4, inW, C, kH, kW, sW, ox1 - ox0);
      }
      for (let ox = 0; ox < outW; ox++) {
        if (inside && ox == ox0 && ox1 > ox0) ox = ox1;
        if (ox >= outW) break;
        const x0 = ox * sW - pL;
        const ixStart = max(x0, 0), ixEnd = min(x0 + kW, inW);
        const o = <usize>((row * outW + ox) * C) * 4;
        if (iyStart >= iyEnd || ixStart >= ixEnd) {
          // The window is all padding.
          for (let c = 0; c < C; c++) {
            store<f32>(y + o + <usize>(c << 2), 0);
            if (withArgmax) store<i32>(argmax + o + <usize>(c << 2), -1);
          }
          continue;
        }
        const vectorEnd = ox < vectorPixels ? C : C & ~3;
        let c = 0;
        for (; c < vectorEnd; c += 4) {
          let best = f32x4.splat(0), bestIdx = i32x4.splat(0);
          let first = true;
          for (let iy = iyStart; iy < iyEnd; iy++) {
            let nanTaken = i32x4.splat(0); // lanes whose row already hit a NaN
            for (let ix = ixStart; ix < ixEnd; ix++) {
              const idx = ((n * inH + iy) * inW + ix) * C + c;
              const v = v128.load(x + <usize>idx * 4);
              const isNaN = f32x4.ne(v, v);
              let take = i32x4.splat(-1);
              if (!first) take = v128.andnot(v128.or(f32x4.gt(v, best), isNaN), nanTaken);
              first = false;
              best = v128.bitselect(v, best, take);
              if (withArgmax) {
                bestIdx = v128.bitselect(i32x4.add(i32x4.splat(idx), lanes), bestIdx, take);
                nanTaken = v128.or(nanTaken, v128.and(take, isNaN));
              }
            }
          }
          v128.store(y + o + <usize>(c << 2), best);
          if (withArgmax) v128.store(argmax + o + <usize>(c << 2), bestIdx);
        }
        for (; c < C; c++) {
          let best: f32 = 0, bestIdx = 0;
          let first = true;
          for (let iy = iyStart; iy < iyEnd; iy++) {
            for (let ix = ixStart; ix < ixEnd; ix++) {
              const idx = ((n * inH + iy) * inW + ix) * C + c;
              const v = load<f32>(x + <usize>idx * 4);
              if (first || v > best || v != v) {
                best = v;
                bestIdx = idx;
                first = false;
                if (v != v) break;
              }
            }
          }
          store<f32>(y + o + <usize>(c << 2), best);
          if (withArgmax) store<i32>(argmax + o + <usize>(c << 2), bestIdx);
        }
      }
    }
  }
}

/** best, replaced where v is larger or NaN (maxPool2d's rule without argmax, lane by lane). */
@inline function maxStep(best: v128, v: v128): v128 {
  return v128.bitselect(v, best, v128.or(f32x4.gt(v, best), f32x4.ne(v, v)));
}

/**
 * `count` outputs of one row whose kH x kW windows lie inside the input (src: the first window's top-left
 * pixel, channel 0), values only, C a multiple of 4: no bounds or argmax tests per tap, 16 channels per
 * pass over the taps. The taps are visited in maxPool2d's order, so the winners are the same.
 */
function maxWindowsInterior(src: usize, out: usize, inW: i32, C: i32, kH: i32, kW: i32, sW: i32, count: i32): void {
  const pb = <usize>C * 4, rowBytes = <usize>inW * pb, step = <usize>sW * pb;
  for (let i = 0; i < count; i++) {
    const win = src + <usize>i * step, o = out + <usize>i * pb;
    let c = 0;
    for (; c + 16 <= C; c += 16) {
      const cb = win + <usize>(c << 2);
      let b0 = v128.load(cb), b1 = v128.load(cb, 16), b2 = v128.load(cb, 32), b3 = v128.load(cb, 48);
      for (let ky = 0; ky < kH; ky++) {
        const r = cb + <usize>ky * rowBytes;
        for (let kx = ky == 0 ? 1 : 0; kx < kW; kx++) {
          const t = r + <usize>kx * pb;
          b0 = maxStep(b0, v128.load(t)); b1 = maxStep(b1, v128.load(t, 16));
          b2 = maxStep(b2, v128.load(t, 32)); b3 = maxStep(b3, v128.load(t, 48));
        }
      }
      const ob = o + <usize>(c << 2);
      v128.store(ob, b0); v128.store(ob, b1, 16); v128.store(ob, b2, 32); v128.store(ob, b3, 48);
    }
    for (; c < C; c += 4) {
      const cb = win + <usize>(c << 2);
      let b0 = v128.load(cb);
      for (let ky = 0; ky < kH; ky++) {
        const r = cb + <usize>ky * rowBytes;
        for (let kx = ky == 0 ? 1 : 0; kx < kW; kx++) b0 = maxStep(b0, v128.load(r + <usize>kx * pb));
      }
      v128.store(o + <usize>(c << 2), b0);
    }
  }
}

/** dx = 0, then dy scattered to the recorded winners (which lie in the same image). x = dy, y = dx. */
export function maxPool2dBackward(p: usize, tid: i32, nthreads: i32): void {
  const batch = ld(p, L.P_BATCH), C = ld(p, L.P_CHANNELS);
  const inPixels = ld(p, L.P_IN_H) * ld(p, L.P_IN_W) * C;
  const outPixels = ld(p, L.P_OUT_H) * ld(p, L.P_OUT_W) * C;
  const dy = <usize>ld(p, L.PB_DY), dx = <usize>ld(p, L.PB_DX), argmax = <usize>ld(p, L.PB_ARGMAX);
  const n1 = shareStart(batch, tid + 1, nthreads);
  for (let n = shareStart(batch, tid, nthreads); n < n1; n++) {
    memory.fill(dx + <usize>(n * inPixels) * 4, 0, <usize>inPixels * 4);
    const end = (n + 1) * outPixels;
    for (let o = n * outPixels; o < end; o++) {
      const at = load<i32>(argmax + <usize>o * 4);
      if (at < 0) continue;
      const d = dx + <usize>at * 4;
      store<f32>(d, load<f32>(d) + load<f32>(dy + <usize>o * 4));
    }
  }
}

/** The divisor of window (oy, ox), as in the reference: with or without the padding cells. */
function windowScale(p: usize, oy: i32, ox: i32): f32 {
  if (ld(p, L.P_SUM)) return 1;
  const inH = ld(p, L.P_IN_H), inW = ld(p, L.P_IN_W), kH = ld(p, L.P_K_H), kW = ld(p, L.P_K_W);
  const pT = ld(p, L.P_PAD_TOP), pL = ld(p, L.P_PAD_LEFT);
  const y0 = oy * ld(p, L.P_STRIDE_H) - pT, x0 = ox * ld(p, L.P_STRIDE_W) - pL;
  let count: i32;
  if (ld(p, L.P_COUNT_INCLUDE_PAD)) {
    count = (min(y0 + kH, inH + pT) - y0) * (min(x0 + kW, inW + pL) - x0);
  } else {
    count = max(min(y0 + kH, inH) - max(y0, 0), 0) * max(min(x0 + kW, inW) - max(x0, 0), 0);
  }
  return count > 0 ? <f32>1 / <f32>count : 0;
}

/** Average (or sum) pooling. */
export function avgPool2d(p: usize, tid: i32, nthreads: i32): void {
  const inH = ld(p, L.P_IN_H), inW = ld(p, L.P_IN_W), C = ld(p, L.P_CHANNELS);
  const outH = ld(p, L.P_OUT_H), outW = ld(p, L.P_OUT_W), kH = ld(p, L.P_K_H), kW = ld(p, L.P_K_W);
  const sH = ld(p, L.P_STRIDE_H), sW = ld(p, L.P_STRIDE_W), pT = ld(p, L.P_PAD_TOP), pL = ld(p, L.P_PAD_LEFT);
  const x = <usize>ld(p, L.PF_X), y = <usize>ld(p, L.PF_Y);
  const rows = ld(p, L.P_BATCH) * outH;
  const chunk = rowChunk(rows, nthreads);
  const pixelBytes = <usize>C * 4;
  const vectorPixels = outW - exactPixels(C);
  for (let i = claimChunk(p + L.PF_NEXT); i * chunk < rows; i = claimChunk(p + L.PF_NEXT)) {
    const rowEnd = min(rows, (i + 1) * chunk);
    for (let row = i * chunk; row < rowEnd; row++) {
      const n = row / outH, oy = row % outH;
      const y0 = oy * sH - pT;
      const iyStart = max(y0, 0), iyEnd = min(y0 + kH, inH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sW - pL;
        const ixStart = max(x0, 0), ixEnd = min(x0 + kW, inW);
        const scale = windowScale(p, oy, ox);
        const out = y + <usize>(row * outW + ox) * pixelBytes;
        const vectorEnd = ox < vectorPixels ? C : C & ~3;
        let c = 0;
        for (; c < vectorEnd; c += 4) {
          const cb = <usize>(c << 2);
          let acc = f32x4.splat(0);
          for (let iy = iyStart; iy < iyEnd; iy++) {
            const src = x + <usize>((n * inH + iy) * inW) * pixelBytes + cb;
            for (let ix = ixStart; ix < ixEnd; ix++) acc = f32x4.add(acc, v128.load(src + <usize>ix * pixelBytes));
          }
          v128.store(out + cb, f32x4.mul(acc, f32x4.splat(scale)));
        }
        for (; c < C; c++) {
          const cb = <usize>(c << 2);
          let acc: f32 = 0;
          for (let iy = iyStart; iy < iyEnd; iy++) {
            const src = x + <usize>((n * inH + iy) * inW) * pixelBytes + cb;
            for (let ix = ixStart; ix < ixEnd; ix++) acc += load<f32>(src + <usize>ix * pixelBytes);
          }
          store<f32>(out + cb, acc * scale);
        }
      }
    }
  }
}

/** dx = 0, then each dy spread (scaled) over its window. x = dy, y = dx. */
export function avgPool2dBackward(p: usize, tid: i32, nthreads: i32): void {
  const inH = ld(p, L.P_IN_H), inW = ld(p, L.P_IN_W), C = ld(p, L.P_CHANNELS);
  const outH = ld(p, L.P_OUT_H), outW = ld(p, L.P_OUT_W), kH = ld(p, L.P_K_H), kW = ld(p, L.P_K_W);
  const sH = ld(p, L.P_STRIDE_H), sW = ld(p, L.P_STRIDE_W), pT = ld(p, L.P_PAD_TOP), pL = ld(p, L.P_PAD_LEFT);
  const dy = <usize>ld(p, L.PB_DY), dx = <usize>ld(p, L.PB_DX);
  const batch = ld(p, L.P_BATCH);
  const n1 = shareStart(batch, tid + 1, nthreads);
  const pixelBytes = <usize>C * 4;
  for (let n = shareStart(batch, tid, nthreads); n < n1; n++) {
    memory.fill(dx + <usize>(n * inH * inW) * pixelBytes, 0, <usize>(inH * inW) * pixelBytes);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sH - pT;
      const iyStart = max(y0, 0), iyEnd = min(y0 + kH, inH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sW - pL;
        const ixStart = max(x0, 0), ixEnd = min(x0 + kW, inW);
        const scale = windowScale(p, oy, ox);
        const src = dy + <usize>((n * outH + oy) * outW + ox) * pixelBytes;
        for (let iy = iyStart; iy < iyEnd; iy++) {
          for (let ix = ixStart; ix < ixEnd; ix++) {
            const dst = dx + <usize>((n * inH + iy) * inW + ix) * pixelBytes;
            let c = 0;
            for (; c + 4 <= C; c += 4) {
              const cb = <usize>(c << 2);
              v128.store(dst + cb, f32x4.add(v128.load(dst + cb), f32x4.mul(v128.load(src + cb), f32x4.splat(scale))));
            }
            for (; c < C; c++) {
              const cb = <usize>(c << 2);
              store<f32>(dst + cb, load<f32>(dst + cb) + load<f32>(src + cb) * scale);
            }
          }
        }
      }
    }
  }
}
