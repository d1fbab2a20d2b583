// Winograd F(2x2, 3x3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
// 2016) for k x k (k = 2S + 1 odd), stride-1, undilated, ungrouped convs. Each 2x2 block of outputs (a
// tile) of a 3x3 conv comes from the 4x4 input patch around it with 16 products per channel pair instead
// of 36. A k x k filter is split into S x S 3x3 pieces at even offsets (piece (a, b) holds taps
// 2a..2a+2 x 2b..2b+2; a tap two pieces share goes to the first): piece (a, b) of output tile (ty, tx)
// reads input tile (ty + a, tx + b), so all pieces share one input transform, and a 5x5 conv takes 16
// products per output and channel pair instead of 25. With e = 4*i + j indexing a 4x4 transformed tile:
//   U[e] = (G g G^T)[e]     per (piece, ci, co): a 3x3 piece made 4x4          (winogradFilter, once a call)
//   V[e] = (B^T d B)[e]     per (input tile, ci): its 4x4 input patch           (winogradConv, per block)
//   M[e] = V[e] · U[e]      16 GEMMs [tiles, S*S*Cin] x [S*S*Cin, Cout]          (direct micro-kernel)
//   y    = A^T M A + bias   per (tile, co): the tile's 2x2 outputs
// The input and output transforms only add and subtract (the filter transform halves), so float32 keeps
// nearly the digits of a direct sum. Input tiles form a grid of (tilesH + S - 1) x (tilesW + S - 1) per
// image (the pieces' halo); a block's V holds the run of that grid its output tiles read. Threads claim
// blocks of output tiles; a tile's result does not depend on its block or its thread.
import * as L from './layout.generated';
import { MR, INIT_ZERO } from './gemm-microkernel';
import { directKernel } from './microkernels.generated';
import { claimChunk, shareStart } from './work-split';
import { storeLanes } from './simd';

export const E: i32 = 16; // transformed tile size (4x4)

@inline
export function roundUp(n: i32, to: i32): i32 {
  return (n + to - 1) / to * to;
}

/**
 * Bytes from one element's slab of U, V or M to the next: a cache line more than the slab, so the 16
 * slabs a transform reads or writes together do not all fall in one L1 set (slab sizes are often
 * multiples of 4 KiB, which the cache indexes alike: that cost up to 2x on the whole conv).
 */
@inline
export function slabStride(rows: i32, rowBytes: usize): usize {
  return <usize>rows * rowBytes + 64;
}

/** 4 weights g[ky][kx][ci][co..co+3] at p, as far as they exist (missing lanes 0); coStride in bytes. */
@inline
function loadWeights(p: usize, coStride: usize, lanes: i32): v128 {
  if (lanes >= 4 && coStride == 4) return v128.load(p);
  let v = f32x4.splat(0);
  if (lanes > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + coStride));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * coStride));
  if (lanes > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * coStride));
  return v;
}

/**
 * Tap (i, j) of piece (a, b) for the channels at `base`: filter tap (2a + i, 2b + j), or 0 where the tap
 * belongs to the previous piece (i = 0 with a > 0, or j = 0 with b > 0). Flipped: the forward conv's
 * tap (k-1-ky, k-1-kx).
 */
@inline
function pieceTap(base: usize, k: i32, flipped: bool, tapBytes: usize, coStride: usize, a: i32, b: i32, i: i32, j: i32, lanes: i32): v128 {
  if ((i == 0 && a > 0) || (j == 0 && b > 0)) return f32x4.splat(0);
  let ky = 2 * a + i, kx = 2 * b + j;
  if (flipped) {
    ky = k - 1 - ky;
    kx = k - 1 - kx;
  }
  return loadWeights(base + <usize>(ky * k + kx) * tapBytes, coStride, lanes);
}

/**
 * U = G g G^T for every piece, for this thread's share of input channels, packed as the GEMMs' B
 * panels: U[e][co / 8][piece * Cin + ci][co % 8] (slabs slabStride apart), Cout rounded up to 8 with zero
 * columns. W_FLIPPED: g is the forward conv's W [k, k, Cout, Cin] rotated by 180 degrees with in/out
 * swapped (the input gradient of a stride-1 conv).
 */
export function winogradFilter(task: usize, tid: i32, nthreads: i32): void {
  const conv = <usize>load<i32>(task, L.WF_CONV);
  const cin = load<i32>(conv, L.C_IN_C), cout = load<i32>(conv, L.C_OUT_C);
  const k = load<i32>(conv, L.C_K_H);
  const w = <usize>load<i32>(task, L.WF_W);
  const u = <usize>load<i32>(task, L.WF_U);
  const flipped = load<i32>(task, L.WF_FLIPPED) != 0;
  const pieces = load<i32>(task, L.WF_PIECES);
  const depth = pieces * pieces * cin;
  const panels = roundUp(cout, 8) / 8;
  // g[ky][kx][ci][co] = w + (ky * k + kx) * tapBytes + ci * ciStride + co * coStride
  const tapBytes = <usize>(cin * cout) * 4;
  const ciStride: usize = flipped ? 4 : <usize>cout * 4;
  const coStride: usize = flipped ? <usize>cin * 4 : 4;
  const eStride = slabStride(panels * depth, 32); // bytes between U[e] and U[e + 1]
  const half = f32x4.splat(0.5);
  const ci1 = shareStart(cin, tid + 1, nthreads);
  for (let ci = shareStart(cin, tid, nthreads); ci < ci1; ci++) {
    for (let co = 0; co < panels * 8; co += 4) {
      const lanes = min(4, cout - co);
      const base = w + <usize>ci * ciStride + <usize>co * coStride;
      for (let a = 0; a < pieces; a++) {
        for (let b = 0; b < pieces; b++) {
          const out = u + <usize>((co >> 3) * depth + (a * pieces + b) * cin + ci) * 32 + <usize>((co & 7) << 2);
          // t = G g (4x3): column j of the piece to 4 values; then U row i = G t[i] (4x4).
          const g00 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 0, 0, lanes);
          const g01 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 0, 1, lanes);
          const g02 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 0, 2, lanes);
          const g10 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 1, 0, lanes);
          const g11 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 1, 1, lanes);
          const g12 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 1, 2, lanes);
          const g20 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 2, 0, lanes);
          const g21 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 2, 1, lanes);
          const g22 = pieceTap(base, k, flipped, tapBytes, coStride, a, b, 2, 2, lanes);
          storeFilterRow(out, eStride, 0, g00, g01, g02, half);
          storeFilterRow(out, eStride, 1,
            f32x4.mul(f32x4.add(f32x4.add(g00, g10), g20), half),
            f32x4.mul(f32x4.add(f32x4.add(g01, g11), g21), half),
            f32x4.mul(f32x4.add(f32x4.add(g02, g12), g22), half), half);
          storeFilterRow(out, eStride, 2,
            f32x4.mul(f32x4.add(f32x4.sub(g00, g10), g20), half),
            f32x4.mul(f32x4.add(f32x4.sub(g01, g11), g21), half),
            f32x4.mul(f32x4.add(f32x4.sub(g02, g12), g22), half), half);
          storeFilterRow(out, eStride, 3, g20, g21, g22, half);
        }
      }
    }
  }
}

/** Row i of U = (t0, t1, t2) G^T: U[i][0..3] = t0, (t0+t1+t2)/2, (t0-t1+t2)/2, t2. */
@inline
function storeFilterRow(out: usize, eStride: usize, i: i32, t0: v128, t1: v128, t2: v128, half: v128): void {
  const row = out + <usize>(4 * i) * eStride;
  v128.store(row, t0);
  v128.store(row + eStride, f32x4.mul(f32x4.add(f32x4.add(t0, t1), t2), half));
  v128.store(row + 2 * eStride, f32x4.mul(f32x4.add(f32x4.sub(t0, t1), t2), half));
  v128.store(row + 3 * eStride, t2);
}

/**
 * Index, in the grid of input tiles of all images (gridH x gridW per image: tilesH + S - 1 by
 * tilesW + S - 1, the pieces' halo), of output tile t's own input tile.
 */
@inline
function inputTileOf(t: i32, tilesH: i32, tilesW: i32, gridH: i32, gridW: i32): i32 {
  const tx = t % tilesW, rest = t / tilesW;
  const ty = rest % tilesH, n = rest / tilesH;
  return (n * gridH + ty) * gridW + tx;
}

/**
 * Thread `tid`'s share of the conv: blocks of W_BLOCK output tiles (a multiple of MR), claimed from
 * W_NEXT. Per block, in this thread's scratch: the micro-kernel's row pointers, each tile's byte offset
 * in V, V [16][W_V_ROWS][Cin rounded to 4] for the run of input tiles the block reads, and
 * M [16][W_BLOCK][Cout rounded to 8] (slabs slabStride apart).
 */
export function winogradConv(task: usize, tid: i32, nthreads: i32): void {
  const conv = <usize>load<i32>(task, L.WT_CONV);
  const block = load<i32>(task, L.WT_BLOCK);
  const scratch = <usize>load<i32>(task, L.WT_SCRATCH) + <usize>tid * <usize>load<i32>(task, L.WT_SCRATCH_STRIDE);
  const cinP = roundUp(load<i32>(conv, L.C_IN_C), 4), coutP = roundUp(load<i32>(conv, L.C_OUT_C), 8);
  const bases = scratch;
  const rowOffsets = scratch + 64;
  const v = rowOffsets + <usize>roundUp(block * 4, 64);
  const m = v + <usize>E * slabStride(load<i32>(task, L.WT_V_ROWS), <usize>cinP * 4);
  const tiles = tileCount(conv);
  const blocks = (tiles + block - 1) / block;
  for (let b = claimChunk(task + L.WT_NEXT); b < blocks; b = claimChunk(task + L.WT_NEXT)) {
    const t0 = b * block;
    const count = min(block, tiles - t0);
    transformBlockInputs(task, conv, t0, count, rowOffsets, v);
    multiplyTransformed(task, conv, count, rowOffsets, v, cinP, m, coutP, bases);
    transformOutputs(task, conv, t0, count, m, coutP);
  }
}

/** Index, over the outputs of all images, of tile t's top-left output (tiles are 2x2 outputs). */
@inline
export function tilePixel(t: i32, outH: i32, outW: i32): i32 {
  const tilesH = (outH + 1) >> 1, tilesW = (outW + 1) >> 1;
  const tx = t % tilesW, rest = t / tilesW;
  const ty = rest % tilesH, n = rest / tilesH;
  return (n * outH + 2 * ty) * outW + 2 * tx;
}

/** Output tiles of the conv, all images. */
@inline
export function tileCount(conv: usize): i32 {
  return load<i32>(conv, L.C_BATCH) * ((load<i32>(conv, L.C_OUT_H) + 1) >> 1) * ((load<i32>(conv, L.C_OUT_W) + 1) >> 1);
}

/**
 * V for the input tiles that output tiles [t0, t0 + count) read (from the first tile's own to the last
 * tile's last piece's), and rowOffsets[r] = byte offset in each V slab of tile t0 + r's own input tile;
 * rows past `count`, up to a whole micro-tile, repeat the last tile.
 */
export function transformBlockInputs(task: usize, conv: usize, t0: i32, count: i32, rowOffsets: usize, v: usize): void {
  const pieces = load<i32>(task, L.WT_PIECES);
  const cinP = roundUp(load<i32>(conv, L.C_IN_C), 4);
  const tilesH = (load<i32>(conv, L.C_OUT_H) + 1) >> 1, tilesW = (load<i32>(conv, L.C_OUT_W) + 1) >> 1;
  const gridH = tilesH + pieces - 1, gridW = tilesW + pieces - 1;
  const rowBytes = <usize>cinP * 4;
  const first = inputTileOf(t0, tilesH, tilesW, gridH, gridW);
  const last = inputTileOf(t0 + count - 1, tilesH, tilesW, gridH, gridW) + (pieces - 1) * (gridW + 1);
  for (let r = 0; r < roundUp(count, MR); r++) {
    const own = inputTileOf(t0 + min(r, count - 1), tilesH, tilesW, gridH, gridW);
    store<u32>(rowOffsets + <usize>(r << 2), <u32>(<usize>(own - first) * rowBytes));
  }
  transformInputs(task, conv, first, last - first + 1, gridH, gridW, v, cinP);
}

/** V[e][r] = (B^T d B)[e] for input tiles first + r, r < rows. */
function transformInputs(task: usize, conv: usize, first: i32, rows: i32, gridH: i32, gridW: i32, v: usize, cinP: i32): void {
  const x = <usize>load<i32>(task, L.WT_X);
  const zero = <usize>load<i32>(task, L.WT_ZERO);
  const inH = load<i32>(conv, L.C_IN_H), inW = load<i32>(conv, L.C_IN_W), inC = load<i32>(conv, L.C_IN_C);
  const padTop = load<i32>(conv, L.C_PAD_TOP), padLeft = load<i32>(conv, L.C_PAD_LEFT);
  const rowBytes = <usize>cinP * 4;
  const eStride = slabStride(load<i32>(task, L.WT_V_ROWS), rowBytes);
  for (let r = 0; r < rows; r++) {
    const dst = v + <usize>r * rowBytes;
    const t = first + r;
    const tx = t % gridW, rest = t / gridW;
    const ty = rest % gridH, n = rest / gridH;
    const iy = 2 * ty - padTop, ix = 2 * tx - padLeft;
    // The 16 pixels of the patch, or the zero row where the patch hangs over the input's edge.
    const image = x + <usize>(n * inH * inW * inC) * 4;
    const p00 = pixel(image, iy, ix, inH, inW, inC, zero), p01 = pixel(image, iy, ix + 1, inH, inW, inC, zero);
    const p02 = pixel(image, iy, ix + 2, inH, inW, inC, zero), p03 = pixel(image, iy, ix + 3, inH, inW, inC, zero);
    const p10 = pixel(image, iy + 1, ix, inH, inW, inC, zero), p11 = pixel(image, iy + 1, ix + 1, inH, inW, inC, zero);
    const p12 = pixel(image, iy + 1, ix + 2, inH, inW, inC, zero), p13 = pixel(image, iy + 1, ix + 3, inH, inW, inC, zero);
    const p20 = pixel(image, iy + 2, ix, inH, inW, inC, zero), p21 = pixel(image, iy + 2, ix + 1, inH, inW, inC, zero);
    const p22 = pixel(image, iy + 2, ix + 2, inH, inW, inC, zero), p23 = pixel(image, iy + 2, ix + 3, inH, inW, inC, zero);
    const p30 = pixel(image, iy + 3, ix, inH, inW, inC, zero), p31 = pixel(image, iy + 3, ix + 1, inH, inW, inC, zero);
    const p32 = pixel(image, iy + 3, ix + 2, inH, inW, inC, zero), p33 = pixel(image, iy + 3, ix + 3, inH, inW, inC, zero);
    // Lanes past inC read the next pixel's channels (or the arena's slack): they land in V's padding
    // columns, which the GEMMs (depth inC per piece) never read.
    for (let c: usize = 0; c < rowBytes; c += 16) {
      // B^T d B with s_i = (row i of d) B, then V row 0 = s0 - s2, 1 = s1 + s2, 2 = s2 - s1, 3 = s1 - s3;
      // rows 0 and 2 first, so at most three rows of s are live.
      const o = dst + c;
      let d0 = v128.load(p00 + c), d1 = v128.load(p01 + c), d2 = v128.load(p02 + c), d3 = v128.load(p03 + c);
      const s0a = f32x4.sub(d0, d2), s0b = f32x4.add(d1, d2), s0c = f32x4.sub(d2, d1), s0d = f32x4.sub(d1, d3);
      d0 = v128.load(p20 + c); d1 = v128.load(p21 + c); d2 = v128.load(p22 + c); d3 = v128.load(p23 + c);
      const s2a = f32x4.sub(d0, d2), s2b = f32x4.add(d1, d2), s2c = f32x4.sub(d2, d1), s2d = f32x4.sub(d1, d3);
      storeQuad(o, eStride, 0, f32x4.sub(s0a, s2a), f32x4.sub(s0b, s2b), f32x4.sub(s0c, s2c), f32x4.sub(s0d, s2d));
      d0 = v128.load(p10 + c); d1 = v128.load(p11 + c); d2 = v128.load(p12 + c); d3 = v128.load(p13 + c);
      const s1a = f32x4.sub(d0, d2), s1b = f32x4.add(d1, d2), s1c = f32x4.sub(d2, d1), s1d = f32x4.sub(d1, d3);
      storeQuad(o, eStride, 1, f32x4.add(s1a, s2a), f32x4.add(s1b, s2b), f32x4.add(s1c, s2c), f32x4.add(s1d, s2d));
      storeQuad(o, eStride, 2, f32x4.sub(s2a, s1a), f32x4.sub(s2b, s1b), f32x4.sub(s2c, s1c), f32x4.sub(s2d, s1d));
      d0 = v128.load(p30 + c); d1 = v128.load(p31 + c); d2 = v128.load(p32 + c); d3 = v128.load(p33 + c);
      storeQuad(o, eStride, 3,
        f32x4.sub(s1a, f32x4.sub(d0, d2)), f32x4.sub(s1b, f32x4.add(d1, d2)),
        f32x4.sub(s1c, f32x4.sub(d2, d1)), f32x4.sub(s1d, f32x4.sub(d1, d3)));
    }
  }
}

/** Address of pixel (y, x) of an image, or `zero` outside it. */
@inline
function pixel(image: usize, y: i32, x: i32, inH: i32, inW: i32, inC: i32, zero: usize): usize {
  return <u32>y < <u32>inH && <u32>x < <u32>inW ? image + <usize>((y * inW + x) * inC) * 4 : zero;
}

/** Stores transformed row i: elements e = 4i .. 4i+3, eStride bytes apart. */
@inline
function storeQuad(o: usize, eStride: usize, i: i32, a: v128, b: v128, c: v128, d: v128): void {
  const p = o + <usize>(4 * i) * eStride;
  v128.store(p, a);
  v128.store(p + eStride, b);
  v128.store(p + 2 * eStride, c);
  v128.store(p + 3 * eStride, d);
}

/**
 * M[e] = V[e] · U[e] for the 16 elements and the block's `count` tiles: micro-tiles of MR tiles x 8 output
 * channels, depth S*S*Cin. Row r reads V from its tile's own input tile (rowOffsets); the column offsets
 * W_OFFSETS (built by the JS side) step through each piece's input tile and its channels.
 */
function multiplyTransformed(task: usize, conv: usize, count: i32, rowOffsets: usize, v: usize, cinP: i32, m: usize, coutP: i32, bases: usize): void {
  const pieces = load<i32>(task, L.WT_PIECES);
  const depth = pieces * pieces * load<i32>(conv, L.C_IN_C);
  const u = <usize>load<i32>(task, L.WC_U);
  const offsets = <usize>load<i32>(task, L.WT_OFFSETS);
  const panels = coutP / 8;
  const ldm = <usize>coutP * 4;
  const vStride = slabStride(load<i32>(task, L.WT_V_ROWS), <usize>cinP * 4);
  const mStride = slabStride(load<i32>(task, L.WT_BLOCK), ldm);
  const uStride = slabStride(panels * depth, 32);
  for (let e = 0; e < E; e++) {
    const ve = v + <usize>e * vStride;
    const me = m + <usize>e * mStride;
    const ue = u + <usize>e * uStride;
    for (let jp = 0; jp < panels; jp++) {
      const panel = ue + <usize>(jp * depth) * 32;
      for (let r = 0; r < count; r += MR) {
        for (let i = 0; i < MR; i++) {
          store<u32>(bases + <usize>(i << 2), <u32>ve + load<u32>(rowOffsets + <usize>((r + i) << 2)));
        }
        directKernel(bases, offsets, depth, panel, me + <usize>r * ldm + <usize>(jp << 5), ldm, INIT_ZERO, 0);
      }
    }
  }
}

/** y = A^T M A + bias for `count` tiles from t0, cropped at the output's edge. */
function transformOutputs(task: usize, conv: usize, t0: i32, count: i32, m: usize, coutP: i32): void {
  const y = <usize>load<i32>(task, L.WC_Y);
  const bias = <usize>load<i32>(task, L.WC_BIAS);
  const outH = load<i32>(conv, L.C_OUT_H), outW = load<i32>(conv, L.C_OUT_W), outC = load<i32>(conv, L.C_OUT_C);
  const ldm = <usize>coutP * 4;
  const eStride = slabStride(load<i32>(task, L.WT_BLOCK), ldm);
  const pixelBytes = <usize>outC * 4;
  const zero = f32x4.splat(0);
  for (let r = 0; r < count; r++) {
    const px = tilePixel(t0 + r, outH, outW);
    const y00 = y + <usize>px * pixelBytes;
    const y10 = y00 + <usize>outW * pixelBytes;
    const right = px % outW + 1 < outW, below = (px / outW) % outH + 1 < outH;
    const src = m + <usize>r * ldm;
    for (let co = 0; co < outC; co += 4) {
      const s = src + <usize>(co << 2);
      // q_j = A^T column j of M: (m0j + m1j + m2j, m1j - m2j - m3j); then Y row i = A^T applied to q_i.
      let m0 = v128.load(s), m1 = v128.load(s + 4 * eStride), m2 = v128.load(s + 8 * eStride), m3 = v128.load(s + 12 * eStride);
      const q00 = f32x4.add(f32x4.add(m0, m1), m2), q10 = f32x4.sub(f32x4.sub(m1, m2), m3);
      m0 = v128.load(s + eStride); m1 = v128.load(s + 5 * eStride); m2 = v128.load(s + 9 * eStride); m3 = v128.load(s + 13 * eStride);
      const q01 = f32x4.add(f32x4.add(m0, m1), m2), q11 = f32x4.sub(f32x4.sub(m1, m2), m3);
      m0 = v128.load(s + 2 * eStride); m1 = v128.load(s + 6 * eStride); m2 = v128.load(s + 10 * eStride); m3 = v128.load(s + 14 * eStride);
      const q02 = f32x4.add(f32x4.add(m0, m1), m2), q12 = f32x4.sub(f32x4.sub(m1, m2), m3);
      m0 = v128.load(s + 3 * eStride); m1 = v128.load(s + 7 * eStride); m2 = v128.load(s + 11 * eStride); m3 = v128.load(s + 15 * eStride);
      const q03 = f32x4.add(f32x4.add(m0, m1), m2), q13 = f32x4.sub(f32x4.sub(m1, m2), m3);
      const b = bias ? v128.load(bias + <usize>(co << 2)) : zero;
      const lanes = min(4, outC - co);
      const off = <usize>(co << 2);
      storeLanes(y00 + off, f32x4.add(b, f32x4.add(f32x4.add(q00, q01), q02)), lanes);
      if (right) storeLanes(y00 + pixelBytes + off, f32x4.add(b, f32x4.sub(f32x4.sub(q01, q02), q03)), lanes);
      if (below) {
        storeLanes(y10 + off, f32x4.add(b, f32x4.add(f32x4.add(q10, q11), q12)), lanes);
        if (right) storeLanes(y10 + pixelBytes + off, f32x4.add(b, f32x4.sub(f32x4.sub(q11, q12), q13)), lanes);
      }
    }
  }
}
