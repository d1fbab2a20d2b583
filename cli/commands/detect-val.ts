// convkit detect val det.safetensors --data data.yaml [--json] [--plot pr.png]: mAP50, mAP50-95 and per-class
// AP of a trained detector on a split of its dataset (COCO's rules), optionally the precision-recall curves.
import { Command, InvalidArgumentError } from 'commander';
import { setNumThreads } from 'convkit';
import { DataLoader } from 'convkit/data';
import { evaluateDetector, precisionRecallChart } from 'convkit/detect';
import { loadDetector, loadYoloDataset, writeChart } from 'convkit/node';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { positiveInteger } from '../options.js';

interface DetectValOptions {
  data: string;
  split: 'train' | 'val' | 'test';
  conf: number;
  iou: number;
  limit?: number;
  batch: number;
  workers?: number;
  plot?: string;
  backend: BackendChoice;
  json?: boolean;
}

export function detectValCommand(): Command {
  return new Command('val')
    .description('measure a trained detector: mAP50, mAP50-95 (COCO 101-point), per-class AP, precision and recall')
    .argument('<weights>', 'a detector written by convkit detect train')
    .requiredOption('--data <file>', 'the dataset description (data.yaml)')
    .option('--split <name>', 'train | val | test', splitName, 'val')
    .option('--conf <x>', 'drop detections scoring at or below this (low, so the whole precision-recall curve counts)', fraction, 0.001)
    .option('--iou <x>', 'NMS IoU threshold', fraction, 0.6)
    .option('--limit <n>', 'only the first n images', positiveInteger)
    .option('--batch <n>', 'images per forward pass', positiveInteger, 50)
    .option('--workers <n>', 'compute threads (default: one per core)', positiveInteger)
    .option('--plot <file>', 'write the precision-recall curves (IoU 0.5) as a .png or .svg')
    .option('--backend <name>', BACKEND_CHOICES.join(' | '), 'auto')
    .option('--json', 'end with one JSON line: {"mAP50","mAP50_95","perClass":[{"classId","label","ap50","ap50_95"}],"images","instances"}')
    .action(async (weights: string, options: DetectValOptions) => {
      await selectBackend(options.backend);
      if (options.workers !== undefined) setNumThreads(options.workers);
      const { model, info } = await loadDetector(weights);
      const dataset = await loadYoloDataset(options.data, options.split, { size: info.inputSize, limit: options.limit, channels: info.inChannels === 1 ? 1 : 3 });
      if (dataset.labels.join('\n') !== info.labels.join('\n')) {
        throw new Error(`'${weights}' detects ${info.labels.join(', ')} but '${options.data}' names ${dataset.labels.join(', ')}; validate on the dataset it was trained for`);
      }
      const started = Date.now();
      const result = await evaluateDetector(model, new DataLoader(dataset, { batchSize: options.batch }), { labels: info.labels, conf: options.conf, iou: options.iou });
      const seconds = (Date.now() - started) / 1000;
      if (options.plot) await writeChart(options.plot, precisionRecallChart(result));
      for (const c of result.perClass) {
        process.stdout.write(`${c.label.padEnd(12)} instances ${String(c.instances).padStart(6)}  P ${c.precision.toFixed(3)}  R ${c.recall.toFixed(3)}  AP50 ${c.ap50.toFixed(4)}  AP50-95 ${c.ap50_95.toFixed(4)}\n`);
      }
      process.stdout.write(
        `all: ${result.images} images, ${result.instances} instances, P ${result.precision.toFixed(3)} R ${result.recall.toFixed(3)} (conf ${result.confidence.toFixed(3)}), ` +
          `mAP50 ${result.mAP50.toFixed(4)} mAP50-95 ${result.mAP50_95.toFixed(4)} (${seconds.toFixed(1)}s)\n`,
      );
      if (options.json) {
        const perClass = result.perClass.map(({ classId, label, ap50, ap50_95 }) => ({ classId, label, ap50, ap50_95 }));
        process.stdout.write(`${JSON.stringify({ mAP50: result.mAP50, mAP50_95: result.mAP50_95, perClass, images: result.images, instances: result.instances })}\n`);
      }
    });
}

function splitName(value: string): 'train' | 'val' | 'test' {
  if (value !== 'train' && value !== 'val' && value !== 'test') throw new InvalidArgumentError('Expected train, val or test.');
  return value;
}

function fraction(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x <= 1)) throw new InvalidArgumentError('Expected a number from 0 to 1.');
  return x;
}
