// Packing A panels straight from a conv input, without building im2col. The input was copied with its
// padding made explicit (padInput), so every tap of every output position lies inside it: no bounds
// checks, and column k = (ky, kx, ci) of a window is a fixed byte offset, C_OFFSETS[k], from the window's
// top-left corner (the group's first channel included).
import * as L from './layout.generated';
import { A_STEP, MR } from './gemm-microkernel';
import { shareStart } from './work-split';

/** Byte address of the top-left corner of output position pos's window in the padded input. */
@inline
export function windowBase(g: usize, x: usize, pos: i32): usize {
  const outW = load<i32>(g, L.C_OUT_W), outH = load<i32>(g, L.C_OUT_H);
  const ox = pos % outW, rest = pos / outW;
  const oy = rest % outH, n = rest / outH;
  const inH = load<i32>(g, L.C_IN_H), inW = load<i32>(g, L.C_IN_W), inC = load<i32>(g, L.C_IN_C);
  const iy = oy * load<i32>(g, L.C_STRIDE_H), ix = ox * load<i32>(g, L.C_STRIDE_W);
  return x + <usize>(((n * inH + iy) * inW + ix) * inC) * 4;
}

/** Rows [row0, row0+mr) of im2col(x) (one per output position), depth [k0, k0+kc). */
export function packIm2colPanel(task: usize, row0: i32, mr: i32, k0: i32, kc: i32, dst: usize): void {
  const g = <usize>load<i32>(task, L.G_CONV);
  const x = <usize>load<i32>(task, L.G_A);
  const offsets = <usize>load<i32>(g, L.CG_OFFSETS) + <usize>k0 * 4;
  for (let r = 0; r < MR; r++) {
    const d = dst + <usize>(r << 2);
    if (r >= mr) {
      for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * A_STEP, 0);
      continue;
    }
    const base = windowBase(g, x, row0 + r);
    for (let p = 0; p < kc; p++) {
      store<f32>(d + <usize>p * A_STEP, load<f32>(base + <usize>load<u32>(offsets + <usize>(p << 2))));
    }
  }
}

/**
 * Rows [row0, row0+mr) of im2col(x)^T (one per column k = (ky, kx, ci)), depth = output positions
 * [k0, k0+kc): the A operand of dW = im2col(x)^T · dy.
 */
export function packIm2colTPanel(task: usize, row0: i32, mr: i32, k0: i32, kc: i32, dst: usize): void {
  const g = <usize>load<i32>(task, L.G_CONV);
  const x = <usize>load<i32>(task, L.G_A);
  const offsets = <usize>load<i32>(g, L.CG_OFFSETS);
  const cinG = load<i32>(g, L.C_CIN_G);
  const outW = load<i32>(g, L.C_OUT_W);
  const step = <usize>(load<i32>(g, L.C_STRIDE_W) * load<i32>(g, L.C_IN_C)) * 4; // next output column
  if (mr == MR && row0 % cinG + MR <= cinG) {
    // The panel's rows are MR consecutive channels of one tap: MR contiguous floats per position.
    const off = <usize>load<u32>(offsets + <usize>row0 * 4);
    let ox = k0 % outW;
    let base = windowBase(g, x, k0) + off;
    for (let p = 0; p < kc; p++) {
      const d = dst + <usize>p * A_STEP;
      v128.store(d, v128.load(base));
      for (let r = 4; r < MR; r++) store<f32>(d + <usize>(r << 2), load<f32>(base + <usize>(r << 2)));
      if (++ox == outW) {
        ox = 0;
        base = windowBase(g, x, k0 + p + 1) + off;
      } else {
        base += step;
      }
    }
    return;
  }
  for (let r = 0; r < MR; r++) {
    const d = dst + <usize>(r << 2);
    if (r >= mr) {
      for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * A_STEP, 0);
      continue;
    }
    const off = <usize>load<u32>(offsets + <usize>(row0 + r) * 4);
    let ox = k0 % outW;
    let base = windowBase(g, x, k0) + off;
    for (let p = 0; p < kc; p++) {
      store<f32>(d + <usize>p * A_STEP, load<f32>(base));
      if (++ox == outW) {
        ox = 0;
        base = windowBase(g, x, k0 + p + 1) + off;
      } else {
        base += step;
      }
    }
  }
}

/**
 * Copies x [N, inH, inW, C] into y [N, outH, outW, C] at (padTop, padLeft), zeros around it (here outH,
 * outW in the record are the padded sizes). Threads share the padded rows.
 */
export function padInput(g: usize, tid: i32, nthreads: i32): void {
  const inH = load<i32>(g, L.PI_IN_H), inW = load<i32>(g, L.PI_IN_W), C = load<i32>(g, L.PI_IN_C);
  const hp = load<i32>(g, L.PI_PADDED_H), wp = load<i32>(g, L.PI_PADDED_W);
  const pT = load<i32>(g, L.PI_PAD_TOP), pL = load<i32>(g, L.PI_PAD_LEFT);
  const x = <usize>load<i32>(g, L.PI_X), y = <usize>load<i32>(g, L.PI_PADDED);
  const rows = load<i32>(g, L.PI_BATCH) * hp;
  const pixel = <usize>C * 4;
  const row1 = shareStart(rows, tid + 1, nthreads);
  for (let row = shareStart(rows, tid, nthreads); row < row1; row++) {
    const n = row / hp, iy = row % hp - pT;
    const dst = y + <usize>row * <usize>wp * pixel;
    if (iy < 0 || iy >= inH) {
      memory.fill(dst, 0, <usize>wp * pixel);
      continue;
    }
    const left = min(pL, wp);
    const copied = min(inW, wp - left);
    memory.fill(dst, 0, <usize>left * pixel);
    memory.copy(dst + <usize>left * pixel, x + <usize>((n * inH + iy) * inW) * pixel, <usize>copied * pixel);
    memory.fill(dst + <usize>(left + copied) * pixel, 0, <usize>(wp - left - copied) * pixel);
  }
}

/**
 * bases[i] = window corner of output position row0 + i for i < mc (the group's channel offset is in the
 * offsets), rounded up to whole panels by repeating the last row (whose results are discarded).
 */
export function windowBases(task: usize, row0: i32, mc: i32, bases: usize): void {
  const g = <usize>load<i32>(task, L.G_CONV);
  const x = <usize>load<i32>(task, L.G_A);
  const outW = load<i32>(g, L.C_OUT_W);
  const step = <usize>(load<i32>(g, L.C_STRIDE_W) * load<i32>(g, L.C_IN_C)) * 4; // next output column
  // Along an output row the corner moves by a fixed step; only a new row needs the divisions.
  let ox = row0 % outW;
  let base = windowBase(g, x, row0);
  for (let i = 0; i < mc; i++) {
    store<u32>(bases + <usize>i * 4, <u32>base);
    if (++ox == outW) {
      ox = 0;
      base = windowBase(g, x, row0 + i + 1);
    } else {
      base += step;
    }
  }
  const last = load<u32>(bases + <usize>(mc - 1) * 4);
  const rows = (mc + MR - 1) / MR * MR;
  for (let i = mc; i < rows; i++) store<u32>(bases + <usize>i * 4, last);
}
