// `convkit augment`: the command writes a seeded grid of augmented copies, atomically, and fails clearly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { registerAugmentCommand } from '../cli/augment.js';

async function runAugment(args: string[]): Promise<void> {
  const program = new Command('convkit').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerAugmentCommand(program).exitOverride();
  await program.parseAsync(['augment', ...args], { from: 'user' });
}

describe('convkit augment', () => {
  let dir = '';
  let input = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-augment-'));
    input = join(dir, 'input.png');
    // A diagonal gradient, so flips and warps change the pixels.
    const width = 30;
    const height = 20;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.fill(Math.round((255 * ((i % width) + Math.floor(i / width))) / (width + height)), 3 * i, 3 * i + 2);
    await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toFile(input);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a near-square grid of n copies; the same seed gives the same file, another seed another', async () => {
    const out = (name: string) => join(dir, name);
    await runAugment([input, '--out', out('a.png'), '--n', '4', '--seed', '7']);
    await runAugment([input, '--out', out('b.png'), '--n', '4', '--seed', '7']);
    await runAugment([input, '--out', out('c.png'), '--n', '4', '--seed', '8']);
    const meta = await sharp(out('a.png')).metadata();
    // 2 x 2 copies of 20x30 with make_grid's 2-pixel padding.
    assert.deepEqual([meta.height, meta.width], [2 * 22 + 2, 2 * 32 + 2]);
    assert.deepEqual(await readFile(out('a.png')), await readFile(out('b.png')));
    assert.notDeepEqual(await readFile(out('a.png')), await readFile(out('c.png')));
  });

  it('--size resizes the input first; --nrow sets the grid width', async () => {
    const out = join(dir, 'sized.png');
    await runAugment([input, '--out', out, '--n', '3', '--size', '8x10', '--nrow', '3']);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.height, meta.width], [8 + 4, 3 * 12 + 2]);
  });

  it('a non-image input fails naming the file, and writes nothing', async () => {
    const text = join(dir, 'text.png');
    await writeFile(text, 'hello');
    const before = await readdir(dir);
    await assert.rejects(runAugment([text, '--out', join(dir, 'never.png')]), /readImage: '.*text\.png' is not an image sharp can decode/);
    assert.deepEqual(await readdir(dir), before);
  });

  it('rejects bad option values and a missing --out', async () => {
    await assert.rejects(runAugment([input, '--out', join(dir, 'x.png'), '--size', '8by10']), /Expected HxW with positive integers/);
    await assert.rejects(runAugment([input, '--out', join(dir, 'x.png'), '--n', '0']), /Expected a positive integer/);
    await assert.rejects(runAugment([input]), /required option '--out <file>' not specified/);
  });
});
