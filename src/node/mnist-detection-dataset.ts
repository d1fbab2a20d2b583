// A detection dataset that needs no download, written in the Ultralytics layout so users see the format on
// real files: out/images/{train,val}/*.jpg (JPEG quality 90: a tenth of PNG on textured scenes), out/labels/{train,val}/*.txt and out/data.yaml. Training scenes
// paste MNIST training digits, validation scenes MNIST test digits (never seen in training). data.yaml is
// written last, so a run cut short leaves a folder the loaders refuse rather than a partial dataset.
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { digitScene, digitSceneOptions, type DigitSceneOptions } from '../detect/digit-scenes.js';
import { formatYoloLabels } from '../detect/yolo-labels.js';
import { MNIST_CLASSES } from '../data/mnist-family.js';
import { forEachConcurrently } from '../util/concurrently.js';
import { Generator } from '../util/random.js';
import { atomicWriteFile } from './atomic-write.js';
import { loadMnist } from './datasets.js';
import { writeImage } from './image-io.js';

export interface MnistDetectionOptions extends DigitSceneOptions {
  /** Training images (default 5000). */
  train?: number;
  /** Validation images (default 500). */
  val?: number;
  /** Seeds every scene (default 0): the same seed and options write the same files. */
  seed?: number;
  /** Called after each image is written, with the count so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface MnistDetectionSummary {
  /** The data.yaml written. */
  dataYaml: string;
  images: { train: number; val: number };
  /** Digits (objects) per split. */
  instances: { train: number; val: number };
}

const encoder = new TextEncoder();

/** The data.yaml text: the root as an absolute path (Ultralytics resolves a relative one against its own datasets folder). */
function dataYamlText(root: string): string {
  return [
    '# MNIST digits pasted onto procedural textures (convkit detect make-dataset mnist).',
    `path: ${JSON.stringify(root)}`,
    'train: images/train',
    'val: images/val',
    `names: [${MNIST_CLASSES.map((name) => JSON.stringify(name)).join(', ')}]`,
    '',
  ].join('\n');
}

async function checkEmpty(out: string): Promise<void> {
  const entries = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new Error(`makeMnistDetectionDataset: cannot read '${out}': ${error.message}`, { cause: error });
  });
  if (entries.length > 0) throw new Error(`makeMnistDetectionDataset: '${out}' is not empty (${entries.length} entries); give a new or empty folder`);
}

/** Write train and val splits of digit scenes to `out` (a new or empty folder). */
export async function makeMnistDetectionDataset(out: string, options: MnistDetectionOptions = {}): Promise<MnistDetectionSummary> {
  const { train = 5000, val = 500, seed = 0, onProgress, ...scene } = options;
  for (const [name, value] of [['train', train], ['val', val]] as const) {
    if (!(Number.isInteger(value) && value >= 0)) throw new Error(`makeMnistDetectionDataset: ${name} must be a whole number of images, got ${value}`);
  }
  if (train + val === 0) throw new Error('makeMnistDetectionDataset: train and val are both 0; ask for some images');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`makeMnistDetectionDataset: seed must be a non-negative integer, got ${seed}`);
  digitSceneOptions(scene); // checked before anything touches the disk
  const root = resolve(out);
  await checkEmpty(root);
  const base = new Generator(seed);
  const splits = [
    { name: 'train', count: train, mnist: 'train' as const, generator: base.fork() },
    { name: 'val', count: val, mnist: 'test' as const, generator: base.fork() },
  ];
  const instances = { train: 0, val: 0 };
  let done = 0;
  for (const split of splits) {
    if (split.count === 0) continue;
    const mnist = loadMnist({ split: split.mnist });
    await mkdir(join(root, 'images', split.name), { recursive: true });
    await mkdir(join(root, 'labels', split.name), { recursive: true });
    // Scenes are drawn in order (the generator's stream fixes them); only the encoding and writing overlap.
    await forEachConcurrently(split.count, 4, async (i) => {
      const { image, labels } = digitScene(mnist.x, mnist.y.data, split.generator, scene);
      const stem = String(i).padStart(6, '0');
      await writeImage(join(root, 'images', split.name, `${stem}.jpg`), image, { quality: 90 });
      await atomicWriteFile(join(root, 'labels', split.name, `${stem}.txt`), encoder.encode(formatYoloLabels(labels)));
      instances[split.name as 'train' | 'val'] += labels.classes.length;
      onProgress?.(++done, train + val);
    });
  }
  const dataYaml = join(root, 'data.yaml');
  await atomicWriteFile(dataYaml, encoder.encode(dataYamlText(root)));
  return { dataYaml, images: { train, val }, instances };
}
