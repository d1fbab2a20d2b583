// One-shot learning with a learned similarity function (issue 12 item 7), the face-recognition idea on digits
// and clothes: an embedding CNN (LeNet-5 with a 64-d, L2-normalised output, as FaceNet's) is trained with the
// triplet loss on classes 0-4 only, in P x K batches (5 classes x 16 images) with online mining. Then ONE test
// image of each unseen class 5-9 is enrolled in a MemoryFaceGallery and every other test image of 5-9 is
// identified by its nearest enrolled embedding: nothing is retrained for the new classes. The standard
// baseline embedding: a softmax classifier (LeNet-5, 5 outputs) trained on the same batches of 0-4, read at
// its penultimate layer (84-d). Each trained network is also read at its conv features (pool2, 400-d): the
// fully connected layers specialise in the five training classes, the convolutional ones transfer, and an
// untrained LeNet-5's conv features are the control for what training added. Baselines on the same 5 images:
// nearest neighbour on raw pixels (the same gallery, pixels as descriptors) and a softmax classifier trained
// from scratch on them. Every descriptor is L2-normalised except raw pixels.
// Each cell is the mean +- sd over every (training seed, enrolment draw) pair; raw pixels vary by draw only.
// Run: node --import tsx examples/one-shot.ts   (DATASETS=mnist SEEDS=1 DRAWS=3 STEPS=300 for a quick look;
// MININGS=semi-hard,batch-all,batch-hard picks the rows; TRAIN_LIMIT, TEST_LIMIT and SOFTMAX_STEPS shrink it further)
import { F, Generator, type Tensor, manualSeed, noGrad, tensor } from '../src/index.js';
import { DataLoader, PKBatchSampler, Subset, type TensorDataset } from '../src/data/index.js';
import { Module } from '../src/nn/index.js';
import { type LeNet5, lenet5 } from '../src/models/lenet.js';
import { Adam } from '../src/optim/index.js';
import { MemoryFaceGallery, TRIPLET_MININGS, type TripletMining, batchTripletLoss } from '../src/face/index.js';
import { loadFashionMnist, loadMnist } from '../src/node/datasets.js';
import { getBackend } from '../src/backend/registry.js';

const DATASETS = (process.env.DATASETS ?? 'mnist,fashion-mnist').split(',');
const MININGS = (process.env.MININGS ?? 'semi-hard,batch-hard').split(',') as TripletMining[];
const SEEDS = Number(process.env.SEEDS ?? 3);
const DRAWS = Number(process.env.DRAWS ?? 10); // enrolment draws (one image per class each) per seed
const STEPS = Number(process.env.STEPS ?? 1000); // batches of 5 x 16 for each embedding (triplet or softmax on 0-4)
const SOFTMAX_STEPS = Number(process.env.SOFTMAX_STEPS ?? 100); // full-batch Adam steps on the 5 images
const TRAIN_LIMIT = process.env.TRAIN_LIMIT ? Number(process.env.TRAIN_LIMIT) : undefined;
const TEST_LIMIT = process.env.TEST_LIMIT ? Number(process.env.TEST_LIMIT) : undefined;
const MARGIN = Number(process.env.MARGIN ?? 0.2); // alpha, in squared distance on the unit sphere ([0, 4]); FaceNet's
const LR = Number(process.env.LR ?? 1e-3); // Adam's, for every network here
const [P, K, EMBEDDING_SIZE] = [5, 16, 64];
const SEEN = [0, 1, 2, 3, 4];
const UNSEEN = [5, 6, 7, 8, 9];
for (const m of MININGS) if (!TRIPLET_MININGS.includes(m)) throw new Error(`MININGS: '${m}' is not one of ${TRIPLET_MININGS.join(', ')}`);

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const meanSd = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return `${(100 * mean).toFixed(1)} +- ${(100 * sd).toFixed(1)}%`;
};

/** LeNet-5's body with a 64-d output, projected onto the unit sphere: squared distances lie in [0, 4]. */
class Embedding extends Module {
  readonly body = lenet5({ numClasses: EMBEDDING_SIZE });
  forward(x: Tensor): Tensor {
    return F.normalize(this.body.forward(x));
  }
}

const rowNumbers = (labels: ArrayLike<number>) => Array.from({ length: labels.length }, (_, i) => i);
const indicesOf = (labels: ArrayLike<number>, classes: number[]) => Int32Array.from(rowNumbers(labels).filter((i) => classes.includes(labels[i])));

/** Rows of f(x) for x [N, 28, 28, 1], in batches, without the graph. */
function rowsOf(f: (x: Tensor) => Tensor, x: Tensor): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let start = 0; start < x.shape[0]; start += 500) {
    const out = noGrad(() => f(x.narrow(0, start, Math.min(500, x.shape[0] - start))));
    const width = out.size / out.shape[0];
    for (let i = 0; i < out.shape[0]; i++) rows.push(Float32Array.from(out.data.subarray(i * width, (i + 1) * width)));
  }
  return rows;
}

/** The share of rows (all but the enrolled) whose nearest enrolled row has their label. */
async function oneShotAccuracy(rows: Float32Array[], labels: ArrayLike<number>, enrolled: number[]): Promise<number> {
  const gallery = new MemoryFaceGallery();
  for (const i of enrolled) gallery.add(String(labels[i]), `class ${labels[i]}`, rows[i]);
  let [correct, total] = [0, 0];
  for (let i = 0; i < rows.length; i++) {
    if (enrolled.includes(i)) continue;
    const [best] = await gallery.nearest(rows[i], 1);
    if (Number(best.id) === labels[i]) correct++;
    total++;
  }
  return correct / total;
}

/** Draw d: one random row of each unseen class (the same draws for every seed, method and mining). */
function enrolmentDraw(labels: ArrayLike<number>, draw: number): number[] {
  const g = new Generator(1000 + draw);
  return UNSEEN.map((c) => {
    const members = rowNumbers(labels).filter((i) => labels[i] === c);
    return members[g.randint(members.length)];
  });
}

type Method = TripletMining | 'softmax on 0-4';
const SOFTMAX_EMBEDDING: Method = 'softmax on 0-4';

/** The penultimate layer (after fc2's ReLU) of a LeNet-5 classifier, L2-normalised. */
function penultimate(model: LeNet5, x: Tensor): Tensor {
  const layers = model.classifier.children();
  return F.normalize(layers.slice(0, -1).reduce((h, layer) => layer.forward(h), model.features.forward(x)));
}

/** LeNet-5's convolutional features (pool2, 5 x 5 x 16 = 400), L2-normalised: the layers that transfer to new classes. */
function convFeatures(model: LeNet5, x: Tensor): Tensor {
  const h = model.features.forward(x);
  return F.normalize(h.reshape([h.shape[0], h.size / h.shape[0]]));
}

/** Trains an embedding on classes 0-4 in STEPS P x K batches (the same batches for every method of a seed). */
function trainEmbedding(train: TensorDataset, method: Method, seed: number): { output: (x: Tensor) => Tensor; lenet: LeNet5; losses: number[] } {
  manualSeed(seed);
  const triplet = method !== SOFTMAX_EMBEDDING;
  const net = triplet ? new Embedding() : lenet5({ numClasses: SEEN.length });
  const seen = indicesOf(train.y.data, SEEN);
  const sampler = new PKBatchSampler(Array.from(seen, (i) => train.y.data[i]), { p: P, k: K, batchesPerEpoch: STEPS, generator: new Generator(seed) });
  const optimizer = new Adam(net.parameters(), { lr: LR });
  const losses: number[] = [];
  for (const batch of new DataLoader(new Subset(train, seen), { batchSampler: sampler })) {
    optimizer.zeroGrad();
    const out = net.forward(batch.x);
    const loss = triplet ? batchTripletLoss(out, batch.y, { mining: method as TripletMining, margin: MARGIN }) : F.crossEntropy(out, batch.y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  net.eval();
  if (net instanceof Embedding) return { output: (x) => net.forward(x), lenet: net.body, losses };
  return { output: (x) => penultimate(net, x), lenet: net, losses };
}

/** LeNet-5 with 5 outputs trained from scratch on the enrolled images; its accuracy on the other rows. */
function softmaxAccuracy(x: Tensor, labels: ArrayLike<number>, enrolled: number[], seed: number): number {
  manualSeed(seed);
  const model = lenet5({ numClasses: UNSEEN.length });
  const shots = x.indexSelect(0, tensor(enrolled, [enrolled.length], { dtype: 'int32' }));
  const targets = tensor(enrolled.map((i) => UNSEEN.indexOf(labels[i])), [enrolled.length], { dtype: 'int32' });
  const optimizer = new Adam(model.parameters(), { lr: LR });
  for (let step = 0; step < SOFTMAX_STEPS; step++) {
    optimizer.zeroGrad();
    F.crossEntropy(model.forward(shots), targets).backward();
    optimizer.step();
  }
  model.eval();
  const logits = rowsOf((t) => model.forward(t), x);
  let [correct, total] = [0, 0];
  logits.forEach((row, i) => {
    if (enrolled.includes(i)) return;
    if (UNSEEN[row.indexOf(Math.max(...row))] === labels[i]) correct++;
    total++;
  });
  return correct / total;
}

const METHODS: Method[] = [...MININGS, SOFTMAX_EMBEDDING];
const rowName = (m: Method, layer: 'output' | 'conv') =>
  `${m === SOFTMAX_EMBEDDING ? 'softmax on 0-4' : `triplet (${m})`}, ${layer === 'conv' ? 'conv features (400-d)' : m === SOFTMAX_EMBEDDING ? 'penultimate layer (84-d)' : 'embedding (64-d)'}, 1-shot NN`;
const cells = new Map<string, string[]>(); // row -> one cell per data set
const addCell = (row: string, accuracies: number[]) => cells.set(row, [...(cells.get(row) ?? []), meanSd(accuracies)]);
const started = Date.now();
for (const name of DATASETS) {
  const load = name === 'mnist' ? loadMnist : name === 'fashion-mnist' ? loadFashionMnist : null;
  if (!load) throw new Error(`DATASETS: '${name}' is not mnist or fashion-mnist`);
  const train = load({ split: 'train', limit: TRAIN_LIMIT, normalize: true });
  const test = load({ split: 'test', limit: TEST_LIMIT, normalize: true });
  const unseen = test.getBatch(indicesOf(test.y.data, UNSEEN));
  const labels = unseen.y.data;
  const draws = Array.from({ length: DRAWS }, (_, d) => enrolmentDraw(labels, d));
  console.log(`${name}: training on ${indicesOf(train.y.data, SEEN).length} images of classes 0-4; ${labels.length} test images of classes 5-9 [${getBackend().name} backend]`);
  draws.forEach((enrolled, d) => console.log(`  draw ${d + 1} enrols test rows ${enrolled.join(',')} (of the ${labels.length} of classes 5-9, in test order)`));

  const accuraciesOf = (rows: Float32Array[]) => Promise.all(draws.map((enrolled) => oneShotAccuracy(rows, labels, enrolled)));
  for (const method of METHODS) {
    const [outputAccuracies, convAccuracies]: number[][] = [[], []];
    for (let seed = 0; seed < SEEDS; seed++) {
      const trainStart = Date.now();
      const { output, lenet, losses } = trainEmbedding(train, method, seed);
      const [fromOutput, fromConv] = [await accuraciesOf(rowsOf(output, unseen.x)), await accuraciesOf(rowsOf((t) => convFeatures(lenet, t), unseen.x))];
      outputAccuracies.push(...fromOutput);
      convAccuracies.push(...fromConv);
      const tenth = Math.max(1, Math.floor(losses.length / 10));
      const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      console.log(
        `  ${method}, seed ${seed}: loss ${meanOf(losses.slice(0, tenth)).toFixed(4)} (first tenth) -> ${meanOf(losses.slice(-tenth)).toFixed(4)} (last tenth) ` +
          `in ${STEPS} steps (${((Date.now() - trainStart) / 1000).toFixed(0)}s); 1-shot ${fromOutput.map(pct).join(' ')}; from its conv features ${fromConv.map(pct).join(' ')}`,
      );
    }
    addCell(rowName(method, 'output'), outputAccuracies);
    addCell(rowName(method, 'conv'), convAccuracies);
  }
  // The control for "training on 0-4 helped": the same conv features of an untrained (random) LeNet-5.
  const untrainedAccuracies: number[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    manualSeed(seed); // the initial weights of every method's training at this seed
    const untrained = lenet5({ numClasses: SEEN.length });
    untrainedAccuracies.push(...(await accuraciesOf(rowsOf((t) => convFeatures(untrained, t), unseen.x))));
  }
  console.log(`  untrained LeNet-5, conv features: ${untrainedAccuracies.map(pct).join(' ')}`);
  addCell('untrained LeNet-5, conv features (400-d), 1-shot NN', untrainedAccuracies);
  const pixels = rowsOf((t) => t.reshape([t.shape[0], 28 * 28]), unseen.x);
  const pixelAccuracies = await Promise.all(draws.map((enrolled) => oneShotAccuracy(pixels, labels, enrolled)));
  const softmaxAccuracies = draws.flatMap((enrolled) => Array.from({ length: SEEDS }, (_, seed) => softmaxAccuracy(unseen.x, labels, enrolled, seed)));
  console.log(`  raw pixels: ${pixelAccuracies.map(pct).join(' ')}; softmax: ${softmaxAccuracies.map(pct).join(' ')}`);
  addCell('raw pixels, 1-shot NN', pixelAccuracies);
  addCell('softmax trained on the 5 images', softmaxAccuracies);
}
const table = [`| method (classes 5-9, 5-way 1-shot; chance 20%) | ${DATASETS.join(' | ')} |`, `|---|${DATASETS.map(() => '---|').join('')}`];
for (const [row, values] of cells) table.push(`| ${row} | ${values.join(' | ')} |`);
console.log(`\n${SEEDS} seeds x ${DRAWS} draws, ${STEPS} steps of ${P} x ${K}, margin ${MARGIN}, ${((Date.now() - started) / 60000).toFixed(1)} min:`);
console.log(table.join('\n'));
process.exit(0); // the wasm worker threads would keep Node running
