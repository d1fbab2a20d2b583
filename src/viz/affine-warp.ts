// One affine warp (rotation, scale, shift about the centre) that gradients flow through, for the
// transformation robustness of activation maximisation: each output pixel is a bilinear blend of four input
// pixels read with `take`, so the backward pass scatters the gradient back to them. The geometry is the
// augmentation's (inverseAffineMatrix); pixels from outside the image read `fill`.
import { Tensor } from '../tensor/tensor.js';
import { full, tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { concat } from '../ops/movement.js';
import { take } from '../ops/indexing.js';
import { inverseAffineMatrix, type AffineParams } from '../data/augment-affine.js';

/** x [1, H, W, C] warped by p' = A (p - c) + c + t (see augment-affine.ts), same shape, differentiable in x. */
export function affineWarp(x: Tensor, params: AffineParams, fill = 0): Tensor {
  if (x.ndim !== 4 || x.shape[0] !== 1) throw new Error(`affineWarp: expected one image [1, H, W, C], got ${formatShape(x.shape)}`);
  const [, height, width, channels] = x.shape;
  const inverse = inverseAffineMatrix(params);
  const [tx, ty] = params.translate ?? [0, 0];
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const outside = x.size; // the index of the appended fill value
  const n = x.size;
  const index = Array.from({ length: 4 }, () => new Int32Array(n));
  const weight = Array.from({ length: 4 }, () => new Float32Array(n));
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const dx = u - cx - tx;
      const dy = v - cy - ty;
      const sx = inverse[0] * dx + inverse[1] * dy + cx;
      const sy = inverse[2] * dx + inverse[3] * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const corners: Array<[number, number, number]> = [[y0, x0, (1 - fy) * (1 - fx)], [y0, x0 + 1, (1 - fy) * fx], [y0 + 1, x0, fy * (1 - fx)], [y0 + 1, x0 + 1, fy * fx]];
      for (let c = 0; c < channels; c++) {
        const o = (v * width + u) * channels + c;
        corners.forEach(([row, col, w], k) => {
          index[k][o] = row >= 0 && row < height && col >= 0 && col < width ? (row * width + col) * channels + c : outside;
          weight[k][o] = w;
        });
      }
    }
  }
  const flat = concat([x.reshape([n]), full([1], fill, { dtype: x.dtype })], 0);
  let out: Tensor | null = null;
  for (let k = 0; k < 4; k++) {
    const term = take(flat, new Tensor(index[k], [n])).mul(tensor(weight[k], [n], { dtype: x.dtype }));
    out = out ? out.add(term) : term;
  }
  return out!.reshape(x.shape);
}
