// The data sets the command line knows by name. Each says how to load a split, its classes, the input
// shape and the normalisation its images get, which is stored with trained weights so that eval and
// predict prepare images exactly as training did.
import type { Dataset } from '../src/data/dataset.js';
import type { Normalization } from '../src/data/idx-dataset.js';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_NORMALIZATION, MNIST_CLASSES, MNIST_NORMALIZATION, loadFashionMnist, loadMnist } from '../src/node/datasets.js';

export type Split = 'train' | 'test';

export interface CliDataset {
  name: string;
  classes: readonly string[];
  /** [height, width, channels] of its images. */
  inputShape: [number, number, number];
  normalization: Normalization;
  load(split: Split, limit?: number): Dataset;
}

const DATASETS: Readonly<Record<string, CliDataset>> = {
  mnist: {
    name: 'mnist',
    classes: MNIST_CLASSES,
    inputShape: [28, 28, 1],
    normalization: MNIST_NORMALIZATION,
    load: (split, limit) => loadMnist({ split, limit, normalize: true }),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    classes: FASHION_MNIST_CLASSES,
    inputShape: [28, 28, 1],
    normalization: FASHION_MNIST_NORMALIZATION,
    load: (split, limit) => loadFashionMnist({ split, limit, normalize: true }),
  },
};

export function datasetNames(): string[] {
  return Object.keys(DATASETS);
}

export function getDataset(name: string): CliDataset {
  const found = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (!found) throw new Error(`unknown dataset '${name}'; available: ${datasetNames().join(', ')}`);
  return found;
}
