// Facts about MNIST and Fashion-MNIST shared by the Node loaders and browser code: file names, class
// names and the pixel statistics used to standardise them.
import type { Normalization } from './idx-dataset.js';

export type Split = 'train' | 'test';

/** The IDX file names of a split, without any .gz suffix (both data sets use the same names). */
export function idxFileNames(split: Split): { images: string; labels: string } {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`idxFileNames: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

export const MNIST_CLASSES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** Mean and standard deviation of the MNIST training pixels in [0, 1] (the values torchvision examples use). */
export const MNIST_NORMALIZATION: Readonly<Normalization> = Object.freeze({ mean: 0.1307, std: 0.3081 });

/** Mean and standard deviation of the Fashion-MNIST training pixels in [0, 1]. */
export const FASHION_MNIST_NORMALIZATION: Readonly<Normalization> = Object.freeze({ mean: 0.286, std: 0.353 });
