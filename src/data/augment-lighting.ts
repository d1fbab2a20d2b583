// AlexNet's PCA lighting noise (Krizhevsky et al. 2012, section 4.1): add to every RGB pixel
// sum_i eigenvector_i * alpha_i * eigenvalue_i, with alpha_i ~ N(0, alphaStd) drawn once per image.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { ImageTransform } from './transforms-geometry.js';
import { imageSize, mapImages } from './image-tensor.js';

/** Principal components of ImageNet's RGB pixels in [0, 1] (the values fb.resnet.torch and torchvision recipes use). */
export const imagenetEigenvalues = [0.2175, 0.0188, 0.0045] as const;
/** Columns are the eigenvectors, matching imagenetEigenvalues. */
export const imagenetEigenvectors = [
  [-0.5675, 0.7192, 0.4009],
  [-0.5808, -0.0045, -0.814],
  [-0.5836, -0.6948, 0.4203],
] as const;

/** Shift every pixel's colour along the principal components by alpha (three coefficients); clamps to [0, 1]. */
export function adjustLighting(x: Tensor, alpha: readonly [number, number, number]): Tensor {
  if (alpha.length !== 3 || !alpha.every(Number.isFinite)) throw new Error(`adjustLighting: alpha must be 3 finite numbers, got ${JSON.stringify(alpha)}`);
  const shift = imagenetEigenvectors.map((row) => row.reduce((sum, v, j) => sum + v * alpha[j] * imagenetEigenvalues[j], 0));
  return mapImages(x, 'adjustLighting', (image) => {
    const { channels } = imageSize(image, 'adjustLighting');
    if (channels !== 3) throw new Error(`adjustLighting: expected an RGB image [H, W, 3], got ${formatShape(image.shape)}`);
    const out = new Float32Array(image.size);
    const src = image.data;
    for (let i = 0; i < out.length; i++) {
      const v = src[i] + shift[i % 3];
      out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    return new Tensor(out, image.shape);
  });
}

/** PCA lighting noise with alpha ~ N(0, alphaStd) per image (AlexNet used 0.1). */
export function pcaLighting(alphaStd = 0.1): ImageTransform {
  if (!(alphaStd >= 0 && Number.isFinite(alphaStd))) throw new Error(`pcaLighting: alphaStd must be a finite non-negative number, got ${alphaStd}`);
  return (x, generator) =>
    mapImages(x, 'pcaLighting', (image) => {
      const alpha: [number, number, number] = [generator.normal() * alphaStd, generator.normal() * alphaStd, generator.normal() * alphaStd];
      return adjustLighting(image, alpha);
    });
}
