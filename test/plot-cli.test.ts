// convkit plot and convkit train --plot: the picture's size, its lines holding the logged values, the file
// replaced whole (no temporary left beside it), and bad logs refused with the file and line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { lastJson, runConvkit } from './helpers/run-cli.js';
import { lineLabelled, svgLines } from './helpers/svg-lines.js';

const convkit = (args: string[]) => runConvkit(args, { env: { CONVKIT_BACKEND: 'js' } });
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convkit-plot-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

const LOG = [
  { event: 'start', epochs: 2, initialEpoch: 0, stepsPerEpoch: 2 },
  { event: 'epoch', epoch: 1, loss: 1.2, accuracy: 0.6, lr: 0.002, seconds: 1 },
  { event: 'epoch', epoch: 2, loss: 0.7, accuracy: 0.8, lr: 0.001, seconds: 1 },
].map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('convkit plot', () => {
  it('writes an SVG and a PNG of the same chart, the PNG at twice its size, atomically', async () => {
    const log = join(dir, 'run.jsonl');
    await writeFile(log, LOG);
    const svgRun = await convkit(['plot', log, '--out', join(dir, 'curves.svg'), '--json']);
    assert.equal(svgRun.code, 0, svgRun.stderr);
    const svgResult = lastJson<{ width: number; height: number; format: string; epochs: number }>(svgRun.stdout);
    const svg = await readFile(join(dir, 'curves.svg'), 'utf8');
    assert.deepEqual([svgResult.format, svgResult.epochs], ['svg', 2]);
    assert.match(svg, new RegExp(`^<svg [^>]*width="${svgResult.width}" height="${svgResult.height}"`));
    assert.equal(lineLabelled(svgLines(svg), 'loss').pieces[0].length, 2);

    await writeFile(join(dir, 'curves.png'), 'old contents');
    const pngRun = await convkit(['plot', log, '--out', join(dir, 'curves.png'), '--json']);
    assert.equal(pngRun.code, 0, pngRun.stderr);
    const png = lastJson<{ width: number; height: number }>(pngRun.stdout);
    const meta = await sharp(join(dir, 'curves.png')).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', png.width, png.height]);
    assert.deepEqual([png.width, png.height], [2 * svgResult.width, 2 * svgResult.height]);
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  });

  it('refuses bad logs and outputs, naming the file and line', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${LOG}{"event":"epoch","epoch":3,"loss":"high"}\n`);
    const [badLine, missing, extension] = await Promise.all([
      convkit(['plot', bad, '--out', join(dir, 'bad.png')]),
      convkit(['plot', join(dir, 'none.jsonl'), '--out', join(dir, 'none.png')]),
      convkit(['plot', bad, '--out', join(dir, 'curves.gif')]),
    ]);
    assert.notEqual(badLine.code, 0);
    assert.match(badLine.stderr, /bad\.jsonl:4: 'loss' is "high"; the values of epoch records must be numbers/);
    assert.match(missing.stderr, /cannot read the training log '.*none\.jsonl'/);
    assert.match(extension.stderr, /curves\.gif' must end in \.png or \.svg/);
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('bad.png') || f.startsWith('none.png')), [], 'nothing written');
  });
});

describe('convkit train --plot', () => {
  it("draws the run's epochs at the end; its --log with --log-steps plots per step too", async () => {
    const log = join(dir, 'train.jsonl');
    const train = await convkit(['train', 'lenet5', '--limit', '64', '--test-limit', '20', '--epochs', '2', '--batch-size', '16', '--no-progress', '--log', log, '--log-steps', '1', '--plot', join(dir, 'train.svg')]);
    assert.equal(train.code, 0, train.stderr);
    const svg = await readFile(join(dir, 'train.svg'), 'utf8');
    const drawn = svgLines(svg);
    for (const label of ['loss', 'accuracy', 'lr']) assert.equal(lineLabelled(drawn, label).pieces[0].length, 2, `${label}: one vertex per epoch`);
    const replot = await convkit(['plot', log, '--out', join(dir, 'steps.svg'), '--json']);
    assert.equal(replot.code, 0, replot.stderr);
    const result = lastJson<{ epochs: number; steps: number; series: Array<{ label: string; points: number }> }>(replot.stdout);
    assert.deepEqual([result.epochs, result.steps], [2, 8], '64 images in batches of 16: 4 steps an epoch');
    assert.equal(result.series.find((s) => s.label === 'batchLoss (step)')?.points, 8);
    assert.equal(lineLabelled(svgLines(await readFile(join(dir, 'steps.svg'), 'utf8')), 'batchLoss (step)').pieces[0].length, 8);
  });
});
