// Image transforms on float tensors [H, W, C] (or batches [N, H, W, C], image by image), browser-safe.
// Deterministic ones are plain functions of the image; random ones are factories returning an
// ImageTransform that draws from the Generator it is given (never Math.random), so runs repeat.
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import type { ImageTransform } from './transforms-geometry.js';

export { resize, crop, centerCrop, pad, randomCrop } from './transforms-geometry.js';
export type { ImageTransform, InterpolationMode, PaddingMode, PaddingWidths, PadOptions, RandomCropOptions } from './transforms-geometry.js';
export { normalize, grayscale, imagenetMean, imagenetStd } from './transforms-color.js';
export { toGrid, type GridOptions } from './transforms-grid.js';

/**
 * Apply transforms left to right with one generator: `compose((x) => resize(x, [36, 36]), randomCrop(32))`.
 * Deterministic functions join as one-argument lambdas.
 */
export function compose(...transforms: ImageTransform[]): ImageTransform {
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw new Error(`compose: transform ${i} is ${typeof t}, expected a function (x, generator) => Tensor`);
  });
  return (x: Tensor, generator: Generator) => transforms.reduce((image, transform) => transform(image, generator), x);
}
