import type { AvgPoolMode, FloatArray, Pool2dParams } from '../backend.js';

// Reference 2-D pooling, NHWC. x: [N, inH, inW, C] -> y: [N, outH, outW, C].
// Window (oy, ox) covers rows oy*sH - pT .. + kH - 1 and columns ox*sW - pL .. + kW - 1; cells outside the
// input are padding: ignored by max, zero for sum/avg.

export function maxPool2dRef(p: Pool2dParams, x: FloatArray, y: FloatArray, argmax: Int32Array | null): void {
  const { batch, inH, inW, channels: C, outH, outW } = p;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestIdx = -1;
          for (let ky = 0; ky < p.kH; ky++) {
            const iy = oy * p.strideH - p.padTop + ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < p.kW; kx++) {
              const ix = ox * p.strideW - p.padLeft + kx;
              if (ix < 0 || ix >= inW) continue;
              const idx = ((n * inH + iy) * inW + ix) * C + c;
              // NaN propagates, as in PyTorch: a NaN always wins.
              if (x[idx] > best || bestIdx === -1 || Number.isNaN(x[idx])) {
                best = x[idx];
                bestIdx = idx;
                if (Number.isNaN(best)) break;
              }
            }
          }
          const o = ((n * outH + oy) * outW + ox) * C + c;
          y[o] = bestIdx === -1 ? 0 : best;
          if (argmax) argmax[o] = bestIdx;
        }
      }
    }
  }
}

export function maxPool2dBackwardRef(p: Pool2dParams, dy: FloatArray, argmax: Int32Array, dx: FloatArray): void {
  dx.fill(0);
  for (let o = 0; o < dy.length; o++) if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
}

/** Number of cells of window (oy, ox) that the divisor counts. */
function windowCount(p: Pool2dParams, oy: number, ox: number): number {
  const y0 = oy * p.strideH - p.padTop;
  const x0 = ox * p.strideW - p.padLeft;
  if (p.countIncludePad) {
    // PyTorch counts padding cells but not cells past the padded input (ceil mode overhang).
    const y1 = Math.min(y0 + p.kH, p.inH + p.padTop);
    const x1 = Math.min(x0 + p.kW, p.inW + p.padLeft);
    return (y1 - y0) * (x1 - x0);
  }
  const rows = Math.min(y0 + p.kH, p.inH) - Math.max(y0, 0);
  const cols = Math.min(x0 + p.kW, p.inW) - Math.max(x0, 0);
  return Math.max(rows, 0) * Math.max(cols, 0);
}

export function avgPool2dRef(p: Pool2dParams, mode: AvgPoolMode, x: FloatArray, y: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW } = p;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((n * outH + oy) * outW + ox) * C;
        const count = windowCount(p, oy, ox);
        const scale = mode === 'sum' ? 1 : count > 0 ? 1 / count : 0;
        for (let c = 0; c < C; c++) {
          let acc = 0;
          for (let ky = 0; ky < p.kH; ky++) {
            const iy = oy * p.strideH - p.padTop + ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < p.kW; kx++) {
              const ix = ox * p.strideW - p.padLeft + kx;
              if (ix < 0 || ix >= inW) continue;
              acc += x[((n * inH + iy) * inW + ix) * C + c];
            }
          }
          y[o + c] = acc * scale;
        }
      }
    }
  }
}

export function avgPool2dBackwardRef(p: Pool2dParams, mode: AvgPoolMode, dy: FloatArray, dx: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW } = p;
  dx.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((n * outH + oy) * outW + ox) * C;
        const count = windowCount(p, oy, ox);
        const scale = mode === 'sum' ? 1 : count > 0 ? 1 / count : 0;
        for (let ky = 0; ky < p.kH; ky++) {
          const iy = oy * p.strideH - p.padTop + ky;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < p.kW; kx++) {
            const ix = ox * p.strideW - p.padLeft + kx;
            if (ix < 0 || ix >= inW) continue;
            const i = ((n * inH + iy) * inW + ix) * C;
            for (let c = 0; c < C; c++) dx[i + c] += dy[o + c] * scale;
          }
        }
      }
    }
  }
}
