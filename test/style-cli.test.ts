// convkit style (issue 13 item 10), run as a user runs it: a child process through tsx.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runConvkit } from './helpers/run-cli.js';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { parseTrainingLog } from '../src/data/training-log.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const convkit = (args: string[]) => runConvkit(args);

let dir = '';
let content = '';
let style = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convkit-style-'));
  content = join(dir, 'content.png');
  style = join(dir, 'style.png');
  const pixels = (w: number, h: number, f: (x: number, y: number) => number[]) =>
    Buffer.from(Array.from({ length: w * h }, (_, i) => f(i % w, Math.floor(i / w))).flat());
  await sharp(pixels(48, 32, (x, y) => [x * 5, y * 7, 128]), { raw: { width: 48, height: 32, channels: 3 } }).png().toFile(content);
  await sharp(pixels(32, 32, (x, y) => ((x >> 2) + (y >> 2)) % 2 ? [240, 200, 40] : [20, 40, 120]), { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(style);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('convkit style', () => {
  it('writes the image at --size and ends --json output with the contract line', async () => {
    const out = join(dir, 'out.png');
    const log = join(dir, 'style.jsonl');
    const r = await convkit(['style', content, style, '--out', out, '--size', '48', '--steps', '4', '--save-every', '2', '--log', log, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.deepEqual(Object.keys(last), ['out', 'steps', 'contentCost', 'styleCost', 'totalCost', 'seconds']);
    assert.equal(last.out, out);
    assert.equal(last.steps, 4);
    for (const key of ['contentCost', 'styleCost', 'totalCost', 'seconds']) assert.ok(Number.isFinite(last[key]) && last[key] >= 0, key);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.width, meta.height], [48, 32]);
    assert.ok((await stat(join(dir, 'out_2.png'))).size > 0, '--save-every 2 wrote out_2.png');
    assert.match(r.stderr, /step 4\/4 \(48x32\) \| content \S+ style \S+ tv \S+ total \S+/, 'progress with each cost term');
    // --log: one step record per step, the last one with the final costs, readable by convkit plot.
    const logged = parseTrainingLog(await readFile(log, 'utf8'), log);
    assert.deepEqual(logged.steps.map((p) => p.x), [1, 2, 3, 4]);
    assert.deepEqual([logged.steps[3].values.content, logged.steps[3].values.style, logged.steps[3].values.total], [last.contentCost, last.styleCost, last.totalCost]);
  });

  it('takes the optimiser, init, colours, layers and several styles', async () => {
    const out = join(dir, 'adam.png');
    const r = await convkit([
      'style', content, style, style, '--out', out, '--size', '32', '--steps', '2', '--optimizer', 'adam', '--init', 'noise',
      '--preserve-colors', '--style-blend', '1,3', '--content-layer', 'relu3_1', '--style-layers', 'relu1_1,relu2_1', '--tv-weight', '0.1', '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).steps, 2);
  });

  it('rejects bad input with a message and no stack trace', async () => {
    const unknown = await convkit(['style', content, style, '--out', join(dir, 'x.png'), '--network', 'resnet999']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown network 'resnet999'; use one of vgg19-random, vgg19-random-softmax, mobilenetv2/);
    assert.doesNotMatch(unknown.stderr, /^\s+at /m);
    const badOptimizer = await convkit(['style', content, style, '--out', join(dir, 'x.png'), '--optimizer', 'sgd']);
    assert.match(badOptimizer.stderr, /Expected one of lbfgs, adam/);
    const badOut = await convkit(['style', content, style, '--out', join(dir, 'x.gif')]);
    assert.match(badOut.stderr, /--out '.*x\.gif' must end in \.png, \.jpg or \.jpeg/);
  });
});
