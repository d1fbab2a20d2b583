// Colour preservation (anishathalye/neural-style's --preserve-colors, ProGamerGov's -original_colors): keep
// the stylised image's luminance and take the chrominance from the content image, in YUV (BT.601).
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { concat } from '../ops/movement.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';

// Rows map RGB to Y, U, V; as [3, 3] matrices applied on the channel axis (x [N, 3] @ M^T).
const RGB_TO_YUV = [
  [0.299, 0.587, 0.114],
  [-0.14713, -0.28886, 0.436],
  [0.615, -0.51499, -0.10001],
];
const YUV_TO_RGB = [
  [1, 0, 1.13983],
  [1, -0.39465, -0.5806],
  [1, 2.03211, 0],
];

function applyColourMatrix(image: Tensor, m: number[][]): Tensor {
  const flat = image.reshape([image.size / 3, 3]);
  return flat.matmul(tensor(m, [3, 3], { dtype: image.dtype }).transpose(0, 1)).reshape(image.shape);
}

export const rgbToYuv = (image: Tensor): Tensor => applyColourMatrix(image, RGB_TO_YUV);
export const yuvToRgb = (image: Tensor): Tensor => applyColourMatrix(image, YUV_TO_RGB);

/** The luminance of `stylised` with the chrominance of `content` (same shape [..., 3]), clamped to [0, 1]. */
export function preserveColors(stylised: Tensor, content: Tensor): Tensor {
  if (!shapesEqual(stylised.shape, content.shape) || stylised.shape[stylised.ndim - 1] !== 3) {
    throw new Error(`preserveColors: stylised ${formatShape(stylised.shape)} and content ${formatShape(content.shape)} must be the same RGB shape [..., 3]`);
  }
  const y = rgbToYuv(stylised).narrow(-1, 0, 1);
  const uv = rgbToYuv(content).narrow(-1, 1, 2);
  return yuvToRgb(concat([y, uv], -1)).clamp(0, 1);
}
