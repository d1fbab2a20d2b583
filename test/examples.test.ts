// Every script in examples/ runs here in a small form (environment variables limit its data and epochs), as
// a child process with a time limit, and what it prints is checked against what this test finds itself: the
// data's own labels, the files the script saved, the Keras topology it imported, published figures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad } from '../src/index.js';
import { DataLoader } from '../src/data/index.js';
import { lenet5 } from '../src/models/index.js';
import { evaluate, predict } from '../src/train/index.js';
import { loadCheckpoint, loadMnist, loadWeights, readNsfwjsMobileNetV2 } from '../src/node/index.js';
import { weightSpecsOf } from '../src/io/importers/index.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
/** The examples run from a scratch folder (they save files); tsx is found from here, not from there. */
const TSX = import.meta.resolve('tsx');
/** Each run takes a few seconds; the limit leaves room for a machine busy with other test files. */
const TIME_LIMIT_MS = 90_000;

let scratch = '';
before(() => void (scratch = mkdtempSync(join(tmpdir(), 'convkit-examples-'))));
after(() => rmSync(scratch, { recursive: true, force: true }));

function runExample(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ['--import', TSX, join(EXAMPLES, script)];
    execFile(process.execPath, args, { cwd: scratch, env: { ...process.env, ...env }, timeout: TIME_LIMIT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`examples/${script} ${JSON.stringify(env)} failed (${error.signal ?? `exit ${error.code}`}):\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The groups of the one line of `output` that matches `pattern`. */
function lineMatching(output: string, pattern: RegExp): RegExpMatchArray {
  const found = output.split('\n').map((line) => line.match(pattern)).filter((m) => m !== null);
  assert.equal(found.length, 1, `one line matching ${pattern} in:\n${output}`);
  return found[0];
}

const percent = (text: string): number => Number(text) / 100;
const countOf = (labels: ArrayLike<number>, classes: number[]): number => Array.from(labels).filter((y) => classes.includes(y)).length;

/** Smoke runs by script name: a new example without one fails the first test. */
const SMOKE_RUNS: Record<string, () => Promise<void>> = {
  'mnist-lenet5.ts': async () => {
    const [limit, testLimit] = [2000, 1000];
    const output = await runExample('mnist-lenet5.ts', { EPOCHS: '1', LIMIT: `${limit}`, TEST_LIMIT: `${testLimit}` });
    assert.ok(output.includes(lenet5().toString()), 'prints the model');
    const epoch = lineMatching(output, /^epoch 1: loss ([\d.]+), test accuracy ([\d.]+)%$/);
    // An untrained classifier's loss is near ln 10, uniform guessing's; one epoch on 2,000 digits goes well below.
    assert.ok(Number(epoch[1]) < 0.75 * Math.log(10), `training loss ${epoch[1]}`);
    const [, accuracy, images] = lineMatching(output, /^test accuracy: ([\d.]+)% on (\d+) images$/);
    assert.equal(Number(images), testLimit);
    assert.equal(accuracy, epoch[2], 'the final evaluation is the last epoch\'s validation');
    assert.ok(percent(accuracy) > 0.5, `test accuracy ${accuracy}% (chance is 10%)`);

    // The saved weights give the accuracy and predictions it printed; the checkpoint holds the same weights.
    const test = loadMnist({ split: 'test', limit: testLimit, normalize: true });
    const model = lenet5();
    await loadWeights(join(scratch, 'lenet5-mnist.safetensors'), model);
    model.eval();
    assert.equal((100 * (await evaluate(model, new DataLoader(test, { batchSize: 500 }))).accuracy).toFixed(2), accuracy);
    const probabilities = noGrad(() => predict(model, test.x.narrow(0, 0, 3)));
    for (let i = 0; i < 3; i++) {
      const row = Array.from(probabilities.data.subarray(i * 10, i * 10 + 10));
      const best = row.indexOf(Math.max(...row));
      const [, label, predicted, confidence] = lineMatching(output, new RegExp(`^digit ${i}: label (\\d), predicted (\\d) \\(([\\d.]+)%\\)$`));
      assert.deepEqual([Number(label), Number(predicted), confidence], [test.y.data[i], best, (100 * row[best]).toFixed(1)], `digit ${i}`);
    }
    const checkpoint = await loadCheckpoint(join(scratch, 'lenet5-mnist.ckpt.safetensors'));
    assert.deepEqual([checkpoint.epoch, checkpoint.step], [1, Math.ceil(limit / 64)]);
    for (const [name, t] of Object.entries(model.stateDict())) assert.deepEqual(checkpoint.model[name].data, t.data, name);
  },

  'import-mobilenetv2.ts': async () => {
    const output = await runExample('import-mobilenetv2.ts', {});
    const { modelTopology, weightsManifest } = readNsfwjsMobileNetV2();
    const keras = modelTopology as { model_config: { config: { layers: Array<{ name: string; class_name: string; config: { trainable?: boolean } }> } } };
    const layers = keras.model_config.config.layers;
    const specs = weightSpecsOf(weightsManifest);

    const [, layerCount, weightCount] = lineMatching(output, /^Loaded 'model_1' from nsfwjs in \d+ ms: (\d+) Keras layers, (\d+) weight tensors$/);
    assert.deepEqual([Number(layerCount), Number(weightCount)], [layers.length, specs.length]);
    const classes = new Map<string, number>();
    for (const layer of layers) classes.set(layer.class_name, (classes.get(layer.class_name) ?? 0) + 1);
    assert.equal(lineMatching(output, /^Layer classes: (.*)$/)[1], [...classes].map(([name, n]) => `${name} ${n}`).join(', '));

    // Parameters from the weights manifest (moving statistics are buffers, not parameters); frozen = the
    // layers the topology marks trainable: false.
    const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
    const frozen = new Set(layers.filter((l) => l.config.trainable === false).map((l) => l.name));
    const parameters = specs.filter((s) => !/moving_(mean|variance)$/.test(s.name));
    const total = parameters.reduce((n, s) => n + sizeOf(s.shape), 0);
    const nonTrainable = parameters.filter((s) => frozen.has(s.name.split('/')[0])).reduce((n, s) => n + sizeOf(s.shape), 0);
    const figure = (label: string): number => Number(lineMatching(output, new RegExp(`^${label}: ([\\d,]+)`))[1].replaceAll(',', ''));
    assert.deepEqual([figure('Total params'), figure('Trainable params'), figure('Non-trainable params')], [total, total - nonTrainable, nonTrainable]);
    // MobileNetV2 1.0 at 224x224 costs 300 M multiply-adds (Sandler et al. 2018, table 4); this head adds little.
    assert.ok(Math.abs(figure('Total MACs') / 300e6 - 1) < 0.01, `Total MACs ${figure('Total MACs')}`);

    // Block outputs as in the paper's table 2: 32 channels at 1/8 of the input size, 96 at 1/16.
    for (const [name, shape] of [['block_3_project_BN', '1, 28, 28, 32'], ['block_10_project_BN', '1, 14, 14, 96']]) {
      const [, mean, std, min, max, positive] = lineMatching(
        output,
        new RegExp(`^  ${name} \\[${shape}\\]: mean (\\S+), std (\\S+), min (\\S+), max (\\S+), (\\S+)% positive$`),
      ).map(Number);
      assert.ok(min < mean && mean < max && std > 0 && positive > 0 && positive < 100, `${name}: ${[mean, std, min, max, positive]}`);
    }
    const strongest = [...lineMatching(output, /^  strongest block_10 channels \(mean response\): (.*)$/)[1].matchAll(/#(\d+) (\S+)/g)];
    const means = strongest.map((m) => Number(m[2]));
    assert.equal(strongest.length, 5);
    assert.ok(strongest.every((m) => Number(m[1]) < 96), 'channel numbers of a 96-channel map');
    assert.deepEqual(means, [...means].sort((a, b) => b - a), 'strongest first');
  },

  'transfer-learning.ts': async () => {
    const [limit, testLimit, headEpochs, fineTuneEpochs] = [2000, 1000, 3, 2];
    const output = await runExample('transfer-learning.ts', {
      LIMIT: `${limit}`, TEST_LIMIT: `${testLimit}`, PRETRAIN_EPOCHS: '1', SHOTS: '5', DRAWS: '1',
      HEAD_EPOCHS: `${headEpochs}`, FINE_TUNE_EPOCHS: `${fineTuneEpochs}`,
    });
    const trainLabels = loadMnist({ split: 'train', limit }).y.data;
    const testLabels = loadMnist({ split: 'test', limit: testLimit }).y.data;
    const [, pretrainImages, pretrainAccuracy] = lineMatching(output, /^pretrained LeNet-5 on (\d+) images of digits 0-4 \(1 epochs, \d+s\): ([\d.]+)% on their test images \[\w+ backend\]$/);
    assert.equal(Number(pretrainImages), countOf(trainLabels, [0, 1, 2, 3, 4]));
    assert.ok(percent(pretrainAccuracy) > 0.6, `pretraining reached ${pretrainAccuracy}% on digits 0-4 (chance is 20%)`);
    assert.equal(Number(lineMatching(output, /accuracy on the (\d+) test images/)[1]), countOf(testLabels, [5, 6, 7, 8, 9]));

    // One draw: the table's cells are the draw's accuracies; (c) best is the best of the three rates.
    const draw = lineMatching(output, /^  5\/class, draw 1: \(a\) ([\d.]+)% \(b\) ([\d.]+)% \(a'\) ([\d.]+)% \(b'\) ([\d.]+)% \(c\) (.*)$/);
    const scratch = [...draw[5].matchAll(/([\d.]+)% at lr ([\d.]+)/g)].map((m) => ({ accuracy: Number(m[1]), lr: m[2] }));
    assert.deepEqual(scratch.map((s) => s.lr), ['0.001', '0.003', '0.01']);
    const best = scratch.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    const row = lineMatching(output, /^\| 5 \| 25 \| (.*) \| \d+s \|$/)[1].split(' | ');
    const expected = [...draw.slice(1, 5), `${scratch[1].accuracy.toFixed(1)}`].map((a) => `${a}%`);
    assert.deepEqual(row, [...expected, `${best.accuracy.toFixed(1)}% (lr ${best.lr})`]);
    lineMatching(output, new RegExp(`^\\(a\\), \\(a'\\) ${headEpochs} epochs at lr 0.003; \\(b\\), \\(b'\\) ${fineTuneEpochs} more at 0.0003; \\(c\\) ${headEpochs + fineTuneEpochs} epochs`));
  },

  'one-shot.ts': async () => {
    const [trainLimit, testLimit, steps] = [3000, 600, 40];
    const output = await runExample('one-shot.ts', {
      DATASETS: 'mnist', MININGS: 'semi-hard', SEEDS: '1', DRAWS: '2', STEPS: `${steps}`, SOFTMAX_STEPS: '20', TRAIN_LIMIT: `${trainLimit}`, TEST_LIMIT: `${testLimit}`,
    });
    const test = loadMnist({ split: 'test', limit: testLimit, normalize: true });
    const [, images, unseenCount] = lineMatching(output, /^mnist: training on (\d+) images of classes 0-4; (\d+) test images of classes 5-9 \[\w+ backend\]$/);
    assert.equal(Number(images), countOf(loadMnist({ split: 'train', limit: trainLimit }).y.data, [0, 1, 2, 3, 4]));
    const unseen = Array.from(test.y.data.keys()).filter((i) => test.y.data[i] >= 5);
    assert.equal(Number(unseenCount), unseen.length);

    // Nearest neighbour on raw pixels, recomputed here from the rows the script says it enrolled.
    const pixels = (row: number) => test.x.data.subarray(unseen[row] * 784, (unseen[row] + 1) * 784);
    const label = (row: number) => test.y.data[unseen[row]];
    const pixelAccuracies = [1, 2].map((draw) => {
      const enrolled = lineMatching(output, new RegExp(`^  draw ${draw} enrols test rows ([\\d,]+) \\(of the`))[1].split(',').map(Number);
      assert.deepEqual(enrolled.map(label), [5, 6, 7, 8, 9], 'one image of each unseen class');
      let correct = 0;
      for (let row = 0; row < unseen.length; row++) {
        if (enrolled.includes(row)) continue;
        const distances = enrolled.map((e) => {
          const [a, b] = [pixels(e), pixels(row)];
          let sum = 0;
          for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
          return sum;
        });
        if (label(enrolled[distances.indexOf(Math.min(...distances))]) === label(row)) correct++;
      }
      return correct / (unseen.length - 5);
    });
    const [, pixelText] = lineMatching(output, /^  raw pixels: (.*); softmax: (.*)$/);
    assert.equal(pixelText, pixelAccuracies.map((a) => `${(100 * a).toFixed(1)}%`).join(' '));

    // Both networks (triplet, and the softmax classifier of 0-4) learn; each is read at its output and its conv features.
    const accuraciesIn = (text: string) => text.split(' ').map((a) => percent(a.replace('%', '')));
    const embeddings = ['semi-hard', 'softmax on 0-4'].flatMap((method) => {
      const [, first, last, outputText, convText] = lineMatching(output, new RegExp(`^  ${method}, seed 0: loss ([\\d.]+) \\(first tenth\\) -> ([\\d.]+) \\(last tenth\\) in ${steps} steps \\(\\d+s\\); 1-shot (.*); from its conv features (.*)$`));
      assert.ok(Number(last) < 0.5 * Number(first), `${method} loss ${first} -> ${last}`);
      const [fromOutput, fromConv] = [accuraciesIn(outputText), accuraciesIn(convText)];
      assert.ok([...fromOutput, ...fromConv].every((a) => a > 0.3), `${method} 1-shot accuracies ${outputText}; ${convText} (chance is 20%)`);
      return [fromOutput, fromConv];
    });
    const untrained = accuraciesIn(lineMatching(output, /^  untrained LeNet-5, conv features: (.*)$/)[1]);

    // The table: the pixel cell is the mean +- sd of the accuracies computed above; the embeddings' of those printed.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
    const cell = (row: string) => lineMatching(output, new RegExp(`^\\| ${row.replace(/[()]/g, '\\$&')} \\| ([\\d.]+ \\+- [\\d.]+%) \\|$`))[1];
    assert.equal(cell('raw pixels, 1-shot NN'), `${(100 * mean(pixelAccuracies)).toFixed(1)} +- ${(100 * sd(pixelAccuracies)).toFixed(1)}%`);
    const rows = ['triplet (semi-hard), embedding (64-d)', 'triplet (semi-hard), conv features (400-d)', 'softmax on 0-4, penultimate layer (84-d)', 'softmax on 0-4, conv features (400-d)', 'untrained LeNet-5, conv features (400-d)'];
    rows.forEach((row, i) => {
      const printed = [...embeddings, untrained][i];
      const text = cell(`${row}, 1-shot NN`);
      assert.ok(Math.abs(Number(text.split(' ')[0]) - 100 * mean(printed)) <= 0.051, `${row}: ${text} against ${printed}`);
    });
    lineMatching(output, /^\| softmax trained on the 5 images \| [\d.]+ \+- [\d.]+% \|$/);
  },
};

describe('examples/ in a small form', () => {
  it('has a smoke run for every script', () => {
    const scripts = readdirSync(EXAMPLES).filter((name) => name.endsWith('.ts')).sort();
    assert.deepEqual(scripts, Object.keys(SMOKE_RUNS).sort());
  });
  for (const [script, run] of Object.entries(SMOKE_RUNS)) {
    it(script, run);
  }
});
