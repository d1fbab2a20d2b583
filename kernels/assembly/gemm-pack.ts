// Packing: copy a block of op(A) or op(B) into the panel order the micro-kernel streams through.
// A panels: MR rows, stored k-major (MR floats per k step). B panels: NR columns, 8 floats per k step.
// Rows or columns past the matrix edge are zero, so the micro-kernel always computes full tiles.
import * as L from './layout.generated';
import { NR } from './layout.generated';
import { A_STEP, MR } from './gemm-microkernel';
import { packIm2colPanel, packIm2colTPanel } from './im2col-pack';

const ZERO = f32x4.splat(0);

/** Pack A rows [row0, row0+mc) x depth [k0, k0+kc) into ceil(mc/6) panels at dst. */
export function packA(task: usize, row0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  const kind = load<i32>(task, L.G_A_KIND);
  for (let i = 0; i < mc; i += MR) {
    const mr = min(MR, mc - i);
    const panel = dst + <usize>(i * kc) * 4;
    if (kind == L.A_MATRIX) packMatrixPanelA(task, row0 + i, mr, k0, kc, panel);
    else if (kind == L.A_IM2COL) packIm2colPanel(task, row0 + i, mr, k0, kc, panel);
    else packIm2colTPanel(task, row0 + i, mr, k0, kc, panel);
  }
}

function packMatrixPanelA(task: usize, row0: i32, mr: i32, k0: i32, kc: i32, dst: usize): void {
  const a = <usize>load<i32>(task, L.G_A);
  const lda = load<i32>(task, L.G_LDA);
  if (load<i32>(task, L.G_TRANS_A)) {
    // A stored [K, M]: the 6 rows of one k step are contiguous.
    for (let p = 0; p < kc; p++) {
      const src = a + <usize>((k0 + p) * lda + row0) * 4;
      const d = dst + <usize>p * A_STEP;
      if (mr == MR) {
        v128.store(d, v128.load(src));
        for (let r = 4; r < MR; r++) store<f32>(d + <usize>(r << 2), load<f32>(src + <usize>(r << 2)));
      } else {
        for (let r = 0; r < MR; r++) store<f32>(d + <usize>(r << 2), r < mr ? load<f32>(src + <usize>(r << 2)) : 0);
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
    const src = a + <usize>((row0 + r) * lda + k0) * 4;
    for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * A_STEP, load<f32>(src + <usize>(p << 2)));
  }
}

/** Pack columns [col0, col0+nc) x depth [k0, k0+kc) of B (row stride ldb) into ceil(nc/8) panels at dst. */
export function packB(b: usize, ldb: i32, transB: bool, col0: i32, nc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const nr = min(NR, nc - j);
    const panel = dst + <usize>(j * kc) * 4;
    const c0 = col0 + j;
    if (transB) {
      // B stored [N, K]: each column is a contiguous run of k.
      for (let c = 0; c < NR; c++) {
        const d = panel + <usize>(c << 2);
        if (c >= nr) {
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>(p << 5), 0);
          continue;
        }
        const src = b + <usize>((c0 + c) * ldb + k0) * 4;
        for (let p = 0; p < kc; p++) store<f32>(d + <usize>(p << 5), load<f32>(src + <usize>(p << 2)));
      }
    } else if (nr == NR) {
      for (let p = 0; p < kc; p++) {
        const src = b + <usize>((k0 + p) * ldb + c0) * 4;
        const d = panel + <usize>(p << 5);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = b + <usize>((k0 + p) * ldb + c0) * 4;
        const d = panel + <usize>(p << 5);
        v128.store(d, ZERO);
        v128.store(d, ZERO, 16);
        for (let c = 0; c < nr; c++) store<f32>(d + <usize>(c << 2), load<f32>(src + <usize>(c << 2)));
      }
    }
  }
}
