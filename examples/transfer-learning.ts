// Transfer learning needs less labelled data: pretrain LeNet-5 on MNIST digits 0-4, then learn digits 5-9
// from only a few labelled images per class, and compare with the same network trained from scratch on them.
//   (a) every pretrained layer frozen, a new head (the last Linear) trained on top
//   (b) then every layer fine-tuned at a tenth of the learning rate
//   (a') only the convolutional features frozen: the whole classifier (fc1, fc2, new fc3) trained;
//   (b') then every layer fine-tuned at a tenth of the learning rate
//   (c) from scratch on the same images, for as many epochs as (a) and (b) together: at the transfer runs'
//       learning rate, and at the best of three chosen on the test set (which favours (c))
// Accuracy is on every test image of digits 5-9 (4,861), averaged over several random draws of the images.
// Run: node --import tsx examples/transfer-learning.ts   (SHOTS=50 DRAWS=1 for a quick look; CONVKIT_BACKEND=js
// for the reference kernels; LIMIT, TEST_LIMIT, HEAD_EPOCHS and FINE_TUNE_EPOCHS shrink it to a smoke run)
//
// Measured 2026-11-23 (2 cores, wasm backend, 3.5 min; pretraining reached 99.3% on the 0-4 test images),
// mean test accuracy on digits 5-9 over 3 draws:
//   per class   (a)     (b)     (a')    (b')    (c) best lr
//   10          69.6%   85.0%   90.9%   91.1%   87.7%
//   20          74.5%   88.5%   93.1%   93.1%   90.9%
//   50          81.6%   93.4%   95.8%   95.9%   94.9%
// Frozen conv features with 10 images per class match from-scratch training with 20 per class.
import { manualSeed } from '../src/index.js';
import { DataLoader, Subset, type Dataset } from '../src/data/index.js';
import type { StateDict } from '../src/nn/index.js';
import { loadMnist } from '../src/node/datasets.js';
import { lenet5 } from '../src/models/lenet.js';
import { Adam, CosineAnnealingLR } from '../src/optim/index.js';
import { evaluate, fit } from '../src/train/index.js';
import { ClassSubset, replaceHead, trainTransfer } from '../src/train/transfer.js';
import { getBackend } from '../src/backend/registry.js';
import { Generator } from '../src/util/random.js';

const PRETRAIN_EPOCHS = Number(process.env.PRETRAIN_EPOCHS ?? 2);
const SHOTS = (process.env.SHOTS ?? '10,20,50').split(',').map(Number); // labelled images per class
const DRAWS = Number(process.env.DRAWS ?? 3); // random draws of those images per setting
const HEAD_EPOCHS = Number(process.env.HEAD_EPOCHS ?? 20);
const FINE_TUNE_EPOCHS = Number(process.env.FINE_TUNE_EPOCHS ?? 20);
const LIMIT = process.env.LIMIT ? Number(process.env.LIMIT) : undefined; // first training images only (default all)
const TEST_LIMIT = process.env.TEST_LIMIT ? Number(process.env.TEST_LIMIT) : undefined; // first test images only
const TRANSFER_LR = 0.003; // fixed in advance, not tuned (fine-tuning uses 0.0003)
const SCRATCH_LRS = [1e-3, 3e-3, 1e-2];
const BATCH_SIZE = 16;
const PRETRAIN_CLASSES = [0, 1, 2, 3, 4];
const TARGET_CLASSES = [5, 6, 7, 8, 9];

const started = Date.now();
const seconds = (from: number): number => (Date.now() - from) / 1000;
const mnistTrain = loadMnist({ split: 'train', limit: LIMIT, normalize: true });
const mnistTest = loadMnist({ split: 'test', limit: TEST_LIMIT, normalize: true });
const testLoader = new DataLoader(new ClassSubset(mnistTest, TARGET_CLASSES), { batchSize: 500 });
const accuracyOf = async (model: Parameters<typeof evaluate>[0]): Promise<number> => (await evaluate(model, testLoader)).accuracy;

// 1. Pretrain on every training image of digits 0-4.
manualSeed(0);
const source = lenet5({ numClasses: 5 });
const sourceTrain = new ClassSubset(mnistTrain, PRETRAIN_CLASSES);
const pretrainOptimizer = new Adam(source.parameters(), { lr: 2e-3 });
const pretrainStart = Date.now();
await fit(source, new DataLoader(sourceTrain, { batchSize: 64, shuffle: true }), {
  epochs: PRETRAIN_EPOCHS,
  optimizer: pretrainOptimizer,
  scheduler: new CosineAnnealingLR(pretrainOptimizer, PRETRAIN_EPOCHS),
  seed: 0,
});
const sourceTest = new DataLoader(new ClassSubset(mnistTest, PRETRAIN_CLASSES), { batchSize: 500 });
const sourceAccuracy = (await evaluate(source, sourceTest)).accuracy;
console.log(
  `pretrained LeNet-5 on ${sourceTrain.length} images of digits 0-4 (${PRETRAIN_EPOCHS} epochs, ${seconds(pretrainStart).toFixed(0)}s): ` +
    `${pct(sourceAccuracy)} on their test images [${getBackend().name} backend]`,
);
const pretrained: StateDict = Object.fromEntries(Object.entries(source.stateDict()).map(([name, t]) => [name, t.clone()]));

/** n training images of each of digits 5-9, drawn at random (draw k uses the same images in every setting). */
function fewShot(perClass: number, draw: number): Dataset {
  const order = Int32Array.from(mnistTrain.y.data.keys());
  new Generator(1000 + draw).shuffle(order);
  return new ClassSubset(new Subset(mnistTrain, order), TARGET_CLASSES, { perClass });
}

/**
 * The pretrained body with a new head, `freeze` frozen (default: all but the head) for the head phase, then
 * optionally fine-tuned; the accuracy after each phase.
 */
async function transfer(data: Dataset, seed: number, options: { freeze?: string[]; fineTuneEpochs: number }): Promise<number[]> {
  manualSeed(seed);
  const model = lenet5({ numClasses: 5 });
  model.loadStateDict(pretrained);
  replaceHead(model, TARGET_CLASSES.length);
  const accuracies: number[] = [];
  await trainTransfer(model, new DataLoader(data, { batchSize: BATCH_SIZE, shuffle: true }), {
    headEpochs: HEAD_EPOCHS,
    fineTuneEpochs: options.fineTuneEpochs,
    lr: TRANSFER_LR,
    freeze: options.freeze,
    scheduler: (optimizer, epochs) => new CosineAnnealingLR(optimizer, epochs),
    callbacks: [{ onTrainEnd: async () => void accuracies.push(await accuracyOf(model)) }],
    seed,
  });
  return accuracies;
}

/** (c): a fresh network on the same images for the same number of epochs; the accuracy at each learning rate. */
async function fromScratch(data: Dataset, seed: number): Promise<Map<number, number>> {
  const accuracies = new Map<number, number>();
  for (const lr of SCRATCH_LRS) {
    manualSeed(seed);
    const model = lenet5({ numClasses: 5 });
    const epochs = HEAD_EPOCHS + FINE_TUNE_EPOCHS;
    const optimizer = new Adam(model.parameters(), { lr });
    await fit(model, new DataLoader(data, { batchSize: BATCH_SIZE, shuffle: true }), { epochs, optimizer, scheduler: new CosineAnnealingLR(optimizer, epochs), seed });
    accuracies.set(lr, await accuracyOf(model));
  }
  return accuracies;
}

/** The table's columns, in order; each row holds one accuracy per draw for each. */
const COLUMNS = {
  head: '(a) all frozen + new head',
  headThenAll: '(b) (a), then all fine-tuned',
  classifier: "(a') conv frozen, classifier trained",
  classifierThenAll: "(b') (a'), then all fine-tuned",
  scratchSameLr: `(c) scratch, lr ${TRANSFER_LR}`,
  scratchBest: '(c) scratch, best lr on test',
} as const;
type Column = keyof typeof COLUMNS;

const rows: Array<{ perClass: number; accuracies: Record<Column, number[]>; bestLrs: Set<number>; seconds: number }> = [];
for (const perClass of SHOTS) {
  const accuracies = Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, [] as number[]])) as Record<Column, number[]>;
  const bestLrs = new Set<number>();
  const rowStart = Date.now();
  for (let draw = 0; draw < DRAWS; draw++) {
    const data = fewShot(perClass, draw);
    const [head, headThenAll] = await transfer(data, draw, { fineTuneEpochs: FINE_TUNE_EPOCHS });
    const [classifier, classifierThenAll] = await transfer(data, draw, { freeze: ['features'], fineTuneEpochs: FINE_TUNE_EPOCHS });
    const scratch = await fromScratch(data, draw);
    const [bestLr, scratchBest] = [...scratch].reduce((a, b) => (b[1] > a[1] ? b : a));
    bestLrs.add(bestLr);
    const results: Record<Column, number> = { head, headThenAll, classifier, classifierThenAll, scratchSameLr: scratch.get(TRANSFER_LR)!, scratchBest };
    for (const c of Object.keys(COLUMNS) as Column[]) accuracies[c].push(results[c]);
    const scratchText = [...scratch].map(([lr, accuracy]) => `${pct(accuracy)} at lr ${lr}`).join(', ');
    console.log(`  ${perClass}/class, draw ${draw + 1}: (a) ${pct(head)} (b) ${pct(headThenAll)} (a') ${pct(classifier)} (b') ${pct(classifierThenAll)} (c) ${scratchText}`);
  }
  rows.push({ perClass, accuracies, bestLrs, seconds: seconds(rowStart) });
}

console.log(`\nDigits 5-9, accuracy on the ${testLoader.dataset.length} test images, mean (min-max) over ${DRAWS} draw(s) of the training images:`);
console.log(`| per class | images | ${Object.values(COLUMNS).join(' | ')} | time |`);
console.log(`|${' --- |'.repeat(Object.keys(COLUMNS).length + 3)}`);
for (const r of rows) {
  const cells = (Object.keys(COLUMNS) as Column[]).map((c) => summary(r.accuracies[c]) + (c === 'scratchBest' ? ` (lr ${[...r.bestLrs].join('/')})` : ''));
  console.log(`| ${r.perClass} | ${r.perClass * TARGET_CLASSES.length} | ${cells.join(' | ')} | ${r.seconds.toFixed(0)}s |`);
}
console.log(
  `\n(a), (a') ${HEAD_EPOCHS} epochs at lr ${TRANSFER_LR}; (b), (b') ${FINE_TUNE_EPOCHS} more at ${+(TRANSFER_LR / 10).toPrecision(3)}; ` +
    `(c) ${HEAD_EPOCHS + FINE_TUNE_EPOCHS} epochs, lr from ${SCRATCH_LRS.join(', ')}; Adam, cosine decay, batch ${BATCH_SIZE}. Total ${seconds(started).toFixed(0)}s.`,
);
process.exit(0); // the wasm worker threads would keep Node running

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function summary(values: number[]): string {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.length === 1 ? pct(mean) : `${pct(mean)} (${pct(Math.min(...values))}-${pct(Math.max(...values))})`;
}
