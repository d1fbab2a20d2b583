// convkit detect predict <image...> --model <name|weights> [--conf 0.25] [--iou 0.45] [--size N] [--tile N]
// [--out file] [--json]: boxes in each image's own pixels; --out draws them (labelled) into a PNG or JPEG.
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { setNumThreads } from 'convkit';
import { detect, drawDetections } from 'convkit/detect';
import { PRETRAINED_DETECTORS, loadYoloDetector, readRawImage, writeImage } from 'convkit/node';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { positiveInteger } from '../options.js';

interface DetectPredictOptions {
  model: string;
  conf: number;
  iou: number;
  size?: number;
  tile?: number;
  out?: string;
  workers?: number;
  backend: BackendChoice;
  json?: boolean;
}

export function detectPredictCommand(): Command {
  return new Command('predict')
    .description('detect objects in images with a pretrained detector or one trained by convkit detect train')
    .argument('<image...>', 'image files (PNG, JPEG, WebP, ...)')
    .requiredOption('--model <name|weights>', `a pretrained detector (${Object.keys(PRETRAINED_DETECTORS).join(', ')}) or a file written by convkit detect train`)
    .option('--conf <x>', 'keep detections scoring above this', unitFraction, 0.25)
    .option('--iou <x>', 'NMS IoU threshold', unitFraction, 0.45)
    .option('--size <px>', "network input side, a multiple of the detector's stride (default: the detector's own)", positiveInteger)
    .option('--tile <px>', 'also detect in overlapping square tiles of this many image pixels, merged by NMS (large photos, small objects)', positiveInteger)
    .option('--out <file>', 'draw the labelled boxes into this image (with several images: a folder, one PNG each)')
    .option('--workers <n>', 'compute threads (default: one per core)', positiveInteger)
    .option('--backend <name>', BACKEND_CHOICES.join(' | '), 'auto')
    .option('--json', 'end with one JSON line: {"images":[{"path","width","height","detections":[{"box":[x1,y1,x2,y2],"score","classId","label"}]}]}')
    .action(async (paths: string[], options: DetectPredictOptions) => {
      await selectBackend(options.backend);
      if (options.workers !== undefined) setNumThreads(options.workers);
      const detector = await loadYoloDetector(options.model);
      if (options.out && paths.length > 1) mkdirSync(options.out, { recursive: true });
      const images = [];
      for (const path of paths) {
        const image = await readRawImage(path, { channels: 3 });
        const detections = detect(detector, image, { conf: options.conf, iou: options.iou, size: options.size, tile: options.tile });
        process.stdout.write(`${path}: ${image.width}x${image.height}, ${detections.length} detection${detections.length === 1 ? '' : 's'}\n`);
        for (const d of detections) process.stdout.write(`  ${d.label} ${d.score.toFixed(3)} [${d.box.map((v) => v.toFixed(1)).join(', ')}]\n`);
        if (options.out) {
          const target = paths.length > 1 ? join(options.out, `${basename(path, extname(path))}.png`) : options.out;
          await writeImage(target, drawDetections(image, detections));
          process.stdout.write(`  drawn to ${target}\n`);
        }
        images.push({ path, width: image.width, height: image.height, detections: detections.map(({ box, score, classId, label }) => ({ box, score, classId, label })) });
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ images })}\n`);
    });
}

function unitFraction(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x < 1)) throw new InvalidArgumentError('Expected a number from 0 up to (not including) 1.');
  return x;
}
