// ImageFolder: images laid out one sub-folder per class (root/cat/001.jpg, root/dog/002.png), as users
// keep their photos and as torchvision reads them. Class names are the sorted sub-folder names.
//
// sharp decodes asynchronously but Dataset.get is synchronous, so `await ImageFolder.load(...)` decodes
// (and resizes) every image once, checking them all before returning anything. The decoded pixels are
// cached as 8-bit values in one buffer: N * H * W * C bytes (10,000 RGB images at 224x224 take 1.5 GB,
// at 64x64 120 MB), a quarter of float32. Float tensors in [0, 1] are made lazily, per get/getBatch.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { type Generator, defaultGenerator } from '../util/random.js';
import { type Batch, type Dataset, type Indices, type Sample, Subset, checkIndex } from '../data/dataset.js';
import type { RawImage } from '../data/image.js';
import { readRawImage } from './image-io.js';
import { listFiles } from './list-files.js';
import { forEachConcurrently } from '../util/concurrently.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'] as const;

export interface ImageFolderOptions {
  /** Resize every image to [height, width]; without it every image must already have the same size. */
  size?: readonly [number, number];
  /** 3 = RGB (default), 1 = gray (BT.601 luma). */
  channels?: 1 | 3;
  /** How images fit `size`: 'fill' stretches (default, torchvision's Resize((h, w))), 'cover' crops to keep the aspect. */
  fit?: 'fill' | 'cover';
  /** File extensions to read, case-insensitive (default: IMAGE_EXTENSIONS). Other files are ignored. */
  extensions?: readonly string[];
  /** Images decoded at the same time (default 4; sharp decodes on libuv's thread pool). */
  concurrency?: number;
}

export interface ImageFolderSample {
  path: string;
  label: number;
}

export class ImageFolder implements Dataset {
  readonly root: string;
  /** Sorted class names; label i is classes[i]. */
  readonly classes: readonly string[];
  readonly classToIndex: ReadonlyMap<string, number>;
  /** Every image file with its label, class by class, files sorted within a class. */
  readonly samples: readonly ImageFolderSample[];
  /** Label of each sample. */
  readonly targets: Int32Array;
  /** [height, width, channels] of every image. */
  readonly imageShape: readonly [number, number, number];
  private readonly pixels: Uint8Array;

  private constructor(root: string, classes: string[], samples: ImageFolderSample[], imageShape: [number, number, number], pixels: Uint8Array) {
    this.root = root;
    this.classes = Object.freeze(classes);
    this.classToIndex = new Map(classes.map((name, i) => [name, i]));
    this.samples = Object.freeze(samples);
    this.targets = Int32Array.from(samples, (s) => s.label);
    this.imageShape = Object.freeze(imageShape);
    this.pixels = pixels;
  }

  /** Scan root, decode every image into the cache, and return the dataset; throws (building nothing) on any bad file. */
  static async load(root: string, options: ImageFolderOptions = {}): Promise<ImageFolder> {
    const { channels = 3, concurrency = 4 } = options;
    if (channels !== 1 && channels !== 3) throw new Error(`ImageFolder: channels must be 1 or 3, got ${channels}`);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`ImageFolder: concurrency must be a positive integer, got ${concurrency}`);
    const extensions = normalizeExtensions(options.extensions ?? IMAGE_EXTENSIONS);
    const classes = await classFolders(root);
    const samples: ImageFolderSample[] = [];
    const emptyClasses: string[] = [];
    for (const [label, name] of classes.entries()) {
      const files = (await listFiles(join(root, name))).filter((file) => extensions.has(extname(file).toLowerCase()));
      if (files.length === 0) emptyClasses.push(join(root, name));
      for (const path of files) samples.push({ path, label });
    }
    if (emptyClasses.length > 0) {
      throw new Error(
        `ImageFolder: class folder${emptyClasses.length > 1 ? 's' : ''} ${emptyClasses.map((p) => `'${p}'`).join(', ')} ` +
          `ha${emptyClasses.length > 1 ? 've' : 's'} no images (extensions read: ${[...extensions].join(', ')})`,
      );
    }
    const decode = async (path: string): Promise<RawImage> => {
      try {
        return await readRawImage(path, { channels, size: options.size, fit: options.fit });
      } catch (error) {
        throw new Error(`ImageFolder: ${(error as Error).message}`, { cause: error });
      }
    };
    // The first image fixes the shape (when no size is given), so the cache is allocated once, at its final size.
    const first = await decode(samples[0].path);
    const imageShape: [number, number, number] = [first.height, first.width, first.channels];
    const imageBytes = first.data.length;
    const pixels = new Uint8Array(samples.length * imageBytes);
    pixels.set(first.data, 0);
    await forEachConcurrently(samples.length - 1, concurrency, async (k) => {
      const index = k + 1;
      const image = await decode(samples[index].path);
      if (image.height !== first.height || image.width !== first.width) {
        throw new Error(
          `ImageFolder: '${samples[index].path}' is ${image.width}x${image.height} but '${samples[0].path}' is ` +
            `${first.width}x${first.height}; pass { size: [height, width] } to resize every image`,
        );
      }
      pixels.set(image.data, index * imageBytes);
    });
    return new ImageFolder(root, classes, samples, imageShape, pixels);
  }

  get length(): number {
    return this.samples.length;
  }

  /** Bytes held by the decoded-image cache. */
  get cacheBytes(): number {
    return this.pixels.byteLength;
  }

  /** x: float32 [H, W, C] in [0, 1]; y: int32 scalar label. */
  get(index: number): Sample {
    checkIndex(index, this.length, 'ImageFolder.get');
    return { x: new Tensor(this.toFloat([index]), this.imageShape), y: new Tensor(Int32Array.of(this.targets[index]), []) };
  }

  /** x: float32 [B, H, W, C] in [0, 1]; y: int32 [B]. */
  getBatch(indices: Indices): Batch {
    for (let i = 0; i < indices.length; i++) checkIndex(indices[i], this.length, 'ImageFolder.getBatch');
    const y = Int32Array.from(indices, (i) => this.targets[i]);
    return { x: new Tensor(this.toFloat(indices), [indices.length, ...this.imageShape]), y: new Tensor(y, [indices.length]) };
  }

  /**
   * Split into training and validation subsets, class by class (round(count * valFraction) of each class
   * go to validation), so both keep the class balance. Seeded by `generator`.
   */
  trainValSplit(valFraction: number, generator: Generator = defaultGenerator()): { train: Subset; val: Subset } {
    if (!(valFraction >= 0 && valFraction < 1)) throw new Error(`ImageFolder.trainValSplit: valFraction must lie in [0, 1), got ${valFraction}`);
    const train: number[] = [];
    const val: number[] = [];
    const byClass: number[][] = this.classes.map(() => []);
    this.targets.forEach((label, i) => byClass[label].push(i));
    for (const members of byClass) {
      generator.shuffle(members);
      const valCount = Math.round(members.length * valFraction);
      val.push(...members.slice(0, valCount));
      train.push(...members.slice(valCount));
    }
    const ascending = (a: number, b: number): number => a - b;
    return { train: new Subset(this, train.sort(ascending)), val: new Subset(this, val.sort(ascending)) };
  }

  private toFloat(indices: Indices): Float32Array {
    const imageBytes = this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
    const out = new Float32Array(indices.length * imageBytes);
    for (let b = 0; b < indices.length; b++) {
      const from = indices[b] * imageBytes;
      const offset = b * imageBytes;
      for (let i = 0; i < imageBytes; i++) out[offset + i] = this.pixels[from + i] / 255;
    }
    return out;
  }
}

function normalizeExtensions(extensions: readonly string[]): Set<string> {
  if (extensions.length === 0) throw new Error('ImageFolder: extensions must not be empty');
  return new Set(extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase()));
}

/** Sorted names of root's sub-folders (hidden ones, like .ipynb_checkpoints, skipped). */
async function classFolders(root: string): Promise<string[]> {
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    throw new Error(`ImageFolder: root folder '${root}' cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (!info.isDirectory()) throw new Error(`ImageFolder: root '${root}' is a file, not a folder of class folders`);
  const entries = await readdir(root, { withFileTypes: true });
  const classes = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (classes.length === 0) {
    throw new Error(`ImageFolder: '${root}' has no class folders; put each class's images in its own sub-folder (root/cat/1.png, root/dog/2.png)`);
  }
  return classes;
}
