// The data sets the command line knows by name, and folders of class sub-folders. Each says how to load a
// split, its classes, the input shape and the normalisation its images get, which is stored with trained
// weights so that eval and predict prepare images exactly as training did.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { type Dataset, Subset } from '../src/data/dataset.js';
import type { Normalization } from '../src/data/idx-dataset.js';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_NORMALIZATION, MNIST_CLASSES, MNIST_NORMALIZATION, loadFashionMnist, loadMnist } from '../src/node/datasets.js';
import { ImageFolder } from '../src/node/image-folder.js';
import { ClassSubset } from '../src/train/transfer.js';
import { Generator } from '../src/util/random.js';

export type Split = 'train' | 'test';

export interface CliDataset {
  name: string;
  classes: readonly string[];
  /** [height, width, channels] of its images. */
  inputShape: [number, number, number];
  normalization: Normalization;
  /** What the held-out split is: the data set's own test set, or a validation split of a folder. */
  heldOut: 'test' | 'validation';
  load(split: Split, limit?: number): Dataset;
}

const DATASETS: Readonly<Record<string, CliDataset>> = {
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

export function datasetNames(): string[] {
  return Object.keys(DATASETS);
}

export function getDataset(name: string): CliDataset {
  const found = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (!found) throw new Error(`unknown dataset '${name}'; available: ${datasetNames().join(', ')}`);
  return found;
}

export interface OpenDatasetOptions {
  /** [height, width, channels] the model reads: a folder's images are decoded to it. */
  inputShape: [number, number, number];
  /** Share of each class a folder keeps for validation. */
  valFraction: number;
  /** Seeds the folder's train/validation split. */
  seed: number;
}

/**
 * A named data set, or a folder with one sub-folder of images per class. A folder is decoded at the model's
 * input size and channels, then split class by class into training ('train') and validation ('test') images.
 */
export async function openDataset(nameOrFolder: string, options: OpenDatasetOptions): Promise<CliDataset> {
  if (Object.hasOwn(DATASETS, nameOrFolder)) return DATASETS[nameOrFolder];
  if (!existsSync(nameOrFolder) && !nameOrFolder.includes('/') && !nameOrFolder.includes(sep)) {
    throw new Error(`unknown dataset '${nameOrFolder}'; available: ${datasetNames().join(', ')}, or a folder with one sub-folder of images per class`);
  }
  if (!(options.valFraction > 0 && options.valFraction < 1)) throw new Error(`--val-fraction must lie strictly between 0 and 1, got ${options.valFraction}`);
  const [height, width, channels] = options.inputShape;
  if (channels !== 1 && channels !== 3) throw new Error(`a folder of images gives 1 (gray) or 3 (RGB) channels, but the model reads ${channels}`);
  const folder = await ImageFolder.load(nameOrFolder, { size: [height, width], channels });
  const { train, val } = folder.trainValSplit(options.valFraction, new Generator(options.seed));
  if (val.length === 0 || train.length === 0) {
    throw new Error(
      `'${nameOrFolder}' has too few images (${folder.length} in ${folder.classes.length} classes) for --val-fraction ${options.valFraction}: ` +
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

/**
 * Keep some classes (a list of names, indices and ranges such as "5-9" or "cat,dog"), relabelled 0..k-1 in
 * that order, and at most perClass training images of each (the first ones; the held-out split keeps all).
 */
export function selectClasses(dataset: CliDataset, selection: string | undefined, perClass: number | undefined): CliDataset {
  if (selection === undefined && perClass === undefined) return dataset;
  const indices = selection === undefined ? dataset.classes.map((_, i) => i) : parseClassSelection(selection, dataset.classes);
  return {
    ...dataset,
    classes: indices.map((i) => dataset.classes[i]),
    load: (split, limit) => new ClassSubset(dataset.load(split, limit), indices, { perClass: split === 'train' ? perClass : undefined }),
  };
}

/** "5-9", "0,2,4", "cat,dog" -> class indices; a class's name wins over reading it as an index. */
export function parseClassSelection(selection: string, classes: readonly string[]): number[] {
  const indices: number[] = [];
  const bad = (item: string, why: string): Error =>
    new Error(`--classes: ${why} in '${selection}' (item '${item}'); give class names or indices 0..${classes.length - 1}, e.g. 5-9 or 0,2,4; classes: ${classes.join(', ')}`);
  for (const raw of selection.split(',')) {
    const item = raw.trim();
    const byName = classes.indexOf(item);
    const range = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (byName >= 0) indices.push(byName);
    else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
      if (to < from) throw bad(item, 'a range that runs backwards');
      if (to >= classes.length) throw bad(item, `index ${to} is out of range`);
      for (let i = from; i <= to; i++) indices.push(i);
    } else throw bad(item, 'not a class name, an index or a range');
  }
  const repeated = indices.filter((c, k) => indices.indexOf(c) !== k);
  if (repeated.length) throw new Error(`--classes: '${selection}' selects class ${classes[repeated[0]]} twice`);
  return indices;
}
