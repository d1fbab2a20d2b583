// The images a viz command scans: MNIST or Fashion-MNIST (test split) by name, or every image file under a
// folder (recursively, sorted by path), decoded at the model's input size and channels; pixels in [0, 1].
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { stack } from '../ops/movement.js';
import { loadFashionMnist, loadMnist } from './datasets.js';
import { IMAGE_EXTENSIONS } from './image-folder.js';
import { readImage } from './image-io.js';
import { listFiles } from './list-files.js';

export interface VizImages {
  /** [N, H, W, C] in [0, 1]. */
  images: Tensor;
  /** What image i is: 'mnist test #i' or its path. */
  names: string[];
}

/** Up to `limit` images from a data set name or a folder, at [H, W, C]. */
export async function loadVizImages(source: string, inputShape: readonly [number, number, number], options: { limit?: number } = {}): Promise<VizImages> {
  const { limit } = options;
  const [h, w, c] = inputShape;
  if (source === 'mnist' || source === 'fashion-mnist') {
    if (h !== 28 || w !== 28 || c !== 1) throw new Error(`loadVizImages: ${source} images are 28x28x1 but the model reads ${inputShape.join('x')}`);
    const { x } = (source === 'mnist' ? loadMnist : loadFashionMnist)({ split: 'test', limit, normalize: false });
    return { images: x, names: Array.from({ length: x.shape[0] }, (_, i) => `${source} test #${i}`) };
  }
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new Error(`loadVizImages: '${source}' is neither mnist, fashion-mnist nor a folder of images`);
  }
  if (c !== 1 && c !== 3) throw new Error(`loadVizImages: images decode to 1 or 3 channels, but the model reads ${c}`);
  const extensions = new Set<string>(IMAGE_EXTENSIONS);
  const files = (await listFiles(source)).filter((f) => extensions.has(extname(f).toLowerCase())).slice(0, limit);
  if (files.length === 0) throw new Error(`loadVizImages: no images (${IMAGE_EXTENSIONS.join(', ')}) under '${source}'`);
  const images: Tensor[] = [];
  for (const file of files) images.push(await readImage(file, { size: [h, w], channels: c, fit: 'cover' }));
  return { images: stack(images), names: files };
}
