// The packed GEMM's micro-kernel (generated from the template in kernels/generate-microkernels.mjs, with the
// direct and indirect ones) and its partial tiles: C[MR,8] (+)= Apanel[MR,kc] · Bpanel[kc,8].
import { MR, INIT_ZERO, INIT_LOAD, INIT_BIAS, microKernel } from './microkernels.generated';
import { storeRow } from './simd';

export { MR, INIT_ZERO, INIT_LOAD, INIT_BIAS, microKernel };
/** Bytes per k step of a packed A panel. */
export const A_STEP: usize = <usize>MR * 4;

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
