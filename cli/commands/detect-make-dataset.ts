// convkit detect make-dataset mnist --out dir [--train 5000] [--val 500] [--size 160] [--seed 0]: MNIST digits
// on procedural textures, written in the Ultralytics layout (images/, labels/, data.yaml).
import { Command, InvalidArgumentError } from 'commander';
import { makeMnistDetectionDataset } from 'convkit/node';
import { nonNegativeInteger, positiveInteger } from '../options.js';

const KINDS = ['mnist'];

interface MakeDatasetOptions {
  out: string;
  train: number;
  val: number;
  size: number;
  maxObjects: number;
  seed: number;
}

export function detectMakeDatasetCommand(): Command {
  return new Command('make-dataset')
    .description('write a synthetic detection dataset that needs no download, in the Ultralytics format')
    .argument('<kind>', `what to paste: ${KINDS.join(', ')}`, (value: string) => {
      if (!KINDS.includes(value)) throw new InvalidArgumentError(`Expected one of: ${KINDS.join(', ')}.`);
      return value;
    })
    .requiredOption('--out <dir>', 'a new or empty folder for images/, labels/ and data.yaml')
    .option('--train <n>', 'training images', nonNegativeInteger, 5000)
    .option('--val <n>', 'validation images', nonNegativeInteger, 500)
    .option('--size <px>', 'side of the square images', positiveInteger, 160)
    .option('--max-objects <n>', 'most digits per image', positiveInteger, 4)
    .option('--seed <n>', 'seeds every scene: the same seed writes the same files', nonNegativeInteger, 0)
    .action(async (_kind: string, options: MakeDatasetOptions) => {
      const total = options.train + options.val;
      const step = Math.max(1, Math.round(total / 10));
      const summary = await makeMnistDetectionDataset(options.out, {
        train: options.train,
        val: options.val,
        size: options.size,
        maxObjects: options.maxObjects,
        seed: options.seed,
        onProgress: (done) => {
          if (done % step === 0 || done === total) process.stderr.write(`${done}/${total} images\n`);
        },
      });
      const { images, instances } = summary;
      process.stdout.write(`wrote ${images.train} training images (${instances.train} digits) and ${images.val} validation images (${instances.val} digits)\n${summary.dataYaml}\n`);
    });
}
