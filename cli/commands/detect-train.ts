// convkit detect train --data data.yaml --epochs N --out det.safetensors: train a TinyYolo from scratch on an
// Ultralytics-format dataset, with anchors by k-means over its training boxes, a progress bar (loss terms,
// images/s, ETA), the validation mAP after every epoch, a checkpoint after every epoch and --resume.
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { getNumThreads, manualSeed, setNumThreads } from 'convkit';
import { DataLoader, trainingCurves, trainingLogOf } from 'convkit/data';
import { Adam } from 'convkit/optim';
import type { Callback } from 'convkit/train';
import {
  AugmentedDetectionDataset, TinyYolo, checkDetectorInfo, detectionSchedule, detectorInfoOf, kmeansAnchors, trainDetector,
  type DetectionAugmentOptions, type DetectorInfo,
} from 'convkit/detect';
import { ModelCheckpoint, ProgressBar, formatDuration, jsonLog, loadTrainingState, loadYoloDataset, saveDetector, chartFormatOf, writeChart } from 'convkit/node';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { nonNegativeInteger, positiveInteger, positiveNumber } from '../options.js';

/** Defaults; with --size 128 and --time 20 on 20000 synthetic MNIST images they reached val mAP50 0.919 (bench/results/detect-mnist). */
export const DETECT_TRAIN_DEFAULTS = {
  size: 160, batch: 16, lr: 2e-3, lrf: 0.01, warmupEpochs: 0.5, width: 0.5, depth: 4, anchors: 5,
  mosaic: 0.5, scale: 0.5, translate: 0.1, hsv: [0.015, 0.7, 0.4] as [number, number, number], fliplr: 0,
} as const;

interface DetectTrainOptions {
  data: string;
  epochs: number;
  time?: number;
  timeClock: 'wall' | 'cpu';
  out: string;
  size: number;
  batch: number;
  lr: number;
  lrf: number;
  warmupEpochs: number;
  width: number;
  depth: number;
  anchors: number;
  loss: 'region' | 'modern';
  seed: number;
  limit?: number;
  valLimit?: number;
  workers?: number;
  checkpoint?: string;
  resume?: boolean;
  log?: string;
  plot?: string;
  augment?: boolean;
  mosaic: number;
  scale: number;
  translate: number;
  hsv: [number, number, number];
  fliplr: number;
  backend: BackendChoice;
  progress: boolean;
  json?: boolean;
}

export function detectTrainCommand(): Command {
  return new Command('train')
    .description('train a Tiny-YOLOv2-like detector from scratch on an Ultralytics dataset (data.yaml), reporting each loss term and the validation mAP per epoch')
    .requiredOption('--data <file>', 'the dataset description (data.yaml with path, train, val, names)')
    .requiredOption('--out <file>', 'write the trained detector here (safetensors with its labels, anchors and input size)')
    .option('--epochs <n>', 'passes over the training images', positiveInteger, 10)
    .option('--time <minutes>', 'train for at most this many minutes: the learning-rate schedule spans them (or --epochs, whichever ends first) and training stops when they are spent, mid-epoch if need be', positiveNumber)
    .option('--time-clock <clock>', "what --time counts: wall (elapsed time) | cpu (this process's CPU time over the compute threads: minutes of that many dedicated cores, for a shared machine)", timeClock, 'wall')
    .option('--size <n>', 'input side in pixels (images are letterboxed to it; a multiple of 2^depth)', positiveInteger, DETECT_TRAIN_DEFAULTS.size)
    .option('--batch <n>', 'images per optimiser step', positiveInteger, DETECT_TRAIN_DEFAULTS.batch)
    .option('--lr <x>', 'Adam learning rate, after a linear warm-up and decayed by a cosine schedule', positiveNumber, DETECT_TRAIN_DEFAULTS.lr)
    .option('--lrf <x>', 'the final learning rate as a fraction of --lr (Ultralytics\' lrf)', unitFraction, DETECT_TRAIN_DEFAULTS.lrf)
    .option('--warmup-epochs <x>', 'epochs of linear learning-rate warm-up from 0.1 x --lr (fractions allowed)', nonNegativeNumber, DETECT_TRAIN_DEFAULTS.warmupEpochs)
    .option('--width <x>', 'multiplies every stage\'s filters (1: 16, 32, ..., as Tiny-YOLOv2)', positiveNumber, DETECT_TRAIN_DEFAULTS.width)
    .option('--depth <n>', 'pooled stages: the grid is size / 2^depth', positiveInteger, DETECT_TRAIN_DEFAULTS.depth)
    .option('--anchors <k>', 'anchors per cell, by k-means (1 - IoU) over the training boxes', positiveInteger, DETECT_TRAIN_DEFAULTS.anchors)
    .option('--loss <variant>', "region (Darknet's YOLOv2 loss) | modern (CIoU box, BCE objectness and classes)", lossVariant, 'region')
    .option('--seed <n>', 'seed for weights, anchors and shuffling', nonNegativeInteger, 0)
    .option('--limit <n>', 'train on the first n images only', positiveInteger)
    .option('--val-limit <n>', 'validate on the first n images only', positiveInteger)
    .option('--workers <n>', 'compute threads (default: one per core)', positiveInteger)
    .option('--checkpoint <file>', 'resumable checkpoint written after every epoch (default: <out>.ckpt)')
    .option('--resume', 'continue the run saved in the checkpoint (same data; the network is rebuilt from the checkpoint)')
    .option('--log <file>', 'append one JSON line per epoch (loss terms, valMAP50, valMAP50_95, lr, seconds) to this file')
    .option('--plot <file>', 'write the training curves (loss terms, validation mAP and learning rate per epoch) as a .png or .svg')
    .option('--augment', 'augment the training images, boxes moving with the pixels: mosaic, scale, shift, flip and colour jitter as the next options set them (off by default: on the synthetic MNIST set, more distinct images did better per minute)')
    .option('--mosaic <p>', 'probability of a mosaic of four training images (Ultralytics\' mosaic)', unitFraction, DETECT_TRAIN_DEFAULTS.mosaic)
    .option('--scale <x>', 'random zoom drawn from [1 - x, 1 + x] (Ultralytics\' scale)', scaleGain, DETECT_TRAIN_DEFAULTS.scale)
    .option('--translate <x>', 'random shift of up to x times the side along each axis (Ultralytics\' translate)', translateGain, DETECT_TRAIN_DEFAULTS.translate)
    .option('--hsv <h,s,v>', 'colour jitter gains of hue, saturation and value (Ultralytics\' hsv_h, hsv_s, hsv_v)', hsvGains, DETECT_TRAIN_DEFAULTS.hsv)
    .option('--fliplr <p>', 'probability of a left-right flip (0 by default: a flipped digit or letter is another glyph; 0.5 suits photographs, as Ultralytics)', unitFraction, DETECT_TRAIN_DEFAULTS.fliplr)
    .option('--backend <name>', BACKEND_CHOICES.join(' | '), 'auto')
    .option('--no-progress', 'no progress display')
    .option('--json', 'end with one JSON line holding the results (mAP50, mAP50_95, epochs, seconds, ...)')
    .action(async (options: DetectTrainOptions) => {
      await runDetectorTraining(options);
    });
}

function timeClock(value: string): 'wall' | 'cpu' {
  if (value !== 'wall' && value !== 'cpu') throw new InvalidArgumentError('Expected wall or cpu.');
  return value;
}

/** CPU time of the whole process (main thread and compute workers), in milliseconds. */
function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A clock that advances by the process's CPU time over `threads`: what `threads` dedicated cores would show. */
function cpuClock(threads: number): () => number {
  return () => cpuMilliseconds() / threads;
}

function unitFraction(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x <= 1)) throw new InvalidArgumentError('Expected a number from 0 to 1.');
  return x;
}

function nonNegativeNumber(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && Number.isFinite(x))) throw new InvalidArgumentError('Expected a non-negative number.');
  return x;
}

function scaleGain(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x < 1)) throw new InvalidArgumentError('Expected a number in [0, 1) (the zoom is drawn from [1 - x, 1 + x]).');
  return x;
}

function translateGain(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x <= 0.5)) throw new InvalidArgumentError('Expected a number from 0 to 0.5 (a share of the side).');
  return x;
}

function hsvGains(value: string): [number, number, number] {
  const parts = value.split(',').map((v) => Number(v));
  if (parts.length !== 3 || value.split(',').some((v) => v.trim() === '') || !(parts[0] >= 0 && parts[0] <= 0.5) || !(parts[1] >= 0 && parts[2] >= 0)) {
    throw new InvalidArgumentError('Expected three gains h,s,v (hue in [0, 0.5], saturation and value >= 0), e.g. 0.015,0.7,0.4.');
  }
  return parts as [number, number, number];
}

/** The augmentation the options ask for (Ultralytics' HSV gains as ColorJitter's hue, saturation and brightness). */
function augmentationOf(options: DetectTrainOptions): DetectionAugmentOptions {
  const [hue, saturation, brightness] = options.hsv;
  return { mosaic: options.mosaic, scale: options.scale, translate: options.translate, fliplr: options.fliplr, flipud: 0, colorJitter: { hue, saturation, brightness } };
}

function lossVariant(value: string): 'region' | 'modern' {
  if (value !== 'region' && value !== 'modern') throw new InvalidArgumentError('Expected region or modern.');
  return value;
}

async function runDetectorTraining(options: DetectTrainOptions): Promise<void> {
  const checkpoint = options.checkpoint ?? `${options.out}.ckpt`;
  if (options.plot) chartFormatOf(options.plot);
  if (options.resume && !existsSync(checkpoint)) throw new Error(`--resume: no checkpoint at '${checkpoint}'`);
  const started = Date.now();
  const backend = await selectBackend(options.backend);
  if (options.workers !== undefined) setNumThreads(options.workers);
  manualSeed(options.seed);
  const resumeFrom = options.resume ? await loadTrainingState(checkpoint) : undefined;
  // A resumed run rebuilds the network it checkpointed, whatever --size, --width, --depth or --anchors say now.
  const resumedInfo = resumeFrom ? checkDetectorInfo(resumeFrom.runInfo, `--resume: checkpoint '${checkpoint}' (its detector description)`) : undefined;
  const size = resumedInfo?.inputSize[0] ?? options.size;
  const depth = resumedInfo?.depth ?? options.depth;
  if (size % 2 ** depth !== 0) throw new Error(`--size ${size} must be a multiple of 2^depth = ${2 ** depth} (--depth ${depth})`);
  const train = await loadYoloDataset(options.data, 'train', { size, limit: options.limit });
  const val = await loadYoloDataset(options.data, 'val', { size, limit: options.valLimit });
  const labels = [...train.labels];
  if (resumedInfo && resumedInfo.labels.join('\n') !== labels.join('\n')) {
    throw new Error(`--resume: the checkpoint was trained on the classes ${resumedInfo.labels.join(', ')}, but '${options.data}' names ${labels.join(', ')}`);
  }
  const grid = size / 2 ** depth;
  const shapes = train.objects.flatMap((o) => o.boxes.map(([, , w, h]) => [w * grid, h * grid] as [number, number]));
  if (shapes.length === 0) throw new Error(`'${options.data}': the training images hold no objects; a detector needs labelled boxes to learn from`);
  const anchors = resumedInfo?.anchors ?? kmeansAnchors(shapes, options.anchors, { seed: options.seed }).anchors;
  const model = new TinyYolo({ numClasses: labels.length, anchors, width: resumedInfo?.width ?? options.width, depth });
  const info: DetectorInfo = detectorInfoOf(model, { labels, inputSize: [size, size], dataset: options.data });
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const loader = new DataLoader(options.augment ? new AugmentedDetectionDataset(train, { ...augmentationOf(options), seed: options.seed }) : train, { batchSize: options.batch, shuffle: true });
  const callbacks: Callback[] = [
    detectionSchedule(optimizer, {
      totalSteps: options.epochs * loader.length,
      warmupSteps: Math.round(options.warmupEpochs * loader.length),
      finalFactor: options.lrf,
      seconds: options.time === undefined ? undefined : options.time * 60,
      now: options.timeClock === 'cpu' ? cpuClock(getNumThreads()) : Date.now,
    }),
  ];
  if (options.progress) callbacks.push(new ProgressBar());
  if (options.log) callbacks.push(jsonLog(options.log));
  callbacks.push(new ModelCheckpoint(checkpoint, { runInfo: JSON.parse(JSON.stringify(info)) }));
  if (options.plot) callbacks.push(curvePlot(options.plot));
  const history = await trainDetector(model, loader, {
    epochs: options.epochs,
    optimizer,
    seed: options.seed,
    resumeFrom,
    callbacks,
    loss: { variant: options.loss },
    mapValidation: new DataLoader(val, { batchSize: 50 }),
    mapOptions: { labels },
  });
  await saveDetector(options.out, model, info);
  const last = history.epochs[history.epochs.length - 1];
  const report = {
    out: options.out,
    data: options.data,
    mAP50: last.valMAP50,
    mAP50_95: last.valMAP50_95,
    trainImages: train.length,
    valImages: val.length,
    epochs: history.epochs.length,
    stoppedEarly: history.stoppedEarly,
    size,
    width: info.width,
    depth,
    anchors,
    seconds: (Date.now() - started) / 1000,
    cpuSeconds: cpuMilliseconds() / 1000,
    threads: getNumThreads(),
    backend,
    history: history.epochs,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stdout.write(
    `detector on ${options.data}: val mAP50 ${last.valMAP50!.toFixed(4)} mAP50-95 ${last.valMAP50_95!.toFixed(4)} (${val.length} images) after ${report.epochs} epoch(s) ` +
      `on ${train.length} images in ${formatDuration(report.seconds)} [${backend} backend]\ndetector written to ${options.out}\n`,
  );
}

/** Redraws the training curves after every epoch, so the picture is there even if the run is stopped. */
function curvePlot(path: string): Callback {
  return { onEpochEnd: async (_logs, context) => void (await writeChart(path, trainingCurves(trainingLogOf(context.history)).spec)) };
}
