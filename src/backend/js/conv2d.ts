import type { Conv2dParams, ConvActivation, FloatArray } from '../backend.js';
import { leakyReluRef, reluRef } from './pointwise.js';

// Reference 2-D convolution (cross-correlation, as in every CNN library), NHWC.
// x: [N, inH, inW, inC]   w: [kH, kW, inC/groups, outC]   bias: [outC]   y: [N, outH, outW, outC]
// y[n,oy,ox,oc] = bias[oc] + sum_{ky,kx,ci} x[n, oy*sH - pT + ky*dH, ox*sW - pL + kx*dW, g*cinG + ci] * w[ky,kx,ci,oc]
// where g = floor(oc / coutG); positions outside the input read as zero (padding).
export function conv2dRef(
  p: Conv2dParams, x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray, activation?: ConvActivation | null,
): void {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW, groups } = p;
  const cinG = inC / groups;
  const coutG = outC / groups;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const yBase = ((n * outH + oy) * outW + ox) * outC;
        for (let oc = 0; oc < outC; oc++) y[yBase + oc] = bias ? bias[oc] : 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * p.strideH - p.padTop + ky * p.dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * p.strideW - p.padLeft + kx * p.dilationW;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((n * inH + iy) * inW + ix) * inC;
            const wBase = (ky * kW + kx) * cinG * outC;
            for (let oc = 0; oc < outC; oc++) {
              const g = Math.floor(oc / coutG);
              let acc = 0;
              for (let ci = 0; ci < cinG; ci++) acc += x[xBase + g * cinG + ci] * w[wBase + ci * outC + oc];
              y[yBase + oc] += acc;
            }
          }
        }
      }
    }
  }
  applyConvActivation(y, activation);
}

/** The activation after the whole sum, as the standalone kernels compute it. */
function applyConvActivation(y: FloatArray, activation: ConvActivation | null | undefined): void {
  if (activation?.kind === 'relu') reluRef(y, y);
  else if (activation?.kind === 'leakyRelu') leakyReluRef(y, y, activation.negativeSlope);
}

// dx[n,iy,ix,g*cinG+ci] = sum over (oy,ox,ky,kx,oc in group g) that read (iy,ix) of dy[n,oy,ox,oc] * w[ky,kx,ci,oc]
export function conv2dBackwardInputRef(p: Conv2dParams, dy: FloatArray, w: FloatArray, dx: FloatArray): void {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW, groups } = p;
  const cinG = inC / groups;
  const coutG = outC / groups;
  dx.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyBase = ((n * outH + oy) * outW + ox) * outC;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * p.strideH - p.padTop + ky * p.dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * p.strideW - p.padLeft + kx * p.dilationW;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((n * inH + iy) * inW + ix) * inC;
            const wBase = (ky * kW + kx) * cinG * outC;
            for (let oc = 0; oc < outC; oc++) {
              const g = Math.floor(oc / coutG);
              const d = dy[dyBase + oc];
              for (let ci = 0; ci < cinG; ci++) dx[xBase + g * cinG + ci] += d * w[wBase + ci * outC + oc];
            }
          }
        }
      }
    }
  }
}

// dw[ky,kx,ci,oc] = sum_{n,oy,ox} x[n, iy, ix, g*cinG+ci] * dy[n,oy,ox,oc]
export function conv2dBackwardFilterRef(p: Conv2dParams, x: FloatArray, dy: FloatArray, dw: FloatArray): void {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW, groups } = p;
  const cinG = inC / groups;
  const coutG = outC / groups;
  dw.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyBase = ((n * outH + oy) * outW + ox) * outC;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * p.strideH - p.padTop + ky * p.dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * p.strideW - p.padLeft + kx * p.dilationW;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((n * inH + iy) * inW + ix) * inC;
            const wBase = (ky * kW + kx) * cinG * outC;
            for (let oc = 0; oc < outC; oc++) {
              const g = Math.floor(oc / coutG);
              const d = dy[dyBase + oc];
              if (d === 0) continue;
              for (let ci = 0; ci < cinG; ci++) dw[wBase + ci * outC + oc] += x[xBase + g * cinG + ci] * d;
            }
          }
        }
      }
    }
  }
}
