// Data for transfer learning (the dataset registry of convkit/node, class selection of convkit/train): folders
// of class sub-folders split into training and validation images at the model's input shape, and class
// selections such as "5-9" or "cat,dog".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { getDataset, openDataset } from '../src/node/dataset-registry.js';
import { parseClassSelection, selectClasses } from '../src/train/class-selection.js';

const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

describe('parseClassSelection', () => {
  it('reads names, indices and ranges, in the order given', () => {
    assert.deepEqual(parseClassSelection('5-9', MNIST_CLASSES), [5, 6, 7, 8, 9]);
    assert.deepEqual(parseClassSelection('4, 0,2-3', MNIST_CLASSES), [4, 0, 2, 3]);
    assert.deepEqual(parseClassSelection('dog,cat', ['bird', 'cat', 'dog']), [2, 1]);
    assert.deepEqual(parseClassSelection('2', ['10', '2', '3']), [1], "a class's name wins over its index");
    assert.deepEqual(parseClassSelection('0', ['10', '2', '3']), [0], 'an index where no class has the name');
  });

  it('rejects unknown names, ranges out of bounds or backwards, repeats', () => {
    assert.throws(() => parseClassSelection('cat,cow', ['cat', 'dog']), /^Error: parseClassSelection: not a class name, an index or a range in 'cat,cow' \(item 'cow'\); .*classes: cat, dog/);
    assert.throws(() => parseClassSelection('8-10', MNIST_CLASSES), /parseClassSelection: index 10 is out of range in '8-10'/);
    assert.throws(() => parseClassSelection('7-5', MNIST_CLASSES), /parseClassSelection: a range that runs backwards in '7-5'/);
    assert.throws(() => parseClassSelection('1-3,2', MNIST_CLASSES), /parseClassSelection: '1-3,2' selects class 2 twice/);
    assert.throws(() => parseClassSelection('x', MNIST_CLASSES, { source: '--classes' }), /^Error: --classes: not a class name/, 'errors name the given source');
  });
});

describe('selectClasses on MNIST', () => {
  it('relabels the chosen digits 0..k-1, limits training images per class and keeps every test image', () => {
    const digits = selectClasses(getDataset('mnist'), { classes: [7, 3], perClass: 5 });
    assert.deepEqual(digits.classes, ['7', '3']);
    const train = digits.load('train', 2000);
    assert.equal(train.length, 10);
    const test = digits.load('test', 300);
    const full = getDataset('mnist').load('test');
    const all = full.getBatch!(Array.from({ length: full.length }, (_, i) => i)).y.data;
    const expected = Array.from(all).filter((d) => d === 7 || d === 3).map((d) => (d === 7 ? 0 : 1)).slice(0, 300);
    assert.equal(test.length, 300, 'the limit counts images of the selected classes');
    assert.deepEqual([...test.getBatch!(Array.from({ length: test.length }, (_, i) => i)).y.data], expected);
    assert.equal(selectClasses(getDataset('mnist'), {}), getDataset('mnist'), 'no selection: the data set itself');
    const byName = selectClasses(getDataset('mnist'), { classes: ['3', 7] });
    assert.deepEqual(byName.classes, ['3', '7'], 'names and indices mix');
  });

  it('issue 10 case 10: a small limit takes the first images of the selected classes, so none is missing', () => {
    // The first 50 MNIST test images hold no 8 (the old error: "ClassSubset: no samples of class(es) 8 among 50").
    const full = getDataset('mnist').load('test');
    const labels = Array.from(full.getBatch!(Array.from({ length: full.length }, (_, i) => i)).y.data);
    assert.ok(!labels.slice(0, 50).includes(8));
    const test = selectClasses(getDataset('mnist'), { classes: [5, 6, 7, 8, 9] }).load('test', 50);
    const expected = labels.filter((d) => d >= 5).slice(0, 50).map((d) => d - 5);
    assert.deepEqual([...test.getBatch!(Array.from({ length: 50 }, (_, i) => i)).y.data], expected);
    assert.ok(expected.includes(3), 'class 8 (new label 3) is among them');
  });

  it('rejects unknown names and indices, repeats and a bad perClass before loading anything', () => {
    const mnist = getDataset('mnist');
    assert.throws(() => selectClasses(mnist, { classes: ['cat'] }), /selectClasses: mnist has no class 'cat'; its classes: 0, 1, 2/);
    assert.throws(() => selectClasses(mnist, { classes: [10] }), /selectClasses: mnist has no class index 10 \(valid: 0\.\.9\)/);
    assert.throws(() => selectClasses(mnist, { classes: [3, '3'] }), /selectClasses: class 3 of mnist is selected twice/);
    assert.throws(() => selectClasses(mnist, { classes: [] }), /selectClasses: no classes selected of mnist/);
    assert.throws(() => selectClasses(mnist, { perClass: 0 }), /selectClasses: perClass must be a positive integer, got 0/);
  });
});

describe('openDataset on a folder', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'convkit-transfer-data-'));
    for (const [k, name] of ['cat', 'dog'].entries()) {
      await mkdir(join(root, 'pets', name), { recursive: true });
      for (let i = 0; i < 5; i++) {
        await sharp({ create: { width: 12, height: 9, channels: 3, background: { r: 40 * i, g: 100 * k, b: 20 } } }).png().toFile(join(root, 'pets', name, `${i}.png`));
      }
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('decodes at the model input shape and splits each class into training and validation images', async () => {
    const pets = await openDataset(join(root, 'pets'), { inputShape: [16, 16, 1], valFraction: 0.4, seed: 3 });
    assert.deepEqual(pets.classes, ['cat', 'dog']);
    assert.equal(pets.heldOut, 'validation');
    const train = pets.load('train');
    const val = pets.load('test');
    assert.deepEqual([train.length, val.length], [6, 4], '2 of 5 images per class kept for validation');
    assert.deepEqual(train.get(0).x.shape, [16, 16, 1]);
    assert.equal(pets.load('train', 4).length, 4, '--limit takes the first n');
    const labels = (n: number, d: typeof val): number[] => [...d.getBatch!(Array.from({ length: n }, (_, i) => i)).y.data];
    assert.deepEqual(labels(4, val), [0, 0, 1, 1]);
    const dogs = selectClasses(pets, { classes: ['dog'], perClass: 2 });
    assert.deepEqual([dogs.classes, dogs.load('train').length, labels(2, dogs.load('test'))], [['dog'], 2, [0, 0]]);
  });

  it('names the folder, the split and the option when it cannot be used', async () => {
    const options = { inputShape: [16, 16, 3] as [number, number, number], valFraction: 0.2, seed: 0 };
    await assert.rejects(openDataset(join(root, 'pets'), { ...options, valFraction: 0.05 }), /openDataset: '.*pets' has too few images \(10 in 2 classes\) for valFraction 0\.05: the validation split is empty/);
    await assert.rejects(openDataset(join(root, 'pets'), { ...options, valFraction: 1 }), /openDataset: valFraction must lie strictly between 0 and 1, got 1/);
    await assert.rejects(openDataset(join(root, 'pets'), { ...options, inputShape: [16, 16, 4] }), /openDataset: a folder of images gives 1 \(gray\) or 3 \(RGB\) channels, but the model reads 4/);
    await assert.rejects(openDataset(join(root, 'missing'), options), /ImageFolder: root folder '.*missing' cannot be read/);
    await assert.rejects(openDataset('cifar', options), /openDataset: unknown dataset 'cifar'; available: mnist, fashion-mnist, or a folder with one sub-folder of images per class/);
  });
});
