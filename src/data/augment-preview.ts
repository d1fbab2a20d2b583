// Seeing what an augmentation pipeline does: n augmented copies of one image tiled into a grid.
import { allocateTensor } from '../tensor/allocation.js';
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../util/random.js';
import { colorJitter } from './augment-color.js';
import { randomAffine } from './augment-affine.js';
import { randomErasing } from './augment-erasing.js';
import { randomHorizontalFlip } from './augment-flip.js';
import { imageSize } from './image-tensor.js';
import { compose } from './transforms.js';
import type { ImageTransform } from './transforms-geometry.js';
import { toGrid } from './transforms-grid.js';

/** A general-purpose photo pipeline: mirror, a mild affine warp, colour jitter, then random erasing. */
export function defaultAugmentation(): ImageTransform {
  return compose(
    randomHorizontalFlip(0.5),
    randomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.85, 1.15], shear: 8 }),
    colorJitter({ brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.05 }),
    randomErasing({ p: 0.5, scale: [0.02, 0.15] }),
  );
}

export interface AugmentPreviewOptions {
  /** Number of augmented copies (default 16). */
  n?: number;
  /** Seed for the copies (default 0); the same seed gives the same grid. */
  seed?: number;
  /** Default: defaultAugmentation(). */
  transform?: ImageTransform;
  /** Images per grid row (default: ceil(sqrt(n)), a near-square grid). */
  nrow?: number;
}

/** n augmented copies of image [H, W, C] as one grid image, values clamped to [0, 1]. */
export function augmentPreview(image: Tensor, options: AugmentPreviewOptions = {}): Tensor {
  const { n = 16, seed = 0, transform = defaultAugmentation() } = options;
  if (!Number.isInteger(n) || n < 1) throw new Error(`augmentPreview: n must be a positive integer, got ${n}`);
  const { height, width, channels } = imageSize(image, 'augmentPreview');
  const generator = new Generator(seed);
  const size = height * width * channels;
  const batch = allocateTensor('augmentPreview', [n, height, width, channels], 'float32');
  for (let i = 0; i < n; i++) {
    const copy = transform(image, generator);
    if (copy.size !== size) {
      throw new Error(`augmentPreview: the transform changed the image shape [${image.shape.join(', ')}] to [${copy.shape.join(', ')}]; a grid needs equal sizes`);
    }
    for (let k = 0; k < size; k++) batch[i * size + k] = Math.min(1, Math.max(0, copy.data[k]));
  }
  return toGrid(new Tensor(batch, [n, height, width, channels]), { nrow: options.nrow ?? Math.ceil(Math.sqrt(n)) });
}
