// The convkit command line, run as a user runs it (a child process), through tsx so no build is needed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runConvkit, type CliResult } from './helpers/run-cli.js';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CommanderError } from 'commander';
import { buildProgram } from '../cli/program.js';
import { Tensor } from '../src/tensor/tensor.js';
import { conv2d } from '../src/ops/conv.js';
import { readImage } from '../src/node/image-io.js';

const convkit = (args: string[], nodeArgs: string[] = []) => runConvkit(args, { nodeArgs, env: { CONVKIT_BACKEND: 'js' } });

/** A failure: exit code 1 and a short message on stderr, no stack trace. */
function assertCleanFailure(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 1, `exit code (stderr: ${result.stderr})`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
}

let dir = '';
let gray = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convkit-cli-'));
  // A 9x11 gray image with a bright diagonal band and a vertical step, so every filter has edges to find.
  const width = 11;
  const height = 9;
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = (x > 5 ? 200 : 20) + (Math.abs(x - y) < 2 ? 50 : 0);
  gray = join(dir, 'gray.png');
  await sharp(pixels, { raw: { width, height, channels: 1 } }).png().toFile(gray);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Help text of `convkit ...args --help`, from the program in-process (help is plain text: no need for a child). */
async function helpOf(args: string[]): Promise<string> {
  let text = '';
  const program = buildProgram();
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeOut: (s) => void (text += s), writeErr: (s) => void (text += s) });
  }
  await assert.rejects(program.parseAsync([...args, '--help'], { from: 'user' }), (e: CommanderError) => e.code === 'commander.helpDisplayed' && e.exitCode === 0);
  return text;
}

describe('convkit --help', () => {
  it('describes the program and every command', async () => {
    const commands = ['train', 'eval', 'predict', 'summary', 'filter', 'style', 'plot', 'augment'];
    const top = await helpOf([]);
    for (const c of commands) assert.match(top, new RegExp(`^  ${c} `, 'm'), `top-level help lists ${c}`);
    for (const c of commands) assert.match(await helpOf([c]), new RegExp(`^Usage: convkit ${c} \\[options\\]`, 'm'));
    assert.match(await helpOf(['train']), /--dataset <name>\s+mnist \| fashion-mnist/);
    assert.match(await helpOf(['filter']), /--kernel <kernel>\s+vertical, horizontal, sobel-x, sobel-y, scharr-x, scharr-y/);
  });

  it('exits 0 with the usage when run as a command', async () => {
    const { code, stdout } = await convkit(['train', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: convkit train \[options\] <model>/m);
  });
});

describe('convkit summary', () => {
  it('lenet5 --json gives the layer table as JSON with the texts\' shapes and 61,706 parameters', async () => {
    const { code, stdout } = await convkit(['summary', 'lenet5', '--json']);
    assert.equal(code, 0);
    const s = JSON.parse(stdout) as { inputShape: number[]; totalParams: number; layers: Array<{ name: string; outputShape: number[]; params: number }> };
    assert.deepEqual(s.inputShape, [28, 28, 1]);
    assert.equal(s.totalParams, 61706);
    const byName = Object.fromEntries(s.layers.map((l) => [l.name, l]));
    assert.deepEqual(byName['features.pool2'].outputShape, [5, 5, 16]);
    assert.equal(byName['classifier.fc1'].params, 400 * 120 + 120);
  });

  it('--input 32x32x1 builds the unpadded 32x32 LeNet; the table format names the layers', async () => {
    const { code, stdout } = await convkit(['summary', 'lenet5', '--input', '32x32x1']);
    assert.equal(code, 0);
    assert.match(stdout, /features\.conv1/);
    assert.match(stdout, /61,706|61706/);
  });

  // The smallest activation of ResNet-18 at 30000x30000x3 before its pooling is 938x938x512 float32 (1.8 GB),
  // the input alone 10.8 GB: a process that stays under 1 GiB allocated none of them.
  it('resnet18 --input 30000x30000x3 prints its table in bounded memory: no activation is allocated', async () => {
    const { code, stdout, stderr } = await convkit(['summary', 'resnet18', '--input', '30000x30000x3'], ['--import', './test/fixtures/process/report-peak-rss.ts']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Input: 30000x30000x3 \(batch 1\)$/m);
    assert.match(stdout, new RegExp(`^conv1 \\(Conv2d\\)\\s+15000x15000x64\\s+9,408\\s+${(15000 * 15000 * 64 * 7 * 7 * 3).toLocaleString('en-US')}$`, 'm'));
    assert.match(stdout, /^fc \(Linear\)\s+1000\s+513,000\s+512,000$/m);
    const peakKib = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1]);
    assert.ok(peakKib > 0 && peakKib < 1024 * 1024, `peak RSS ${peakKib} KiB`);
  });

  it('vgg16 --input 30000x30000x3: its weights are not allocated either (the first dense layer alone would be 7.4 TB)', async () => {
    const { code, stdout, stderr } = await convkit(['summary', 'vgg16', '--input', '30000x30000x3']);
    assert.equal(code, 0, stderr);
    const denseParams = 512 * 937 * 937 * 4096 + 4096; // five 2x2 pools: 30000 -> 937
    assert.match(stdout, new RegExp(`\\(Linear\\)\\s+4096\\s+${denseParams.toLocaleString('en-US')}\\s`));
  });

  it('an input whose MAC count passes 2^53 gives a clear error', async () => {
    const result = await convkit(['summary', 'resnet18', '--input', '1000000x1000000x3']);
    assertCleanFailure(result, /summary: ResNet has \d\.\d{3}e\+16 MACs for input 1000000x1000000x3, more than a count holds exactly/);
  });
});

describe('convkit filter', () => {
  it('writes |image * kernel| / max as 0-255, the same as F.conv2d on the grayscale image', async () => {
    const cases: Array<{ args: string[]; weight: number[][]; stride: number; padding: 'same' | 'valid' | number }> = [
      { args: ['--kernel', 'sobel-x'], weight: [[1, 0, -1], [2, 0, -2], [1, 0, -1]], stride: 1, padding: 'valid' },
      { args: ['--kernel', 'horizontal', '--stride', '2', '--padding', 'same'], weight: [[1, 1, 1], [0, 0, 0], [-1, -1, -1]], stride: 2, padding: 'same' },
      { args: ['--kernel', '0,1;-1,0', '--padding', '1'], weight: [[0, 1], [-1, 0]], stride: 1, padding: 1 },
    ];
    const image = await readImage(gray, { channels: 1 });
    const [h, w] = image.shape;
    for (const [i, c] of cases.entries()) {
      const out = join(dir, `edges-${i}.png`);
      const result = await convkit(['filter', gray, ...c.args, '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      const kernel = new Tensor(Float32Array.from(c.weight.flat()), [c.weight.length, c.weight[0].length, 1, 1]);
      const response = conv2d(image.reshape([1, h, w, 1]), kernel, null, { stride: c.stride, padding: c.padding });
      const max = Math.max(...Array.from(response.data, Math.abs));
      const expected = Array.from(response.data, (v) => Math.round((Math.abs(v) / max) * 255));
      const meta = await sharp(out).metadata();
      assert.deepEqual([meta.height, meta.width, meta.channels], [response.shape[1], response.shape[2], 1], `case ${i}: a grayscale image of the response's size`);
      // sharp hands out gray PNGs as RGB; any one channel holds the gray values.
      const written = await sharp(out).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([...written.data], expected, `case ${i} pixels`);
    }
  });

  it('fails cleanly on a malformed kernel, a missing image, a bad stride', async () => {
    const out = join(dir, 'never.png');
    const [ragged, notNumber, unknown, missing, stride] = await Promise.all([
      convkit(['filter', gray, '--kernel', '1,0,-1;1,0', '--out', out]),
      convkit(['filter', gray, '--kernel', '1,x,-1', '--out', out]),
      convkit(['filter', gray, '--kernel', 'prewitt', '--out', out]),
      convkit(['filter', join(dir, 'no-such.png'), '--kernel', 'vertical', '--out', out]),
      convkit(['filter', gray, '--kernel', 'vertical', '--stride', '1.5', '--out', out]),
    ]);
    assertCleanFailure(ragged, /--kernel: rows have different lengths \(3, 2 values in "1,0,-1;1,0"\).*expected .*"1,0,-1;1,0,-1;1,0,-1"/);
    assertCleanFailure(notNumber, /--kernel: row 1, value 2 is 'x', not a number \(parsed "1,x,-1"\)/);
    assertCleanFailure(unknown, /--kernel: unknown kernel 'prewitt'; expected a name \(vertical, horizontal, sobel-x/);
    assertCleanFailure(missing, new RegExp(`cannot read '${join(dir, 'no-such.png').replace(/[.\\/]/g, '\\$&')}'`));
    assertCleanFailure(stride, /option '--stride <s>' argument '1\.5' is invalid\. Expected a positive integer/);
  });
});

describe('convkit errors (issue 10, case 19)', () => {
  it("argument-parsing errors print one line in ConvKit's own style, as the commands' errors do", async () => {
    const [badValue, unknownOption, missing, unknownCommand, nested, own] = await Promise.all([
      convkit(['train', 'lenet5', '--epochs', 'x']),
      convkit(['summary', 'lenet5', '--bogus']),
      convkit(['train']),
      convkit(['trian']),
      convkit(['detect', 'predict', 'x.png', '--conf', '2']),
      convkit(['train', 'no-such-model']),
    ]);
    const oneLine = (result: CliResult, pattern: RegExp) => {
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.split('\n').length, 2, `one line: ${JSON.stringify(result.stderr)}`);
    };
    oneLine(badValue, /^convkit: option '--epochs <n>' argument 'x' is invalid\. Expected a positive integer\. \(add --help for usage\)\n$/);
    oneLine(unknownOption, /^convkit: unknown option '--bogus' \(add --help for usage\)\n$/);
    oneLine(missing, /^convkit: missing required argument 'model' \(add --help for usage\)\n$/);
    oneLine(unknownCommand, /^convkit: unknown command 'trian' \(Did you mean train\?\) \(add --help for usage\)\n$/);
    oneLine(nested, /^convkit: option '--conf <x>' argument '2' is invalid\./);
    oneLine(own, /^convkit: .*no-such-model/);
    const help = await convkit(['train', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: convkit train \[options\] <model>/);
    assert.equal(help.stderr, '');
  });
});

describe('convkit train, eval and predict', () => {
  it('trains on a few digits, saves weights that eval and predict read back', async () => {
    const weights = join(dir, 'lenet5.safetensors');
    const train = await convkit(['train', 'lenet5', '--limit', '64', '--test-limit', '40', '--epochs', '1', '--batch-size', '16', '--no-progress', '--json', '--out', weights]);
    assert.equal(train.code, 0, train.stderr);
    const lines = train.stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    assert.equal(report.epochs, 1);
    assert.equal(report.trainSamples, 64);
    assert.equal(report.testSamples, 40);
    assert.equal(typeof report.seconds, 'number');
    const accuracy = report.testAccuracy as number;
    assert.ok(accuracy >= 0 && accuracy <= 1);

    const evaluated = await convkit(['eval', weights, '--model', 'lenet5', '--dataset', 'mnist', '--limit', '40', '--json']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const result = JSON.parse(evaluated.stdout) as { accuracy: number; samples: number };
    assert.equal(result.samples, 40);
    assert.equal(result.accuracy, accuracy, 'eval of the saved weights gives the accuracy train reported');

    // A dark digit on a light background (the first MNIST test image, inverted) is detected and inverted back.
    const { loadMnist } = await import('../src/node/datasets.js');
    const digit = loadMnist({ split: 'test', limit: 1 }).get(0).x;
    const pixels = Buffer.from(Array.from(digit.data, (v) => 255 - Math.round(v * 255)));
    const digitPath = join(dir, 'digit.png');
    await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(digitPath);
    const predicted = await convkit(['predict', weights, '--model', 'lenet5', digitPath, '--top', '3']);
    assert.equal(predicted.code, 0, predicted.stderr);
    const out = predicted.stdout.trim().split('\n');
    assert.match(out[0], /^inverted the image: its background is light \(mean 0\.\d\d\)/);
    const rows = out.slice(1).map((line) => /^(\d)\s+(\d+\.\d\d)%$/.exec(line));
    assert.equal(rows.length, 3);
    const percents = rows.map((m) => Number(m![2]));
    assert.ok(percents[0] >= percents[1] && percents[1] >= percents[2], 'sorted by probability');
    assert.ok(percents.reduce((a, b) => a + b, 0) <= 100.01);

    const wrongModel = await convkit(['eval', weights, '--model', 'alexnet']);
    assertCleanFailure(wrongModel, /holds lenet5 weights \(trained on mnist\), not alexnet/);
  });

  it('fails cleanly on an unknown model, an unknown data set and --resume without a checkpoint', async () => {
    const [model, dataset, resume] = await Promise.all([
      convkit(['train', 'lenet6', '--limit', '10']),
      convkit(['train', 'lenet5', '--dataset', 'cifar', '--limit', '10']),
      convkit(['train', 'lenet5', '--resume']),
    ]);
    assertCleanFailure(model, /createModel: unknown model 'lenet6'; available: lenet5, /);
    assertCleanFailure(dataset, /unknown dataset 'cifar'; available: mnist, fashion-mnist/);
    assertCleanFailure(resume, /--resume needs --checkpoint <file>/);
  });
});

describe('convkit train: transfer learning (--from, --freeze, --new-head) on a folder of images', () => {
  let root = '';
  let pretrained = '';
  let source: Record<string, Tensor> = {};

  /** A 28x28 gray PNG per image: a bright square whose corner depends on the class, over seeded noise. */
  async function writeImageFolder(folder: string, classes: string[], perClass: number): Promise<void> {
    let state = 7;
    const noise = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) % 60;
    for (const [k, name] of classes.entries()) {
      await mkdir(join(folder, name), { recursive: true });
      for (let i = 0; i < perClass; i++) {
        const pixels = Buffer.alloc(28 * 28);
        for (let p = 0; p < pixels.length; p++) pixels[p] = noise();
        const [top, left] = [[2, 2], [2, 16], [16, 9]][k];
        for (let y = top; y < top + 10; y++) for (let x = left; x < left + 10; x++) pixels[y * 28 + x] = 200 + noise();
        await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(folder, name, `${i}.png`));
      }
    }
  }

  /** The last line of stdout as the --json report. */
  function jsonReport(result: CliResult): Record<string, unknown> {
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  }

  before(async () => {
    root = join(dir, 'shapes');
    await writeImageFolder(root, ['a', 'b', 'c'], 8);
    await mkdir(join(dir, 'no-classes'));
    await writeImageFolder(join(dir, 'empty-class'), ['a'], 2);
    await mkdir(join(dir, 'empty-class', 'b'));
    // Weights of a 10-class LeNet-5 saved without convkit's metadata, as weights from elsewhere would be.
    const { lenet5 } = await import('../src/models/lenet.js');
    const { saveWeights } = await import('../src/node/weights-files.js');
    const { manualSeed } = await import('../src/util/random.js');
    manualSeed(11);
    const model = lenet5();
    pretrained = join(dir, 'pretrained.safetensors');
    await saveWeights(pretrained, model);
    source = model.stateDict();
  });

  it('trains a new 3-class head on frozen features for one epoch, saving the loaded features unchanged', async () => {
    const out = join(dir, 'transferred.safetensors');
    const common = ['train', 'lenet5', '--dataset', root, '--from', pretrained, '--new-head', '3', '--epochs', '1', '--batch-size', '6', '--val-fraction', '0.25', '--no-progress'];
    const [frozenRun, textRun, fineTuned] = await Promise.all([
      convkit([...common, '--freeze', 'features', '--freeze', 'classifier.fc1', '--json', '--out', out]),
      convkit([...common, '--freeze', '*']),
      convkit([...common, '--freeze', '*', '--fine-tune-epochs', '1', '--fine-tune-lr', '0.0005', '--json', '--out', join(dir, 'fine-tuned.safetensors')]),
    ]);
    const report = jsonReport(frozenRun);
    assert.deepEqual(report.classes, ['a', 'b', 'c']);
    assert.equal(report.heldOut, 'validation');
    assert.deepEqual([report.trainSamples, report.testSamples], [18, 6], '2 of 8 images per class kept for validation');
    assert.deepEqual(report.frozen, ['features.conv1.weight', 'features.conv1.bias', 'features.conv2.weight', 'features.conv2.bias', 'classifier.fc1.weight', 'classifier.fc1.bias']);
    assert.equal(report.newHead, 3);
    const accuracy = report.testAccuracy as number;
    assert.ok(accuracy >= 0 && accuracy <= 1);

    const { loadSafetensors } = await import('../src/node/weights-files.js');
    const saved = (await loadSafetensors(out)).tensors;
    for (const name of report.frozen as string[]) assert.deepEqual(saved[name].data, source[name].data, `${name} is the loaded value`);
    assert.notDeepEqual(saved['classifier.fc2.weight'].data, source['classifier.fc2.weight'].data, 'fc2 was not frozen: it trained');
    assert.deepEqual(saved['classifier.fc3.weight'].shape, [84, 3]);
    const evaluated = await convkit(['predict', out, join(root, 'b', '0.png'), '--top', '3']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.match(evaluated.stdout, /^[abc]\s+\d+\.\d\d%$/m, 'predict names the folder classes');

    assert.equal(textRun.code, 0, textRun.stderr);
    assert.match(textRun.stdout, /^lenet5 on .*shapes: validation accuracy \d+\.\d\d% \(loss \d+\.\d+, 6 images\) after 1 epoch\(s\) on 18 images/m);
    assert.match(textRun.stdout, /with a new 3-class head; 8 parameter tensor\(s\) frozen/, "'*' freezes everything but the new head");

    const tuned = jsonReport(fineTuned);
    assert.deepEqual([tuned.epochs, tuned.fineTuneEpochs, tuned.fineTuneLr], [1, 1, 0.0005]);
    const tunedWeights = (await loadSafetensors(join(dir, 'fine-tuned.safetensors'))).tensors;
    assert.notDeepEqual(tunedWeights['features.conv1.weight'].data, source['features.conv1.weight'].data, 'fine-tuning trains the features');
  });

  it('--classes and --per-class train on a few images of some MNIST digits, relabelled', async () => {
    const out = join(dir, 'digits5-9.safetensors');
    const report = jsonReport(await convkit(['train', 'lenet5', '--classes', '5-9', '--per-class', '4', '--test-limit', '100', '--epochs', '1', '--no-progress', '--json', '--out', out]));
    assert.deepEqual(report.classes, ['5', '6', '7', '8', '9']);
    assert.equal(report.trainSamples, 20);
    assert.equal(report.testSamples, 100, 'the first 100 test images of digits 5-9');
    // eval scores the same classes, relabelled as in training, so it reproduces the training report.
    const evaluated = jsonReport(await convkit(['eval', out, '--limit', '100', '--json']));
    assert.equal(evaluated.samples, report.testSamples);
    assert.ok(Math.abs((evaluated.accuracy as number) - (report.testAccuracy as number)) < 1e-9, `${evaluated.accuracy} vs ${report.testAccuracy}`);
    // Issue 10 case 10: the first 50 test images hold no 8; the limit counts images of digits 5-9.
    assert.equal(jsonReport(await convkit(['eval', out, '--limit', '50', '--json'])).samples, 50);
  });

  it('issue 10 case 15: a data set of one class is refused, from a folder or by --classes', async () => {
    const oneClass = join(dir, 'one-class');
    await writeImageFolder(oneClass, ['a'], 4);
    const train = (...args: string[]): Promise<unknown> =>
      buildProgram().exitOverride().parseAsync(['train', 'lenet5', '--backend', 'js', '--epochs', '1', '--no-progress', ...args], { from: 'user' });
    await assert.rejects(train('--dataset', oneClass), /^Error: .*one-class has one class \('a'\): a classifier needs two or more \(over one class the softmax is always 1, so the loss is 0 and accuracy 100% whatever the weights\); give a folder with a sub-folder per class, or select two or more --classes$/);
    await assert.rejects(train('--classes', '7', '--limit', '10'), /^Error: mnist has one class \('7'\): a classifier needs two or more/);
  });

  it('fails cleanly on a pattern that matches nothing, a head or weights that do not fit, bad folders and options', async () => {
    const { lenet5 } = await import('../src/models/lenet.js');
    const { saveWeights, saveSafetensors } = await import('../src/node/weights-files.js');
    const rgb = join(dir, 'lenet5-rgb.safetensors');
    await saveWeights(rgb, lenet5({ inChannels: 3 }));
    const partial = join(dir, 'partial.safetensors');
    await saveSafetensors(partial, { 'features.conv1.weight': source['features.conv1.weight'], 'classifier.fc3.weight': source['classifier.fc3.weight'] });
    const folder = ['--dataset', root];
    // One run as a user runs it, for the clean exit; the other failures in-process, which is much faster.
    assertCleanFailure(
      await convkit(['train', 'lenet5', ...folder, '--from', pretrained, '--new-head', '3', '--freeze', 'feature']),
      /--freeze 'feature' matches no trainable parameter of lenet5; a pattern is a module name \(features, classifier\)/,
    );
    const train = (...args: string[]): Promise<unknown> =>
      buildProgram().exitOverride().parseAsync(['train', 'lenet5', '--backend', 'js', '--epochs', '1', '--no-progress', ...args], { from: 'user' });
    await assert.rejects(train(...folder, '--from', pretrained), /its classifier 'classifier\.fc3' has 10 outputs but the data set has 3 classes; pass --new-head 3 to replace it/);
    await assert.rejects(train(...folder, '--from', pretrained, '--new-head', '4'), /--new-head 4: the data set has 3 classes \(a, b, c\)/);
    await assert.rejects(
      train(...folder, '--from', rgb, '--new-head', '3'),
      /--from '.*lenet5-rgb\.safetensors'.*nothing was loaded:\n\s+shape of 'features\.conv1\.weight': saved \[5, 5, 3, 6\], model \[5, 5, 1, 6\]/,
    );
    await assert.rejects(
      train(...folder, '--from', partial, '--new-head', '3'),
      /does not fit LeNet5: missing features\.conv1\.bias, features\.conv2\.weight, .* \(only the classifier 'classifier\.fc3' may be missing with a new head\)/,
    );
    await assert.rejects(train('--dataset', join(dir, 'no-classes')), /ImageFolder: '.*no-classes' has no class folders/);
    await assert.rejects(train('--dataset', join(dir, 'empty-class')), /ImageFolder: class folder '.*empty-class\/b' has no images/);
    await assert.rejects(train(...folder, '--new-head', '3'), /--new-head replaces the classifier of pretrained weights; pass them with --from <weights>/);
    await assert.rejects(train('--classes', '5-12', '--limit', '10'), /--classes: index 12 is out of range in '5-12' \(item '5-12'\); give class names or indices 0\.\.9/);
    await assert.rejects(train('--val-fraction', '0.1', '--limit', '10'), /--val-fraction splits a folder of images; mnist has its own test set/);
  });
});
