// Micro-kernels for convs on a zero-padded input without packing A: row r of the tile is output
// position r, whose window starts at bases[r]; column k of im2col is at bases[r] + offsets[k] (offsets
// from im2col-pack.ts). One loop over all taps and channels, so small-channel convs (RGB input, LeNet)
// keep the accumulators in registers across taps. Same register blocking as gemm-microkernel.ts.
import { madd } from './simd';
import { MR, INIT_BIAS, INIT_LOAD } from './gemm-microkernel';

/** C[MR,8] (+)= sum_k x[bases[r] + offsets[k]] · Bpanel[k]; offsets: kc byte offsets, pb: kc steps of 8. */
export function directKernel(bases: usize, offsets: usize, kc: i32, pb: usize, c: usize, ldc: usize, init: i32, bias: usize): void {
  if (MR == 6) directKernel6x8(bases, offsets, kc, pb, c, ldc, init, bias);
  else directKernel5x8(bases, offsets, kc, pb, c, ldc, init, bias);
}

function directKernel6x8(bases: usize, offsets: usize, kc: i32, pb: usize, c: usize, ldc: usize, init: i32, bias: usize): void {
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
  const a0 = <usize>load<u32>(bases), a1 = <usize>load<u32>(bases, 4), a2 = <usize>load<u32>(bases, 8);
  const a3 = <usize>load<u32>(bases, 12), a4 = <usize>load<u32>(bases, 16), a5 = <usize>load<u32>(bases, 20);
  const end = offsets + <usize>kc * 4;
  for (let o = offsets; o < end; o += 4) {
    const off = <usize>load<u32>(o);
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0 + off);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(a1 + off);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(a2 + off);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(a3 + off);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(a4 + off);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(a5 + off);
    c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    pb += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  v128.store(c + 4 * ldc, c40); v128.store(c + 4 * ldc, c41, 16);
  v128.store(c + 5 * ldc, c50); v128.store(c + 5 * ldc, c51, 16);
}

function directKernel5x8(bases: usize, offsets: usize, kc: i32, pb: usize, c: usize, ldc: usize, init: i32, bias: usize): void {
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
  const a0 = <usize>load<u32>(bases), a1 = <usize>load<u32>(bases, 4), a2 = <usize>load<u32>(bases, 8);
  const a3 = <usize>load<u32>(bases, 12), a4 = <usize>load<u32>(bases, 16);
  const end = offsets + <usize>kc * 4;
  for (let o = offsets; o < end; o += 4) {
    const off = <usize>load<u32>(o);
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0 + off);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(a1 + off);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(a2 + off);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(a3 + off);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(a4 + off);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    pb += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  v128.store(c + 4 * ldc, c40); v128.store(c + 4 * ldc, c41, 16);
}
