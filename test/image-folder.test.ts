// ImageFolder on temporary folders of PNGs and JPEGs written with sharp: class mapping, pixels, cache,
// train/validation split, and each error case.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Generator } from '../src/index.js';
import { DataLoader } from '../src/data/index.js';
import { ImageFolder } from '../src/node/image-folder.js';

/** A solid-colour PNG whose red value identifies it (and a green value its class). */
async function writeSolid(path: string, red: number, green: number, size = { width: 6, height: 4 }, format: 'png' | 'jpeg' = 'png'): Promise<void> {
  const image = sharp({ create: { ...size, channels: 3, background: { r: red, g: green, b: 10 } } });
  await writeFile(path, await (format === 'png' ? image.png() : image.jpeg({ quality: 100 })).toBuffer());
}

describe('ImageFolder', () => {
  let base = '';
  let root = '';
  const counts = { zebra: 2, ant: 3, cat: 5 };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'convkit-folder-'));
    root = join(base, 'photos');
    for (const [k, [name, count]] of Object.entries(counts).entries()) {
      await mkdir(join(root, name), { recursive: true });
      for (let i = 0; i < count; i++) await writeSolid(join(root, name, `${i}.png`), 20 * i, 50 * k);
    }
    // Ignored: non-image files, hidden files (macOS ._ resource forks), hidden folders, files at the root.
    await writeFile(join(root, 'cat', 'notes.txt'), 'not an image');
    await writeFile(join(root, 'cat', '._0.png'), 'resource fork');
    await mkdir(join(root, '.ipynb_checkpoints'));
    await writeFile(join(root, 'README.md'), '# photos');
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('maps sorted sub-folder names to labels and reads every image with its class', async () => {
    const folder = await ImageFolder.load(root);
    assert.deepEqual(folder.classes, ['ant', 'cat', 'zebra']);
    assert.deepEqual([...folder.classToIndex], [['ant', 0], ['cat', 1], ['zebra', 2]]);
    assert.equal(folder.length, 10);
    assert.deepEqual([...folder.targets], [0, 0, 0, 1, 1, 1, 1, 1, 2, 2]);
    assert.deepEqual(folder.imageShape, [4, 6, 3]);
    // cat/2.png is sample 5: red 40, green 50 * 2 (cat was written third), blue 10.
    const { x, y } = folder.get(5);
    assert.equal(folder.samples[5].path, join(root, 'cat', '2.png'));
    assert.deepEqual(x.shape, [4, 6, 3]);
    assert.equal(y.dtype, 'int32');
    assert.deepEqual(y.shape, []);
    assert.equal(y.item(), 1);
    assert.deepEqual(x.toFlatArray().slice(0, 3), [40 / 255, 100 / 255, 10 / 255].map(Math.fround));
  });

  it('getBatch agrees with get, and the DataLoader batches it', async () => {
    const folder = await ImageFolder.load(root, { size: [3, 3], channels: 1 });
    assert.deepEqual(folder.imageShape, [3, 3, 1]);
    const batch = folder.getBatch([9, 0]);
    assert.deepEqual(batch.x.shape, [2, 3, 3, 1]);
    assert.deepEqual([...batch.y.data], [2, 0]);
    assert.deepEqual(batch.x.toFlatArray(), [...folder.get(9).x.data, ...folder.get(0).x.data]);
    const batches = [...new DataLoader(folder, { batchSize: 4, shuffle: true, generator: new Generator(1) })];
    assert.deepEqual(batches.map((b) => b.x.shape[0]), [4, 4, 2]);
  });

  it('decodes once into an 8-bit cache: samples survive the files being deleted', async () => {
    const copy = join(base, 'copy');
    await mkdir(join(copy, 'a'), { recursive: true });
    await mkdir(join(copy, 'b'));
    await writeSolid(join(copy, 'a', '1.png'), 200, 0);
    await writeSolid(join(copy, 'b', '1.jpg'), 0, 200, { width: 8, height: 8 }, 'jpeg');
    const folder = await ImageFolder.load(copy, { size: [4, 4] });
    assert.equal(folder.cacheBytes, 2 * 4 * 4 * 3);
    const before = folder.get(1).x.toFlatArray();
    await rm(copy, { recursive: true });
    assert.deepEqual(folder.get(1).x.toFlatArray(), before);
    assert.ok(Math.abs(before[1] - 200 / 255) < 3 / 255, `JPEG green ${before[1] * 255}`);
  });

  it('trainValSplit keeps the class balance, is disjoint and seeded', async () => {
    const folder = await ImageFolder.load(root);
    const { train, val } = folder.trainValSplit(0.4, new Generator(3));
    // round(count * 0.4) per class: ant 3 -> 1, cat 5 -> 2, zebra 2 -> 1.
    assert.equal(val.length, 4);
    assert.equal(train.length, 6);
    const valLabels = [...val.indices].map((i) => folder.targets[i]).sort();
    assert.deepEqual(valLabels, [0, 1, 1, 2]);
    assert.deepEqual([...train.indices, ...val.indices].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual([...folder.trainValSplit(0.4, new Generator(3)).val.indices], [...val.indices]);
    assert.deepEqual(val.get(0).x.toFlatArray(), folder.get(val.indices[0]).x.toFlatArray());
    assert.throws(() => folder.trainValSplit(1), /ImageFolder.trainValSplit: valFraction must lie in \[0, 1\), got 1/);
  });

  it('errors: missing root, a file as root, no class folders', async () => {
    await assert.rejects(ImageFolder.load(join(base, 'nowhere')), /ImageFolder: root folder '.*nowhere' cannot be read: ENOENT/);
    await assert.rejects(ImageFolder.load(join(root, 'README.md')), /ImageFolder: root '.*README\.md' is a file, not a folder of class folders/);
    const flat = join(base, 'flat');
    await mkdir(flat);
    await writeSolid(join(flat, 'loose.png'), 1, 1);
    await assert.rejects(ImageFolder.load(flat), /ImageFolder: '.*flat' has no class folders; put each class's images in its own sub-folder/);
  });

  it('errors: an empty class folder is named', async () => {
    const withEmpty = join(base, 'with-empty');
    await mkdir(join(withEmpty, 'full'), { recursive: true });
    await mkdir(join(withEmpty, 'empty'));
    await writeFile(join(withEmpty, 'empty', 'readme.txt'), 'no images here');
    await writeSolid(join(withEmpty, 'full', '1.png'), 1, 1);
    await assert.rejects(ImageFolder.load(withEmpty), /ImageFolder: class folder '.*with-empty\/empty' has no images \(extensions read: \.png, \.jpg/);
  });

  it('errors: an undecodable file is named and nothing is returned', async () => {
    const broken = join(base, 'broken');
    await mkdir(join(broken, 'a'), { recursive: true });
    for (let i = 0; i < 6; i++) await writeSolid(join(broken, 'a', `${i}.png`), i, i);
    await writeFile(join(broken, 'a', '3.png'), 'definitely not a PNG');
    await assert.rejects(ImageFolder.load(broken, { concurrency: 2 }), /ImageFolder: readImage: '.*broken\/a\/3\.png' is not an image sharp can decode \(sharp: /);
  });

  it('errors: images of different sizes without a size option', async () => {
    const mixed = join(base, 'mixed');
    await mkdir(join(mixed, 'a'), { recursive: true });
    await writeSolid(join(mixed, 'a', '1.png'), 1, 1, { width: 4, height: 4 });
    await writeSolid(join(mixed, 'a', '2.png'), 1, 1, { width: 5, height: 4 });
    await assert.rejects(ImageFolder.load(mixed), /ImageFolder: '.*2\.png' is 5x4 but '.*1\.png' is 4x4; pass \{ size: \[height, width\] \} to resize every image/);
    assert.equal((await ImageFolder.load(mixed, { size: [4, 4] })).length, 2);
    await assert.rejects(ImageFolder.load(mixed, { channels: 2 as never }), /ImageFolder: channels must be 1 or 3, got 2/);
  });
});
