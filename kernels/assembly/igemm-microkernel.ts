// Indirect-GEMM micro-kernels (as in XNNPACK): the A rows of a conv are not packed; each row of the tile
// reads its receptive field straight from x through an indirection buffer that holds, per tap, a pointer
// to the input pixel (or to a zero row where the tap falls in the padding). In NHWC the cn channels of a
// tap are contiguous. Same register blocking as gemm-microkernel.ts.
import { madd } from './simd';
import { MR, INIT_BIAS, INIT_LOAD } from './gemm-microkernel';

/**
 * C[MR,8] (+)= x[tap rows][ciOff .. ciOff+cn) · Bpanel, for one tap.
 * ind: the tap's MR row pointers; ciOff: byte offset of the first channel; pb: packed B (cn steps of 8).
 * One tap per call keeps the loop as simple as the packed kernel's: V8 then keeps all accumulators in
 * registers (a loop over taps around it made it spill).
 */
export function igemmKernel(ind: usize, ciOff: usize, cn: i32, pb: usize, c: usize, ldc: usize, init: i32, bias: usize): void {
  if (MR == 6) igemmKernel6x8(ind, ciOff, cn, pb, c, ldc, init, bias);
  else igemmKernel5x8(ind, ciOff, cn, pb, c, ldc, init, bias);
}

function igemmKernel6x8(
  ind: usize, ciOff: usize, cn: i32, pb: usize, c: usize, ldc: usize, init: i32, bias: usize,
): void {
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
  const end = ciOff + <usize>cn * 4;
  const a0 = <usize>load<u32>(ind), a1 = <usize>load<u32>(ind, 4), a2 = <usize>load<u32>(ind, 8);
  const a3 = <usize>load<u32>(ind, 12), a4 = <usize>load<u32>(ind, 16), a5 = <usize>load<u32>(ind, 20);
  for (let q = ciOff; q < end; q += 4) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0 + q);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(a1 + q);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(a2 + q);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(a3 + q);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(a4 + q);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(a5 + q);
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

function igemmKernel5x8(
  ind: usize, ciOff: usize, cn: i32, pb: usize, c: usize, ldc: usize, init: i32, bias: usize,
): void {
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
  const end = ciOff + <usize>cn * 4;
  const a0 = <usize>load<u32>(ind), a1 = <usize>load<u32>(ind, 4), a2 = <usize>load<u32>(ind, 8);
  const a3 = <usize>load<u32>(ind, 12), a4 = <usize>load<u32>(ind, 16);
  for (let q = ciOff; q < end; q += 4) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0 + q);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(a1 + q);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(a2 + q);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(a3 + q);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(a4 + q);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    pb += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  v128.store(c + 4 * ldc, c40); v128.store(c + 4 * ldc, c41, 16);
}
