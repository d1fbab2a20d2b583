// convkit detect train / detect val as a user runs them (child processes) on a small Ultralytics dataset of
// coloured squares written to disk: the JSON contracts, the per-epoch log and checkpoint, --resume, the
// pictures, and the errors for bad input.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { runConvkit, lastJson } from './helpers/run-cli.js';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { zeros } from '../src/index.js';
import { serializeSafetensors } from '../src/io/safetensors.js';
import { SquareScenes, writeSquareScenes } from './helpers/detection-scenes.js';

const convkit = (args: string[]) => runConvkit(args);

let dir = '';
let data = '';
const SMALL = ['--size', '32', '--depth', '3', '--width', '0.25', '--anchors', '2', '--lr', '3e-3', '--batch', '16'];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convkit-detect-cli-'));
  data = await writeSquareScenes(dir, { train: new SquareScenes(96, 32, 1), val: new SquareScenes(32, 32, 2) });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('detect train writes the detector, a checkpoint, a JSON-lines log and the curves; detect val reports the contract JSON; --resume continues', async () => {
  const out = join(dir, 'det.safetensors');
  const log = join(dir, 'run.jsonl');
  const curve = join(dir, 'curve.png');
  const trained = await convkit(['detect', 'train', '--data', data, '--epochs', '12', '--out', out, '--log', log, '--plot', curve, '--no-progress', '--json', ...SMALL]);
  assert.equal(trained.code, 0, trained.stderr);
  const report = lastJson(trained.stdout) as { mAP50: number; mAP50_95: number; epochs: number; history: Record<string, number>[] };
  assert.equal(report.epochs, 12);
  assert.ok(report.history[11].loss < 0.5 * report.history[0].loss, `loss ${report.history[0].loss} -> ${report.history[11].loss}`);
  assert.ok(report.mAP50 > 0.4, `mAP50 ${report.mAP50}`);
  const epochs = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.event === 'epoch');
  assert.equal(epochs.length, 12);
  for (const key of ['loss', 'box', 'objectness', 'noObject', 'classes', 'valMAP50', 'valMAP50_95', 'lr', 'seconds']) assert.equal(typeof epochs[11][key], 'number', key);
  // Three panels (loss terms, validation mAP, learning rate) of 560 x 240 plot pixels each, at scale 2.
  const picture = await sharp(curve).metadata();
  assert.ok(picture.format === 'png' && picture.width! > 2 * 560 && picture.height! > 2 * 3 * 240, `${picture.format} ${picture.width}x${picture.height}`);
  assert.ok((await stat(`${out}.ckpt`)).size > 0, 'the checkpoint is written');

  const val = await convkit(['detect', 'val', out, '--data', data, '--json', '--plot', join(dir, 'pr.png')]);
  assert.equal(val.code, 0, val.stderr);
  const result = lastJson(val.stdout);
  assert.deepEqual(Object.keys(result), ['mAP50', 'mAP50_95', 'perClass', 'images', 'instances']);
  assert.deepEqual(Object.keys((result.perClass as object[])[0]), ['classId', 'label', 'ap50', 'ap50_95']);
  assert.deepEqual((result.perClass as { label: string }[]).map((c) => c.label), ['red', 'green']);
  assert.equal(result.images, 32);
  // The same network, data and thresholds as training's last validation.
  assert.equal(result.mAP50, report.mAP50);
  assert.equal(result.mAP50_95, report.mAP50_95);
  assert.match(val.stdout, /^red +instances +\d+ +P [\d.]+ +R [\d.]+ +AP50 [\d.]+ +AP50-95 [\d.]+$/m);
  assert.ok((await sharp(join(dir, 'pr.png')).metadata()).width! > 2 * 480, 'a 480 px plot at scale 2, plus its axes');

  const resumed = await convkit(['detect', 'train', '--data', data, '--epochs', '14', '--out', out, '--resume', '--no-progress', '--json', '--lr', '3e-3', '--batch', '16']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const more = lastJson(resumed.stdout) as { epochs: number; size: number; depth: number; history: Record<string, number>[] };
  assert.equal(more.epochs, 14);
  assert.deepEqual([more.size, more.depth], [32, 3], 'the network comes from the checkpoint, not the default --size and --depth');
  assert.deepEqual(more.history.slice(0, 12).map((e) => e.loss), report.history.map((e) => e.loss));
});

it('detect train --augment trains on augmented images (same seed, other losses), and --time-clock cpu runs', async () => {
  const run = (extra: string[]) => convkit(['detect', 'train', '--data', data, '--epochs', '2', '--out', join(dir, 'aug.safetensors'), '--no-progress', '--json', ...SMALL, ...extra]);
  const [plain, augmented] = [await run([]), await run(['--augment', '--mosaic', '1', '--hsv', '0.015,0.7,0.4'])];
  assert.equal(augmented.code, 0, augmented.stderr);
  const losses = (r: { stdout: string }) => (lastJson(r.stdout) as { history: { loss: number }[] }).history.map((e) => e.loss);
  assert.equal(losses(augmented).length, 2);
  assert.ok(losses(augmented).every(Number.isFinite));
  assert.notDeepEqual(losses(augmented), losses(plain));
  const cpu = await run(['--time', '10', '--time-clock', 'cpu']);
  assert.equal(cpu.code, 0, cpu.stderr);
  const report = lastJson(cpu.stdout) as { epochs: number; cpuSeconds: number; threads: number };
  assert.equal(report.epochs, 2);
  assert.ok(report.cpuSeconds > 0 && report.threads >= 1);
});

it('detect train and val fail with one clear line on bad input', async () => {
  const noCheckpoint = await convkit(['detect', 'train', '--data', data, '--out', join(dir, 'none.safetensors'), '--resume']);
  assert.equal(noCheckpoint.code, 1);
  assert.match(noCheckpoint.stderr, /--resume: no checkpoint at '.*none\.safetensors\.ckpt'/);
  const badSize = await convkit(['detect', 'train', '--data', data, '--out', join(dir, 'x.safetensors'), '--size', '40', '--depth', '4']);
  assert.equal(badSize.code, 1);
  assert.match(badSize.stderr, /--size 40 must be a multiple of 2\^depth = 16 \(--depth 4\)/);
  const plain = join(dir, 'plain.safetensors');
  await writeFile(plain, serializeSafetensors({ w: zeros([2]) }));
  const notDetector = await convkit(['detect', 'val', plain, '--data', data]);
  assert.equal(notDetector.code, 1);
  assert.match(notDetector.stderr, /not a detector saved by convkit detect train \(no 'convkit\.detector' metadata\)/);
  const badHsv = await convkit(['detect', 'train', '--data', data, '--out', join(dir, 'x.safetensors'), '--hsv', '0.1,0.7']);
  assert.equal(badHsv.code, 1);
  assert.match(badHsv.stderr, /--hsv <h,s,v>' argument '0\.1,0\.7' is invalid\. Expected three gains h,s,v/);
  const badClock = await convkit(['detect', 'train', '--data', data, '--out', join(dir, 'x.safetensors'), '--time-clock', 'gpu']);
  assert.equal(badClock.code, 1);
  assert.match(badClock.stderr, /Expected wall or cpu/);
  for (const r of [noCheckpoint, badSize, notDetector, badHsv, badClock]) assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
});
