// Convolution as an indirect GEMM: y[M = N*outH*outW, coutG] = im2col(x) · W, with im2col never built.
// Weights are packed once (packWeights, shared by all threads); threads then claim chunks of rows (or of
// columns when rows are few), build the indirection pointers for an MC block of rows, and run the
// micro-kernel over tap-aligned depth blocks.
import * as L from './layout.generated';
import { KC, NR } from './layout.generated';
import { claimChunk, shareStart } from './work-split';
import { MR, INIT_BIAS, INIT_LOAD, INIT_ZERO, storeTile } from './gemm-microkernel';
import { igemmKernel } from './microkernels.generated';
import { packB } from './gemm-pack';
import { MC } from './gemm';

/** Packs all of B (K x N) into 8-column panels of K steps each, at PK_PACKED; threads share the panels. */
export function packWeights(task: usize, tid: i32, nthreads: i32): void {
  const N = load<i32>(task, L.PK_N), K = load<i32>(task, L.PK_K);
  const panels = (N + NR - 1) / NR;
  const j0 = shareStart(panels, tid, nthreads), j1 = shareStart(panels, tid + 1, nthreads);
  if (j0 >= j1) return;
  const dst = <usize>load<i32>(task, L.PK_PACKED) + <usize>(j0 * K) * 32;
  if (load<i32>(task, L.PK_B_KIND) == L.B_FLIPPED) packFlippedWeights(task, j0, j1, dst);
  else packB(<usize>load<i32>(task, L.PK_B), load<i32>(task, L.PK_LDB), load<i32>(task, L.PK_TRANS_B) != 0, j0 * NR, min(N, j1 * NR) - j0 * NR, 0, K, dst);
}

/** Panels j0..j1 of B_FLIPPED: row (t, oc) of panel j holds W[taps-1-t, 8j .. 8j+7, oc]. */
function packFlippedWeights(task: usize, j0: i32, j1: i32, dst: usize): void {
  const N = load<i32>(task, L.PK_N), K = load<i32>(task, L.PK_K);
  const taps = load<i32>(task, L.PK_TAPS);
  const coutG = K / taps;
  const w = <usize>load<i32>(task, L.PK_B);
  const ldw = <usize>load<i32>(task, L.PK_LDB) * 4;
  for (let j = j0; j < j1; j++) {
    const cols = min(NR, N - j * NR);
    for (let t = 0; t < taps; t++) {
      const src = w + <usize>((taps - 1 - t) * N + j * NR) * ldw;
      for (let oc = 0; oc < coutG; oc++) {
        const d = dst + <usize>((j - j0) * K + t * coutG + oc) * 32;
        const s = src + <usize>oc * 4;
        for (let c = 0; c < NR; c++) store<f32>(d + <usize>(c << 2), c < cols ? load<f32>(s + <usize>c * ldw) : 0);
      }
    }
  }
}

export function igemm(task: usize, tid: i32, nthreads: i32): void {
  const M = load<i32>(task, L.IG_M), N = load<i32>(task, L.IG_N);
  const chunk = load<i32>(task, L.IG_CHUNK);
  const byRows = load<i32>(task, L.IG_SPLIT) == L.SPLIT_M;
  const chunks = ((byRows ? M : N) + chunk - 1) / chunk;
  for (let i = claimChunk(task + L.IG_NEXT); i < chunks; i = claimChunk(task + L.IG_NEXT)) {
    const start = i * chunk;
    if (byRows) igemmBlock(task, tid, start, min(M, start + chunk), 0, N);
    else igemmBlock(task, tid, 0, M, start, min(N, start + chunk));
  }
}

function igemmBlock(task: usize, tid: i32, m0: i32, m1: i32, n0: i32, n1: i32): void {
  const K = load<i32>(task, L.IG_K);
  const g = <usize>load<i32>(task, L.IG_CONV);
  const taps = load<i32>(g, L.C_K_H) * load<i32>(g, L.C_K_W);
  const cinG = load<i32>(g, L.C_CIN_G);
  const packed = <usize>load<i32>(task, L.IG_PACKED);
  const c = <usize>load<i32>(task, L.IG_Y);
  const ldc = <usize>load<i32>(task, L.IG_LDY) * 4;
  const bias = <usize>load<i32>(task, L.IG_BIAS);
  // Scratch per thread: MC * taps indirection pointers, then a 64-byte aligned edge tile.
  const ind = <usize>load<i32>(task, L.IG_SCRATCH) + <usize>tid * <usize>load<i32>(task, L.IG_SCRATCH_STRIDE);
  const tile = (ind + <usize>(MC * taps) * 4 + 63) & ~63;
  // Depth blocks of about KC: whole taps when a tap has fewer channels, else channel slices of one tap.
  const tapsPerBlock = cinG >= KC ? 1 : KC / cinG;
  const ciBlock = min(cinG, KC);
  for (let ic = m0; ic < m1; ic += MC) {
    const mc = min(MC, m1 - ic);
    buildIndirection(task, ic, mc, ind);
    for (let t0 = 0; t0 < taps; t0 += tapsPerBlock) {
      const nt = min(tapsPerBlock, taps - t0);
      for (let c0 = 0; c0 < cinG; c0 += ciBlock) {
        const cn = min(ciBlock, cinG - c0);
        const init = t0 > 0 || c0 > 0 ? INIT_LOAD : bias ? INIT_BIAS : INIT_ZERO;
        const k0 = t0 * cinG + c0;
        for (let jr = n0; jr < n1; jr += NR) {
          const nr = min(NR, n1 - jr);
          const pb = packed + <usize>((jr / NR) * K + k0) * 32;
          const biasJ = bias + <usize>jr * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const panelInd = ind + <usize>((ir / MR) * taps + t0) * <usize>MR * 4;
            const cTile = c + <usize>(ic + ir) * ldc + <usize>jr * 4;
            const full = mr == MR && nr == NR;
            // Edge tiles accumulate in `tile`, then only their valid corner goes to C.
            const dst = full ? cTile : tile;
            const ld = full ? ldc : 32;
            for (let t = 0; t < nt; t++) {
              const tapInit = t > 0 ? INIT_LOAD : full ? init : INIT_ZERO;
              const tapInd = panelInd + <usize>(t * MR) * 4;
              igemmKernel(tapInd, <usize>c0 * 4, cn, pb + <usize>(t * cn) * 32, dst, ld, tapInit, biasJ);
            }
            if (!full) storeTile(tile, cTile, ldc, mr, nr, init, biasJ);
          }
        }
      }
    }
  }
}

/**
 * ind[panel][tap][r] = address of x[n, iy, ix, chOff] for output position ic + panel*MR + r, or the zero
 * row where the tap reads padding (and for rows past M in the last panel).
 */
function buildIndirection(task: usize, ic: i32, mc: i32, ind: usize): void {
  const g = <usize>load<i32>(task, L.IG_CONV);
  const x = <usize>load<i32>(task, L.IG_X);
  const zero = <u32>load<i32>(task, L.IG_ZERO);
  const inH = load<i32>(g, L.C_IN_H), inW = load<i32>(g, L.C_IN_W), inC = load<i32>(g, L.C_IN_C);
  const outH = load<i32>(g, L.C_OUT_H), outW = load<i32>(g, L.C_OUT_W);
  const kH = load<i32>(g, L.C_K_H), kW = load<i32>(g, L.C_K_W), taps = kH * kW;
  const sH = load<i32>(g, L.C_STRIDE_H), sW = load<i32>(g, L.C_STRIDE_W);
  const dH = load<i32>(g, L.C_DILATION_H), dW = load<i32>(g, L.C_DILATION_W);
  const pT = load<i32>(g, L.C_PAD_TOP), pL = load<i32>(g, L.C_PAD_LEFT);
  const base = x + <usize>load<i32>(g, L.CG_CH_OFF) * 4;
  const rows = (mc + MR - 1) / MR * MR;
  // (n, oy, ox) of the current row, advanced by one position per row (no divisions in the loop).
  let ox = ic % outW, oy = (ic / outW) % outH, n = ic / (outW * outH);
  const pixel = <usize>inC * 4;
  for (let i = 0; i < rows; i++) {
    const dst = ind + <usize>(((i / MR) * taps) * MR + i % MR) * 4;
    if (i >= mc) {
      for (let t = 0; t < taps; t++) store<u32>(dst + <usize>(t * MR) * 4, zero);
      continue;
    }
    const iy0 = oy * sH - pT, ix0 = ox * sW - pL;
    let d = dst;
    for (let ky = 0; ky < kH; ky++) {
      const iy = iy0 + ky * dH;
      const rowOk = <u32>iy < <u32>inH;
      const rowBase = base + <usize>((n * inH + iy) * inW) * pixel;
      for (let kx = 0; kx < kW; kx++) {
        const ix = ix0 + kx * dW;
        store<u32>(d, rowOk && <u32>ix < <u32>inW ? <u32>(rowBase + <usize>ix * pixel) : zero);
        d += <usize>MR * 4;
      }
    }
    if (++ox == outW) {
      ox = 0;
      if (++oy == outH) {
        oy = 0;
        n++;
      }
    }
  }
}
