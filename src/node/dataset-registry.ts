// The data sets known by name (MNIST, Fashion-MNIST), and folders of class sub-folders opened as data sets
// with a seeded train/validation split. Each says how to load a split, its classes, the input shape and the
// normalisation its images get, which a trained model stores so that evaluation and prediction match.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { Subset, type Dataset } from '../data/dataset.js';
import type { NamedDataset } from '../data/named-dataset.js';
import { Generator } from '../util/random.js';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_NORMALIZATION, MNIST_CLASSES, MNIST_NORMALIZATION, loadFashionMnist, loadMnist } from './datasets.js';
import { ImageFolder } from './image-folder.js';

const DATASETS: Readonly<Record<string, NamedDataset>> = {
  mnist: {
    name: 'mnist',
    classes: MNIST_CLASSES,
    inputShape: [28, 28, 1],
    normalization: MNIST_NORMALIZATION,
    heldOut: 'test',
    load: (split, limit) => loadMnist({ split, limit, normalize: true }),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    classes: FASHION_MNIST_CLASSES,
    inputShape: [28, 28, 1],
    normalization: FASHION_MNIST_NORMALIZATION,
    heldOut: 'test',
    load: (split, limit) => loadFashionMnist({ split, limit, normalize: true }),
  },
};

/** The names getDataset knows. */
export function datasetNames(): string[] {
  return Object.keys(DATASETS);
}

/** A data set by name ('mnist', 'fashion-mnist'); unknown names are an error listing the known ones. */
export function getDataset(name: string): NamedDataset {
  const found = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (!found) throw new Error(`getDataset: unknown dataset '${name}'; available: ${datasetNames().join(', ')}`);
  return found;
}

export interface OpenDatasetOptions {
  /** [height, width, channels] the model reads: a folder's images are decoded to it. */
  inputShape: [number, number, number];
  /** Share of each class a folder keeps for validation, strictly between 0 and 1. */
  valFraction: number;
  /** Seeds the folder's train/validation split. */
  seed: number;
}

/**
 * A named data set, or a folder with one sub-folder of images per class. A folder is decoded at the model's
 * input size and channels, then split class by class into training ('train') and validation ('test') images;
 * its pixels stay in [0, 1] (normalization mean 0, std 1).
 */
export async function openDataset(nameOrFolder: string, options: OpenDatasetOptions): Promise<NamedDataset> {
  if (Object.hasOwn(DATASETS, nameOrFolder)) return DATASETS[nameOrFolder];
  if (!existsSync(nameOrFolder) && !nameOrFolder.includes('/') && !nameOrFolder.includes(sep)) {
    throw new Error(`openDataset: unknown dataset '${nameOrFolder}'; available: ${datasetNames().join(', ')}, or a folder with one sub-folder of images per class`);
  }
  if (!(options.valFraction > 0 && options.valFraction < 1)) throw new Error(`openDataset: valFraction must lie strictly between 0 and 1, got ${options.valFraction}`);
  const [height, width, channels] = options.inputShape;
  if (channels !== 1 && channels !== 3) throw new Error(`openDataset: a folder of images gives 1 (gray) or 3 (RGB) channels, but the model reads ${channels}`);
  const folder = await ImageFolder.load(nameOrFolder, { size: [height, width], channels });
  const { train, val } = folder.trainValSplit(options.valFraction, new Generator(options.seed));
  if (val.length === 0 || train.length === 0) {
    throw new Error(
      `openDataset: '${nameOrFolder}' has too few images (${folder.length} in ${folder.classes.length} classes) for valFraction ${options.valFraction}: ` +
        `the ${val.length === 0 ? 'validation' : 'training'} split is empty`,
    );
  }
  const splits = { train, test: val };
  return {
    name: nameOrFolder,
    classes: folder.classes,
    inputShape: [height, width, channels],
    normalization: { mean: 0, std: 1 },
    heldOut: 'validation',
    load: (split, limit) => firstOf(splits[split], limit),
  };
}

function firstOf(subset: Subset, limit: number | undefined): Dataset {
  return limit === undefined || limit >= subset.length ? subset : new Subset(subset, Array.from({ length: limit }, (_, i) => i));
}
