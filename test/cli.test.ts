// The convkit command line, run as a user runs it (a child process), through tsx so no build is needed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CommanderError } from 'commander';
import { buildProgram } from '../cli/program.js';
import { Tensor } from '../src/tensor/tensor.js';
import { conv2d } from '../src/ops/conv.js';
import { readImage } from '../src/node/image-io.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function convkit(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { env: { ...process.env, CONVKIT_BACKEND: 'js' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

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
    const commands = ['train', 'eval', 'predict', 'summary', 'filter', 'augment'];
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
