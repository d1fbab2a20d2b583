// Filter gradient of convs whose window rows are short (kW * C <= 5: a grayscale first layer such as
// LeNet-5's conv1) without packing im2col(x)^T:
//   dW[ky, (kx, ci), co] = sum over output positions p of x[corner(p) + ky rows + (kx, ci)] * dy[p, co].
// With dilation 1 the kW*C values (kx, ci) of one window row are contiguous in NHWC, so a block of them is
// read straight from the zero-padded input, position after position, while dy supplies 8 output channels.
// There packing im2col(x)^T cost more than the products (LeNet-5 conv1, batch 64: 1.1 ms here against
// 2.0 ms); with longer rows (RGB 3x3, 64 filters: 5.6 against 3.6 ms) the packed GEMM wins.
import * as L from './layout.generated';
import { madd, storeRow } from './simd';
import { shareStart } from './work-split';

/** Rows (kx, ci) per tile: 10 accumulators + 2 dy vectors + a broadcast (+ a product without FMA) fit. */
const ROWS: i32 = 5;

/**
 * Record: the conv on its padded input (inH/inW padded, no padding, groups 1, dilation 1), x = the padded
 * input, w = dy [N, outH, outW, outC], y = dW [kH, kW, C, outC]. Threads share (ky, row block, 8 channels)
 * tiles; each tile sums over every position in the same order, so results do not depend on the split.
 */
export function filterGradDirect(g: usize, tid: i32, nthreads: i32): void {
  const kW = load<i32>(g, L.C_K_W), C = load<i32>(g, L.C_IN_C), outC = load<i32>(g, L.C_OUT_C);
  const rowLen = kW * C;
  const rowBlocks = (rowLen + ROWS - 1) / ROWS, coBlocks = (outC + 7) / 8;
  const tiles = load<i32>(g, L.C_K_H) * rowBlocks * coBlocks;
  const t1 = shareStart(tiles, tid + 1, nthreads);
  for (let t = shareStart(tiles, tid, nthreads); t < t1; t++) {
    const co0 = (t % coBlocks) * 8, rest = t / coBlocks;
    const j0 = (rest % rowBlocks) * ROWS, ky = rest / rowBlocks;
    filterGradTile(g, ky, j0, min(ROWS, rowLen - j0), co0, min(8, outC - co0));
  }
}

function filterGradTile(g: usize, ky: i32, j0: i32, rows: i32, co0: i32, nr: i32): void {
  const inH = load<i32>(g, L.C_IN_H), inW = load<i32>(g, L.C_IN_W);
  const C = load<i32>(g, L.C_IN_C), outH = load<i32>(g, L.C_OUT_H), outW = load<i32>(g, L.C_OUT_W);
  const outC = load<i32>(g, L.C_OUT_C), kW = load<i32>(g, L.C_K_W);
  const sH = load<i32>(g, L.C_STRIDE_H), sW = load<i32>(g, L.C_STRIDE_W);
  const x = <usize>load<i32>(g, L.FD_X), dy = <usize>load<i32>(g, L.FD_DY), dw = <usize>load<i32>(g, L.FD_DW);
  const xStep = <usize>(sW * C) * 4, dyStep = <usize>outC * 4;
  const out = dw + <usize>((ky * kW * C + j0) * outC + co0) * 4;
  const ld = <usize>outC * 4;
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
  // One flat loop over positions (nested loops made V8 spill the accumulators); the window corner jumps at
  // the end of each output row and image. Rows past `rows` read the floats after the block (or the
  // arena's slack) and are never stored.
  const xRowJump = <usize>((sH * inW - outW * sW) * C) * 4;
  const xImageJump = <usize>((inH - outH * sH) * inW * C) * 4;
  let xp = x + <usize>(ky * inW * C + j0) * 4;
  let dp = dy + <usize>co0 * 4;
  let ox = 0, oy = 0;
  const positions = load<i32>(g, L.C_BATCH) * outH * outW;
  for (let p = 0; p < positions; p++) {
    const b0 = v128.load(dp);
    const b1 = v128.load(dp, 16);
    let a = v128.load32_splat(xp);
    c0 = madd(a, b0, c0); c1 = madd(a, b1, c1);
    a = v128.load32_splat(xp, 4);
    c2 = madd(a, b0, c2); c3 = madd(a, b1, c3);
    a = v128.load32_splat(xp, 8);
    c4 = madd(a, b0, c4); c5 = madd(a, b1, c5);
    a = v128.load32_splat(xp, 12);
    c6 = madd(a, b0, c6); c7 = madd(a, b1, c7);
    a = v128.load32_splat(xp, 16);
    c8 = madd(a, b0, c8); c9 = madd(a, b1, c9);
    xp += xStep;
    dp += dyStep;
    if (++ox == outW) {
      ox = 0;
      xp += xRowJump;
      if (++oy == outH) {
        oy = 0;
        xp += xImageJump;
      }
    }
  }
  storeRow(out, c0, c1, nr);
  if (rows > 1) storeRow(out + ld, c2, c3, nr);
  if (rows > 2) storeRow(out + 2 * ld, c4, c5, nr);
  if (rows > 3) storeRow(out + 3 * ld, c6, c7, nr);
  if (rows > 4) storeRow(out + 4 * ld, c8, c9, nr);
}
