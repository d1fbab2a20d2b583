// Packed, cache-blocked SGEMM (GotoBLAS/BLIS blocking) over a task record.
// SPLIT_M / SPLIT_N: B was packed whole beforehand (packWeights); threads claim chunks of rows or columns
// and run, per chunk: MC rows -> KC depth (pack A) -> NR x MR micro-tiles.
// SPLIT_K: threads claim fixed slices of the depth; each slice's product goes to its own partial C, which
// gemmReduce adds up in slice order. Every chunk or slice is computed the same way whichever thread claims
// it, so results do not depend on the thread count or on timing.
import * as L from './layout.generated';
import { KC, NC, NR } from './layout.generated';
import { claimChunk, shareStart } from './work-split';
import { MR, INIT_BIAS, INIT_LOAD, INIT_ZERO, microKernel, edgeKernel, storeTile } from './gemm-microkernel';
import { packA, packB } from './gemm-pack';
import { directKernel } from './microkernels.generated';
import { windowBases } from './im2col-pack';

// Block sizes: an MC x KC block of A stays in L2, a KC x NR panel of B in L1 (KC, NC, NR: kernels/records.mjs).
/** Rows per A panel (the micro-tile height), for the JS side's thread split. */
export const GEMM_MR: i32 = MR;
export const MC: i32 = MR * 16;
export const GEMM_MC: i32 = MC;
/** Bytes of packing scratch each thread needs (A block, B block for SPLIT_K, one edge tile). */
export const SCRATCH_BYTES: i32 = (MC * KC + KC * NC + MR * NR) * 4;

/** Thread `tid`'s share of the GEMM described at `task`: the chunks (or depth slices) it claims. */
export function gemm(task: usize, tid: i32, nthreads: i32): void {
  const scratch = <usize>load<i32>(task, L.G_SCRATCH) + <usize>tid * <usize>load<i32>(task, L.G_SCRATCH_STRIDE);
  const M = load<i32>(task, L.G_M), N = load<i32>(task, L.G_N), K = load<i32>(task, L.G_K);
  const chunk = load<i32>(task, L.G_CHUNK);
  const split = load<i32>(task, L.G_SPLIT);
  const count = split == L.SPLIT_M ? M : split == L.SPLIT_N ? N : K;
  const chunks = (count + chunk - 1) / chunk;
  for (let i = claimChunk(task + L.G_NEXT); i < chunks; i = claimChunk(task + L.G_NEXT)) {
    const start = i * chunk, end = min(count, start + chunk);
    if (split == L.SPLIT_M) gemmBlock(task, start, end, 0, N, scratch);
    else if (split == L.SPLIT_N) gemmBlock(task, 0, M, start, end, scratch);
    else gemmDepthSlice(task, i, start, end, scratch);
  }
}

/**
 * C[m0:m1, n0:n1] from the pre-packed B (G_PACKED: 8-column panels of K steps). A_IM2COL reads A straight
 * from the padded input through window corners and column offsets (direct-microkernel.ts), no packing.
 */
function gemmBlock(task: usize, m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize): void {
  const K = load<i32>(task, L.G_K);
  const direct = load<i32>(task, L.G_A_KIND) == L.A_IM2COL;
  const offsets = direct ? <usize>load<i32>(<usize>load<i32>(task, L.G_CONV), L.CG_OFFSETS) : 0;
  const c = <usize>load<i32>(task, L.G_C);
  const ldc = <usize>load<i32>(task, L.G_LDC) * 4;
  const bias = <usize>load<i32>(task, L.G_BIAS);
  const packed = <usize>load<i32>(task, L.G_PACKED);
  const pa = scratch;
  const tile = pa + <usize>(MC * KC) * 4;
  for (let ic = m0; ic < m1; ic += MC) {
    const mc = min(MC, m1 - ic);
    if (direct) windowBases(task, ic, mc, pa);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      if (!direct) packA(task, ic, mc, pc, kc, pa);
      const init = pc > 0 ? INIT_LOAD : bias ? INIT_BIAS : INIT_ZERO;
      for (let jr = n0; jr < n1; jr += NR) {
        const nr = min(NR, n1 - jr);
        const bPanel = packed + <usize>((jr / NR) * K + pc) * 32;
        const biasJ = bias + <usize>jr * 4;
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir);
          const full = mr == MR && nr == NR;
          const cTile = c + <usize>(ic + ir) * ldc + <usize>jr * 4;
          if (direct) {
            const bases = pa + <usize>ir * 4;
            const cols = offsets + <usize>pc * 4;
            if (full) directKernel(bases, cols, kc, bPanel, cTile, ldc, init, biasJ);
            else {
              directKernel(bases, cols, kc, bPanel, tile, 32, INIT_ZERO, 0);
              storeTile(tile, cTile, ldc, mr, nr, init, biasJ);
            }
          } else {
            const aPanel = pa + <usize>(ir * kc) * 4;
            if (full) microKernel(kc, aPanel, bPanel, cTile, ldc, init, biasJ);
            else edgeKernel(kc, aPanel, bPanel, cTile, ldc, mr, nr, init, biasJ, tile);
          }
        }
      }
    }
  }
}

/**
 * SPLIT_K: depth slice `slice` = [k0, k1) into its partial C, at G_PARTIAL + slice*M*N*4. B panels are
 * packed per block, or read from G_PACKED where B is already packed whole (the weight cache).
 */
function gemmDepthSlice(task: usize, slice: i32, k0: i32, k1: i32, scratch: usize): void {
  const M = load<i32>(task, L.G_M), N = load<i32>(task, L.G_N), K = load<i32>(task, L.G_K);
  const whole = <usize>load<i32>(task, L.G_PACKED);
  const b = <usize>load<i32>(task, L.G_B), ldb = load<i32>(task, L.G_LDB), transB = load<i32>(task, L.G_TRANS_B) != 0;
  const c = <usize>load<i32>(task, L.G_PARTIAL) + <usize>slice * <usize>(M * N) * 4;
  const ldc = <usize>N * 4;
  const pa = scratch;
  const pb = pa + <usize>(MC * KC) * 4;
  const tile = pb + <usize>(KC * NC) * 4;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = k0; pc < k1; pc += KC) {
      const kc = min(KC, k1 - pc);
      if (!whole) packB(b, ldb, transB, jc, nc, pc, kc, pb);
      const init = pc > k0 ? INIT_LOAD : INIT_ZERO;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(task, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = whole ? whole + <usize>(((jc + jr) / NR) * K + pc) * 32 : pb + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const aPanel = pa + <usize>(ir * kc) * 4;
            const cTile = c + <usize>(ic + ir) * ldc + <usize>(jc + jr) * 4;
            if (mr == MR && nr == NR) microKernel(kc, aPanel, bPanel, cTile, ldc, init, 0);
            else edgeKernel(kc, aPanel, bPanel, cTile, ldc, mr, nr, init, 0, tile);
          }
        }
      }
    }
  }
}

/** SPLIT_K epilogue: C = bias + the partials of the G_PARTS slices, added in slice order; threads share rows. */
export function gemmReduce(task: usize, tid: i32, nthreads: i32): void {
  const M = load<i32>(task, L.GR_M), N = load<i32>(task, L.GR_N);
  const parts = load<i32>(task, L.GR_PARTS);
  const partial = <usize>load<i32>(task, L.GR_PARTIAL);
  const c = <usize>load<i32>(task, L.GR_C);
  const ldc = load<i32>(task, L.GR_LDC);
  const bias = <usize>load<i32>(task, L.GR_BIAS);
  const partBytes = <usize>(M * N) * 4;
  const i1 = shareStart(M, tid + 1, nthreads);
  for (let i = shareStart(M, tid, nthreads); i < i1; i++) {
    const dst = c + <usize>(i * ldc) * 4;
    const src = partial + <usize>(i * N) * 4;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let acc = bias ? v128.load(bias + <usize>(j << 2)) : f32x4.splat(0);
      for (let t = 0; t < parts; t++) acc = f32x4.add(acc, v128.load(src + <usize>t * partBytes + <usize>(j << 2)));
      v128.store(dst + <usize>(j << 2), acc);
    }
    for (; j < N; j++) {
      let acc: f32 = bias ? load<f32>(bias + <usize>(j << 2)) : 0;
      for (let t = 0; t < parts; t++) acc += load<f32>(src + <usize>t * partBytes + <usize>(j << 2));
      store<f32>(dst + <usize>(j << 2), acc);
    }
  }
}
