// Data augmentation: composable, seeded transforms applied on the fly. Each random augmentation is a
// factory returning an ImageTransform (x, generator) => x; the deterministic functional forms (hflip,
// affine, adjustBrightness, ...) let tests and users apply an exact change.
//
//   const augment = compose(randomHorizontalFlip(), randomAffine({ degrees: 15 }), colorJitter({ brightness: 0.2 }));
//   const train = new TransformDataset(folder, toSampleTransform(augment));
import type { Batch, Sample } from './dataset.js';
import type { Generator } from '../util/random.js';
import type { ImageTransform } from './transforms-geometry.js';

export { hflip, vflip, randomHorizontalFlip, randomVerticalFlip } from './augment-flip.js';
export { affine, randomAffine, type AffineParams, type WarpOptions, type RandomAffineOptions, type SymmetricRange } from './augment-affine.js';
export {
  adjustBrightness,
  adjustContrast,
  adjustSaturation,
  adjustHue,
  colorJitter,
  type ColorJitterOptions,
  type JitterRange,
} from './augment-color.js';
export { adjustLighting, pcaLighting, imagenetEigenvalues, imagenetEigenvectors } from './augment-lighting.js';
export { erase, randomErasing, type EraseValue, type RandomErasingOptions } from './augment-erasing.js';
export { randomCrop, compose } from './transforms.js';
export type { ImageTransform } from './transforms-geometry.js';

/** An image transform as a TransformDataset transform: changes sample.x, keeps the label. */
export function toSampleTransform(transform: ImageTransform): (sample: Sample, generator: Generator) => Sample {
  return (sample, generator) => ({ x: transform(sample.x, generator), y: sample.y });
}

/** An image transform as a DataLoader transform: applied to each image of batch.x in turn, labels kept. */
export function toBatchTransform(transform: ImageTransform): (batch: Batch, generator: Generator) => Batch {
  return (batch, generator) => ({ x: transform(batch.x, generator), y: batch.y });
}
