// Issue 10, case 8: a shape too large to allocate gets an error naming the op, the shape and the bytes
// needed, before anything is allocated (old: a bare "RangeError: Invalid typed array length").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { F, randn, shapeOnly, zeros } from '../src/index.js';
import { augmentPreview } from '../src/data/index.js';
import { readImage, writeImage } from '../src/node/index.js';
import { registerAugmentCommand } from '../cli/augment.js';

/** Matches an error that is not a RangeError and names the op, the shape and the bytes. */
function tooLarge(op: string, shape: number[], bytes: number): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof Error && !(error instanceof RangeError), `expected a plain Error, got ${String(error)}`);
    assert.ok(error.message.startsWith(`${op}: `), error.message);
    assert.ok(error.message.includes(`[${shape.join(', ')}]`), error.message);
    assert.ok(error.message.includes(`${bytes.toLocaleString('en-US')} bytes`), error.message);
    return true;
  };
}

describe('sizes are checked before allocating', () => {
  it('creation functions name themselves, the shape and the bytes', () => {
    assert.throws(() => zeros([100000, 100000]), tooLarge('zeros', [100000, 100000], 4e10));
    assert.throws(() => zeros([1, 100000, 100000, 3], { dtype: 'float64' }), tooLarge('zeros', [1, 100000, 100000, 3], 2.4e11));
    assert.throws(() => randn([100000, 100000]), tooLarge('random tensor', [100000, 100000], 4e10));
  });

  it('ops whose output outgrows their inputs check the output shape', () => {
    const pixel = zeros([1, 1, 1, 3]);
    assert.throws(() => F.conv2d(pixel, zeros([3, 3, 3, 4]), null, { padding: 100000 }), tooLarge('conv2d', [1, 199999, 199999, 4], 199999 * 199999 * 16));
    const widths = [[0, 0], [100000, 100000], [100000, 100000], [0, 0]] as const;
    assert.throws(() => F.pad(pixel, widths), tooLarge('pad', [1, 200001, 200001, 3], 200001 * 200001 * 12));
    assert.throws(() => F.pad(pixel, [[0, 0], [0, 0], [0, 0], [0, 2 ** 32]], { mode: 'replicate' }), tooLarge('pad', [1, 1, 1, 2 ** 32 + 3], (2 ** 32 + 3) * 4));
    assert.throws(() => F.matmul(zeros([100000, 1]), zeros([1, 100000])), tooLarge('matmul', [100000, 100000], 4e10));
    assert.throws(() => F.add(zeros([100000, 1]), zeros([1, 100000])), tooLarge('add', [100000, 100000], 4e10));
    assert.throws(() => F.interpolate(pixel, { size: [100000, 100000] }), tooLarge('interpolate', [1, 100000, 100000, 3], 1.2e11));
  });

  it('shape-only tensors are not limited: no storage is made', () => {
    const y = F.conv2d(shapeOnly([1, 1, 1, 3]), shapeOnly([3, 3, 3, 4]), null, { padding: 100000 });
    assert.deepEqual(y.shape, [1, 199999, 199999, 4]);
  });

  it('an augmentation grid too large for memory names augmentPreview and the grid shape', () => {
    // A shape-only image: the check comes before any pixel is read.
    assert.throws(() => augmentPreview(shapeOnly([20000, 20000, 3]), { n: 16 }), tooLarge('augmentPreview', [16, 20000, 20000, 3], 7.68e10));
  });
});

describe('readImage and convkit augment --size', () => {
  let dir = '';
  let image = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-size-'));
    image = join(dir, 'small.png');
    await writeImage(image, zeros([4, 4, 3]));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a resize too large blames the size, not the (valid) image', async () => {
    await assert.rejects(readImage(image, { size: [100000, 100000] }), tooLarge('readImage (size)', [100000, 100000, 3], 1.2e11));
    assert.deepEqual((await readImage(image, { size: [6, 5] })).shape, [6, 5, 3], 'a sane size still resizes');
  });

  it('convkit augment --size 100000x100000 fails with the shape and bytes and writes nothing', async () => {
    const program = new Command('convkit').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerAugmentCommand(program).exitOverride();
    const out = join(dir, 'grid.png');
    await assert.rejects(
      program.parseAsync(['augment', image, '--out', out, '--size', '100000x100000'], { from: 'user' }),
      (error: Error) => !/not an image/.test(error.message) && tooLarge('readImage (size)', [100000, 100000, 3], 1.2e11)(error),
    );
    assert.deepEqual(await readdir(dir), ['small.png']);
  });
});
