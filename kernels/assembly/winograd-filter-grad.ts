// The filter gradient of the Winograd convolution (winograd.ts). With Y = A^T M A and M[e] = V[e] · U[e]:
//   Z[e] = (A dY A^T)[e]          per (tile, co): the tile's 2x2 output gradient made 4x4
//   dU[e] = sum over tiles V[e]^T · Z[e]   16 GEMMs [pieces^2 * Cin, tiles] x [tiles, Cout]
//   dW = G^T dU G                 per (piece, ci, co), back to the piece's 3x3 taps
// The GEMMs run on the direct micro-kernel with the depth over tiles: row (piece, ci) of V^T starts at
// channel ci of the piece's input tile, and the block's per-tile row offsets step through the tiles.
// Tiles are summed in fixed slices (by shape alone), each into its own partial dU, which gemmReduce adds
// in slice order before winogradFilterGradOut: the result does not depend on the thread count. A work
// item is a slice and a chunk of dU's rows (so threads share a conv with few tiles too); every item
// transforms its slice's tiles itself.
import * as L from './layout.generated';
import { MR, INIT_LOAD, INIT_ZERO } from './gemm-microkernel';
import { directKernel } from './microkernels.generated';
import { claimChunk, shareStart } from './work-split';
import { storeLanes } from './simd';
import { E, roundUp, slabStride, tileCount, tilePixel, transformBlockInputs } from './winograd';

/** Bytes of one slice's partial dU. */
@inline
function partialBytes(depthP: i32, coutP: i32): usize {
  return <usize>E * slabStride(depthP, <usize>coutP * 4);
}

/** Thread `tid`'s share: work items (slice, chunk of dU rows) claimed from W_NEXT, block by block. */
export function winogradFilterGrad(task: usize, tid: i32, nthreads: i32): void {
  const conv = <usize>load<i32>(task, L.WT_CONV);
  const block = load<i32>(task, L.WT_BLOCK);
  const pieces = load<i32>(task, L.WT_PIECES);
  const cin = load<i32>(conv, L.C_IN_C);
  const cinP = roundUp(cin, 4), coutP = roundUp(load<i32>(conv, L.C_OUT_C), 8);
  const depthP = roundUp(pieces * pieces * cin, MR);
  const scratch = <usize>load<i32>(task, L.WT_SCRATCH) + <usize>tid * <usize>load<i32>(task, L.WT_SCRATCH_STRIDE);
  const bases = scratch;
  const rowOffsets = scratch + 64;
  const v = rowOffsets + <usize>roundUp(block * 4, 64);
  const z = v + <usize>E * slabStride(load<i32>(task, L.WT_V_ROWS), <usize>cinP * 4);
  const tiles = tileCount(conv);
  const slices = load<i32>(task, L.WG_SLICES), sliceTiles = load<i32>(task, L.WG_SLICE_TILES);
  const chunks = load<i32>(task, L.WG_ROW_CHUNKS);
  const chunkRows = roundUp((depthP + chunks - 1) / chunks, MR);
  for (let item = claimChunk(task + L.WT_NEXT); item < slices * chunks; item = claimChunk(task + L.WT_NEXT)) {
    const s = item / chunks;
    const row0 = (item % chunks) * chunkRows, row1 = min(depthP, row0 + chunkRows);
    if (row0 >= row1) continue;
    const du = <usize>load<i32>(task, L.WG_PARTIAL) + <usize>s * partialBytes(depthP, coutP);
    const end = min(tiles, (s + 1) * sliceTiles);
    for (let t0 = s * sliceTiles; t0 < end; t0 += block) {
      const count = min(block, end - t0);
      transformBlockInputs(task, conv, t0, count, rowOffsets, v);
      transformOutputGrads(task, conv, t0, count, z, coutP);
      accumulateFilterGrads(task, conv, count, rowOffsets, v, z, du, bases, row0, row1, t0 == s * sliceTiles ? INIT_ZERO : INIT_LOAD);
    }
  }
}

/** Z[e][co / 8][r][co % 8] = (A dY A^T)[e] of tile t0 + r (outputs past the edge count as 0). */
function transformOutputGrads(task: usize, conv: usize, t0: i32, count: i32, z: usize, coutP: i32): void {
  const dy = <usize>load<i32>(task, L.WG_DY);
  const block = load<i32>(task, L.WT_BLOCK);
  const outH = load<i32>(conv, L.C_OUT_H), outW = load<i32>(conv, L.C_OUT_W), outC = load<i32>(conv, L.C_OUT_C);
  const eStride = slabStride((coutP >> 3) * block, 32);
  const pixelBytes = <usize>outC * 4;
  const zero = f32x4.splat(0);
  for (let r = 0; r < count; r++) {
    const px = tilePixel(t0 + r, outH, outW);
    const p00 = dy + <usize>px * pixelBytes;
    const p10 = p00 + <usize>outW * pixelBytes;
    const right = px % outW + 1 < outW, below = (px / outW) % outH + 1 < outH;
    for (let co = 0; co < coutP; co += 4) {
      // Lanes past outC read the next pixel (or the arena's slack): they land in dU's padding columns.
      const inside = co < outC;
      const off = <usize>(co << 2);
      const d00 = inside ? v128.load(p00 + off) : zero;
      const d01 = inside && right ? v128.load(p00 + pixelBytes + off) : zero;
      const d10 = inside && below ? v128.load(p10 + off) : zero;
      const d11 = inside && right && below ? v128.load(p10 + pixelBytes + off) : zero;
      // c_i = row i of A dY: (d0, d0 + d1, d0 - d1, -d1) per column; then Z row i = (c_i0, c_i0 + c_i1, c_i0 - c_i1, -c_i1).
      const o = z + <usize>(((co >> 3) * block + r) * 32) + <usize>((co & 7) << 2);
      storeGradRow(o, eStride, 0, d00, d01);
      storeGradRow(o, eStride, 1, f32x4.add(d00, d10), f32x4.add(d01, d11));
      storeGradRow(o, eStride, 2, f32x4.sub(d00, d10), f32x4.sub(d01, d11));
      storeGradRow(o, eStride, 3, f32x4.neg(d10), f32x4.neg(d11));
    }
  }
}

@inline
function storeGradRow(o: usize, eStride: usize, i: i32, c0: v128, c1: v128): void {
  const p = o + <usize>(4 * i) * eStride;
  v128.store(p, c0);
  v128.store(p + eStride, f32x4.add(c0, c1));
  v128.store(p + 2 * eStride, f32x4.sub(c0, c1));
  v128.store(p + 3 * eStride, f32x4.neg(c1));
}

/**
 * Rows [row0, row1) of dU[e] (+)= V[e]^T · Z[e] over the block's `count` tiles: micro-tiles of MR rows
 * (piece, ci) x 8 channels.
 */
function accumulateFilterGrads(
  task: usize, conv: usize, count: i32, rowOffsets: usize, v: usize, z: usize, du: usize, bases: usize, row0: i32, row1: i32, init: i32,
): void {
  const block = load<i32>(task, L.WT_BLOCK);
  const pieces = load<i32>(task, L.WT_PIECES);
  const cin = load<i32>(conv, L.C_IN_C), coutP = roundUp(load<i32>(conv, L.C_OUT_C), 8);
  const gridW = ((load<i32>(conv, L.C_OUT_W) + 1) >> 1) + pieces - 1;
  const rowBytes = <usize>roundUp(cin, 4) * 4;
  const depth = pieces * pieces * cin, depthP = roundUp(depth, MR);
  const panels = coutP >> 3;
  const ldc = <usize>coutP * 4;
  const vStride = slabStride(load<i32>(task, L.WT_V_ROWS), rowBytes);
  const zStride = slabStride(panels * block, 32);
  const uStride = slabStride(depthP, ldc);
  for (let e = 0; e < E; e++) {
    const ve = v + <usize>e * vStride;
    const ze = z + <usize>e * zStride;
    const ue = du + <usize>e * uStride;
    for (let r = row0; r < row1; r += MR) {
      // Row (piece, ci) of V^T: channel ci of the piece's input tile; rows past the depth repeat the last.
      for (let i = 0; i < MR; i++) {
        const row = min(r + i, depth - 1);
        const piece = row / cin, ci = row % cin;
        const tile = (piece / pieces) * gridW + piece % pieces;
        store<u32>(bases + <usize>(i << 2), <u32>(ve + <usize>tile * rowBytes + <usize>ci * 4));
      }
      for (let jp = 0; jp < panels; jp++) {
        directKernel(bases, rowOffsets, count, ze + <usize>(jp * block) * 32, ue + <usize>r * ldc + <usize>(jp << 5), ldc, init, 0);
      }
    }
  }
}

/**
 * dW = G^T dU G from the first slice's dU (gemmReduce has added the others to it), for this thread's share
 * of input channels. Each tap takes the gradient of the piece that holds it (a tap two pieces share
 * belongs to the first).
 */
export function winogradFilterGradOut(task: usize, tid: i32, nthreads: i32): void {
  const conv = <usize>load<i32>(task, L.WT_CONV);
  const pieces = load<i32>(task, L.WT_PIECES);
  const k = load<i32>(conv, L.C_K_H);
  const cin = load<i32>(conv, L.C_IN_C), cout = load<i32>(conv, L.C_OUT_C);
  const depthP = roundUp(pieces * pieces * cin, MR);
  const ldc = <usize>roundUp(cout, 8) * 4;
  const eStride = slabStride(depthP, ldc);
  const du = <usize>load<i32>(task, L.WG_PARTIAL);
  const dw = <usize>load<i32>(task, L.WG_DW);
  const tapBytes = <usize>(cin * cout) * 4;
  const half = f32x4.splat(0.5);
  const ci1 = shareStart(cin, tid + 1, nthreads);
  for (let ci = shareStart(cin, tid, nthreads); ci < ci1; ci++) {
    for (let a = 0; a < pieces; a++) {
      for (let b = 0; b < pieces; b++) {
        const row = du + <usize>((a * pieces + b) * cin + ci) * ldc;
        const base = dw + <usize>ci * <usize>cout * 4;
        for (let co = 0; co < cout; co += 4) {
          const src = row + <usize>(co << 2);
          const lanes = min(4, cout - co);
          const out = base + <usize>(co << 2);
          // r_i = row i of dU times G: (u0 + (u1 + u2)/2, (u1 - u2)/2, (u1 + u2)/2 + u3); then dg = G^T r,
          // column by column: (r0 + (r1 + r2)/2, (r1 - r2)/2, (r1 + r2)/2 + r3).
          let u0 = v128.load(src), u1 = v128.load(src + eStride), u2 = v128.load(src + 2 * eStride), u3 = v128.load(src + 3 * eStride);
          let m = f32x4.mul(f32x4.add(u1, u2), half);
          const r00 = f32x4.add(u0, m), r01 = f32x4.mul(f32x4.sub(u1, u2), half), r02 = f32x4.add(m, u3);
          u0 = v128.load(src + 4 * eStride); u1 = v128.load(src + 5 * eStride); u2 = v128.load(src + 6 * eStride); u3 = v128.load(src + 7 * eStride);
          m = f32x4.mul(f32x4.add(u1, u2), half);
          const r10 = f32x4.add(u0, m), r11 = f32x4.mul(f32x4.sub(u1, u2), half), r12 = f32x4.add(m, u3);
          u0 = v128.load(src + 8 * eStride); u1 = v128.load(src + 9 * eStride); u2 = v128.load(src + 10 * eStride); u3 = v128.load(src + 11 * eStride);
          m = f32x4.mul(f32x4.add(u1, u2), half);
          const r20 = f32x4.add(u0, m), r21 = f32x4.mul(f32x4.sub(u1, u2), half), r22 = f32x4.add(m, u3);
          u0 = v128.load(src + 12 * eStride); u1 = v128.load(src + 13 * eStride); u2 = v128.load(src + 14 * eStride); u3 = v128.load(src + 15 * eStride);
          m = f32x4.mul(f32x4.add(u1, u2), half);
          const r30 = f32x4.add(u0, m), r31 = f32x4.mul(f32x4.sub(u1, u2), half), r32 = f32x4.add(m, u3);
          storeTapColumn(out, tapBytes, k, a, b, 0, r00, r10, r20, r30, half, lanes);
          storeTapColumn(out, tapBytes, k, a, b, 1, r01, r11, r21, r31, half, lanes);
          storeTapColumn(out, tapBytes, k, a, b, 2, r02, r12, r22, r32, half, lanes);
        }
      }
    }
  }
}

/** Column j of dg = G^T r: taps (0, j), (1, j), (2, j) of piece (a, b). */
@inline
function storeTapColumn(out: usize, tapBytes: usize, k: i32, a: i32, b: i32, j: i32, r0: v128, r1: v128, r2: v128, r3: v128, half: v128, lanes: i32): void {
  const m = f32x4.mul(f32x4.add(r1, r2), half);
  storeTap(out, tapBytes, k, a, b, 0, j, f32x4.add(r0, m), lanes);
  storeTap(out, tapBytes, k, a, b, 1, j, f32x4.mul(f32x4.sub(r1, r2), half), lanes);
  storeTap(out, tapBytes, k, a, b, 2, j, f32x4.add(m, r3), lanes);
}

/** Stores the gradient of tap (i, j) of piece (a, b), unless that tap belongs to the previous piece. */
@inline
function storeTap(out: usize, tapBytes: usize, k: i32, a: i32, b: i32, i: i32, j: i32, g: v128, lanes: i32): void {
  if ((i == 0 && a > 0) || (j == 0 && b > 0)) return;
  storeLanes(out + <usize>((2 * a + i) * k + 2 * b + j) * tapBytes, g, lanes);
}
