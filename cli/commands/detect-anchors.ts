// convkit detect anchors --data data.yaml -k 5 [--size 416] [--json]: k-means anchors (distance 1 - IoU) over
// a dataset's training boxes, in grid cells of the stated input size, as Darknet's cfg files write them.
import { Command } from 'commander';
import { datasetAnchors } from 'convkit/detect';
import { readYoloDataset, type DetectionSplit } from 'convkit/node';
import { nonNegativeInteger, positiveInteger } from '../options.js';

interface AnchorsOptions {
  data: string;
  k: number;
  size: number;
  stride: number;
  split: DetectionSplit;
  seed: number;
  json?: boolean;
}

export function detectAnchorsCommand(): Command {
  return new Command('anchors')
    .description("fit anchor shapes to a dataset's boxes by k-means with distance 1 - IoU, and report how well they fit")
    .requiredOption('--data <data.yaml>', 'an Ultralytics dataset description')
    .option('-k, --k <n>', 'number of anchors', positiveInteger, 5)
    .option('--size <px>', 'network input size each image is letterboxed to', positiveInteger, 416)
    .option('--stride <px>', 'pixels per grid cell (32 for YOLOv2)', positiveInteger, 32)
    .option('--split <name>', 'the split whose boxes are clustered (train, val or test)', 'train')
    .option('--seed <n>', 'seeds the k-means++ start', nonNegativeInteger, 0)
    .option('--json', 'print {"anchors","meanIoU","bestPossibleRecall"} as one JSON line')
    .action(async (options: AnchorsOptions) => {
      if (!['train', 'val', 'test'].includes(options.split)) throw new Error(`detect anchors: --split must be train, val or test, got '${options.split}'`);
      const dataset = await readYoloDataset(options.data, options.split);
      const fit = datasetAnchors(dataset.images, options.k, { size: options.size, stride: options.stride, seed: options.seed });
      const { anchors, meanIoU, bestPossibleRecall } = fit;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ anchors, meanIoU, bestPossibleRecall })}\n`);
        return;
      }
      const cells = options.size / options.stride;
      process.stdout.write(
        `${anchors.length} anchors for ${dataset.images.length} images at ${options.size} px (grid ${cells} x ${cells}), in grid cells:\n` +
          `anchors = ${anchors.map(([w, h]) => `${w.toFixed(4)},${h.toFixed(4)}`).join(',  ')}\n` +
          `mean IoU ${meanIoU.toFixed(4)}, best possible recall ${bestPossibleRecall.toFixed(4)}\n`,
      );
    });
}
