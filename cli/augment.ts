// convkit augment image.png --out grid.png: a grid of augmented copies of one image, so a user can see
// what the augmentation pipeline does to their data before training on it.
import { type Command, InvalidArgumentError } from 'commander';
import { augmentPreview } from 'convkit/data';
import { readImage, writeImage } from 'convkit/node';
import { nonNegativeInteger, positiveInteger } from './options.js';

/** Large photos are shrunk to fit this box unless --size says otherwise (16 copies of a 12 MP photo would crawl). */
const DEFAULT_MAX_SIDE = 256;

interface AugmentOptions {
  out: string;
  n: number;
  seed: number;
  size?: [number, number];
  nrow?: number;
}

/** "HxW" -> [H, W]. */
function heightByWidth(value: string): [number, number] {
  const parts = value.toLowerCase().split('x');
  if (parts.length !== 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new InvalidArgumentError('Expected HxW with positive integers, e.g. 64x64 or 224x224.');
  }
  return parts.map(Number) as [number, number];
}

export function registerAugmentCommand(program: Command): Command {
  return program
    .command('augment')
    .description('write a grid of randomly augmented copies of an image (flip, affine warp, colour jitter, erasing)')
    .argument('<image>', 'input image (PNG, JPEG, WebP, ...)')
    .requiredOption('--out <file>', 'output grid image (.png or .jpg), written atomically')
    .option('--n <count>', 'number of augmented copies', positiveInteger, 16)
    .option('--seed <seed>', 'random seed; the same seed gives the same grid', nonNegativeInteger, 0)
    .option('--size <HxW>', `resize the input to HxW first (default: shrink to fit ${DEFAULT_MAX_SIDE}x${DEFAULT_MAX_SIDE}, keeping the aspect)`, heightByWidth)
    .option('--nrow <count>', 'copies per grid row (default: a near-square grid)', positiveInteger)
    .action(async (imagePath: string, options: AugmentOptions) => {
      const image = options.size
        ? await readImage(imagePath, { channels: 3, size: options.size, fit: 'fill' })
        : await readImage(imagePath, { channels: 3, size: [DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE], fit: 'inside' });
      const grid = augmentPreview(image, { n: options.n, seed: options.seed, nrow: options.nrow });
      await writeImage(options.out, grid);
      const [height, width] = image.shape;
      process.stdout.write(`wrote ${options.out}: ${options.n} augmented copies of ${imagePath} (${height}x${width} each, seed ${options.seed})\n`);
    });
}
