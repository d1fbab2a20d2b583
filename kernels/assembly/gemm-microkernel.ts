// Register-blocked micro-kernels: C[MR,8] (+)= Apanel[MR,kc] · Bpanel[kc,8].
// V8 on x86-64 allocates 15 of the 16 SIMD registers (one is its scratch). With a fused multiply-add
// (relaxed SIMD) a 6x8 tile fits: 12 accumulators + 2 B vectors + 1 broadcast A value. Without it each
// step needs a temporary for the product, so the plain SIMD128 build uses a 5x8 tile (10 + 2 + 1 + 1).
import { NR } from './layout.generated';
import { madd, storeRow } from './simd';

export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
/** Bytes per k step of a packed A panel. */
export const A_STEP: usize = <usize>MR * 4;

export const INIT_ZERO: i32 = 0; // first K block, no bias
export const INIT_LOAD: i32 = 1; // later K blocks accumulate into C
export const INIT_BIAS: i32 = 2; // first K block starts from bias[8]

/** pa: packed A panel; pb: packed B panel (kc steps of 8 floats); c: the tile's top-left, ldc in bytes. */
export function microKernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, init: i32, bias: usize): void {
  if (MR == 6) microKernel6x8(kc, pa, pb, c, ldc, init, bias);
  else microKernel5x8(kc, pa, pb, c, ldc, init, bias);
}

function microKernel6x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, init: i32, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  if (init == INIT_LOAD) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
    c40 = v128.load(c + 4 * ldc); c41 = v128.load(c + 4 * ldc, 16);
    c50 = v128.load(c + 5 * ldc); c51 = v128.load(c + 5 * ldc, 16);
  } else if (init == INIT_BIAS) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
    c10 = c00; c20 = c00; c30 = c00; c40 = c00; c50 = c00;
    c11 = c01; c21 = c01; c31 = c01; c41 = c01; c51 = c01;
  }
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(pa, 20);
    c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    pa += 24;
    pb += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  v128.store(c + 4 * ldc, c40); v128.store(c + 4 * ldc, c41, 16);
  v128.store(c + 5 * ldc, c50); v128.store(c + 5 * ldc, c51, 16);
}

function microKernel5x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, init: i32, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  if (init == INIT_LOAD) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
    c40 = v128.load(c + 4 * ldc); c41 = v128.load(c + 4 * ldc, 16);
  } else if (init == INIT_BIAS) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
    c10 = c00; c20 = c00; c30 = c00; c40 = c00;
    c11 = c01; c21 = c01; c31 = c01; c41 = c01;
  }
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    pa += 20;
    pb += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  v128.store(c + 4 * ldc, c40); v128.store(c + 4 * ldc, c41, 16);
}

/** A partial tile (mr < MR or nr < 8): compute the full tile into `tile`, then store only the valid part. */
export function edgeKernel(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, mr: i32, nr: i32, init: i32, bias: usize, tile: usize,
): void {
  microKernel(kc, pa, pb, tile, 32, INIT_ZERO, 0);
  storeTile(tile, c, ldc, mr, nr, init, bias);
}

/**
 * Adds the mr x nr corner of a full tile (computed from zero, rows 32 bytes apart) into C. Whole rows are
 * loaded (a row of C or of the bias may be read past its end: the arena keeps slack), only nr lanes stored.
 */
export function storeTile(tile: usize, c: usize, ldc: usize, mr: i32, nr: i32, init: i32, bias: usize): void {
  let base0 = f32x4.splat(0), base1 = base0;
  if (init == INIT_BIAS) {
    base0 = v128.load(bias);
    base1 = v128.load(bias, 16);
  }
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>i * ldc;
    const t = tile + <usize>(i * 32);
    if (init == INIT_LOAD) {
      base0 = v128.load(row);
      base1 = v128.load(row, 16);
    }
    storeRow(row, f32x4.add(base0, v128.load(t)), f32x4.add(base1, v128.load(t, 16)), nr);
  }
}
