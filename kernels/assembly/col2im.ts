// col2im as a gather, for the input gradient of strided convs: dCol = dy · W^T holds, for every output
// position, the gradient of each (ky, kx, ci) cell of its receptive field; each dx pixel sums the cells
// that read it. Gathering (not scattering) lets threads share (n, iy) rows without conflicts.
import * as L from './layout.generated';
import { shareStart } from './work-split';

/** Fills dx[n, :, :, chOff .. chOff+cinG) for the images of this chunk (x = dCol, y = dx). */
export function col2im(g: usize, tid: i32, nthreads: i32): void {
  const inH = load<i32>(g, L.C_IN_H), inW = load<i32>(g, L.C_IN_W), inC = load<i32>(g, L.C_IN_C);
  const outH = load<i32>(g, L.C_OUT_H), outW = load<i32>(g, L.C_OUT_W);
  const kH = load<i32>(g, L.C_K_H), kW = load<i32>(g, L.C_K_W);
  const sH = load<i32>(g, L.C_STRIDE_H), sW = load<i32>(g, L.C_STRIDE_W);
  const dH = load<i32>(g, L.C_DILATION_H), dW = load<i32>(g, L.C_DILATION_W);
  const pT = load<i32>(g, L.C_PAD_TOP), pL = load<i32>(g, L.C_PAD_LEFT);
  const cinG = load<i32>(g, L.C_CIN_G), chOff = load<i32>(g, L.CI_CH_OFF);
  const dCol = <usize>load<i32>(g, L.CI_D_COL), dx = <usize>load<i32>(g, L.CI_DX);
  const ldCol = load<i32>(g, L.CI_LD_COL), image0 = load<i32>(g, L.CI_IMAGE0);
  const rows = load<i32>(g, L.C_BATCH) * inH; // this chunk's images only
  const row1 = shareStart(rows, tid + 1, nthreads);
  for (let row = shareStart(rows, tid, nthreads); row < row1; row++) {
    const local = row / inH, iy = row % inH;
    for (let ix = 0; ix < inW; ix++) {
      const out = dx + <usize>((((image0 + local) * inH + iy) * inW + ix) * inC + chOff) * 4;
      for (let c = 0; c < cinG; c++) store<f32>(out + <usize>(c << 2), 0);
      for (let ky = 0; ky < kH; ky++) {
        const ty = iy + pT - ky * dH;
        if (ty < 0 || ty % sH != 0) continue;
        const oy = ty / sH;
        if (oy >= outH) continue;
        for (let kx = 0; kx < kW; kx++) {
          const tx = ix + pL - kx * dW;
          if (tx < 0 || tx % sW != 0) continue;
          const ox = tx / sW;
          if (ox >= outW) continue;
          const src = dCol + <usize>(((local * outH + oy) * outW + ox) * ldCol + (ky * kW + kx) * cinG) * 4;
          let c = 0;
          for (; c + 4 <= cinG; c += 4) {
            const cb = <usize>(c << 2);
            v128.store(out + cb, f32x4.add(v128.load(out + cb), v128.load(src + cb)));
          }
          for (; c < cinG; c++) {
            const cb = <usize>(c << 2);
            store<f32>(out + cb, load<f32>(out + cb) + load<f32>(src + cb));
          }
        }
      }
    }
  }
}
