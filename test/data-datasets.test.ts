import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../src/data/idx.js';
import { readIdxFile } from '../src/node/idx-files.js';
import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEBIAN_DIR,
  FASHION_MNIST_NORMALIZATION,
  MNIST_NORMALIZATION,
  loadFashionMnist,
  loadIdxDataset,
  loadMnist,
} from '../src/node/datasets.js';
import type { TensorDataset } from '../src/data/dataset.js';

function classCounts(ds: TensorDataset, numClasses = 10): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of ds.y.data) counts[label]++;
  return counts;
}

function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** A folder with a tiny Fashion-MNIST look-alike: n images of 2x3 pixels, gzipped like Debian's files. */
function writeTinyIdxFolder(n: number, gzip: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-idx-'));
  const pixels = Uint8Array.from({ length: n * 6 }, (_, k) => (k * 37) % 256);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  for (const prefix of ['train', 't10k']) {
    const write = (name: string, bytes: Uint8Array) =>
      writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
    write(`${prefix}-images-idx3-ubyte`, encodeIdx({ dims: [n, 2, 3], dtype: 'uint8', data: pixels }));
    write(`${prefix}-labels-idx1-ubyte`, encodeIdx({ dims: [n], dtype: 'uint8', data: labels }));
  }
  return dir;
}

test('MNIST train: 60,000 images [28, 28, 1] in [0, 1] with the canonical class counts', (t) => {
  const start = performance.now();
  const train = loadMnist({ split: 'train' });
  t.diagnostic(`loadMnist train (47 MB IDX -> float32): ${(performance.now() - start).toFixed(0)} ms`);
  assert.equal(train.length, 60000);
  assert.deepEqual(train.x.shape, [60000, 28, 28, 1]);
  assert.equal(train.x.dtype, 'float32');
  assert.equal(train.y.dtype, 'int32');
  assert.deepEqual(classCounts(train), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  const { mean, std } = meanAndStd(train.x.data as Float32Array);
  assert.ok(Math.min(...train.x.data.subarray(0, 784)) === 0 && Math.max(...train.x.data.subarray(0, 784)) === 1);
  // The published statistics that normalize: true uses, recomputed from the pixels.
  assert.equal(mean.toFixed(4), MNIST_NORMALIZATION.mean.toFixed(4));
  assert.equal(std.toFixed(4), MNIST_NORMALIZATION.std.toFixed(4));
});

test('MNIST test: 10,000 images starting with the labels 7, 2, 1, 0, 4, 1, 4, 9, 5, 9', () => {
  const testSet = loadMnist({ split: 'test' });
  assert.equal(testSet.length, 10000);
  assert.deepEqual([...testSet.y.data.subarray(0, 10)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
});

test('loadMnist limit keeps the first samples; normalize standardises with mean 0.1307 and std 0.3081', () => {
  const plain = loadMnist({ split: 'test', limit: 100 });
  const standardised = loadMnist({ split: 'test', limit: 100, normalize: true });
  assert.equal(plain.length, 100);
  assert.deepEqual(standardised.x.shape, [100, 28, 28, 1]);
  assert.deepEqual([...plain.y.data.subarray(0, 3)], [7, 2, 1]);
  for (let i = 0; i < plain.x.size; i += 97) {
    assert.ok(Math.abs(standardised.x.data[i] - (plain.x.data[i] - 0.1307) / 0.3081) < 1e-6);
  }
  const custom = loadMnist({ split: 'test', limit: 1, normalize: { mean: 0.5, std: 0.5 } });
  assert.equal(custom.x.data[0], -1, 'a black pixel maps to (0 - 0.5) / 0.5');
  assert.equal(loadMnist({ split: 'test', limit: 20000 }).length, 10000, 'a limit above the size keeps everything');
  assert.throws(() => loadMnist({ split: 'test', limit: 0 }), /limit must be a positive integer, got 0/);
  assert.throws(() => loadMnist({ split: 'val' as 'test' }), /split must be 'train' or 'test', got "val"/);
  assert.throws(() => loadMnist({ split: 'test', normalize: { mean: 0, std: 0 } }), /a positive std, got mean 0, std 0/);
});

test('loadIdxDataset reads gzipped and plain IDX pairs into x [N, H, W, 1] and y int32', () => {
  for (const gzip of [true, false]) {
    const dir = writeTinyIdxFolder(12, gzip);
    try {
      const suffix = gzip ? '.gz' : '';
      const ds = loadIdxDataset(join(dir, `train-images-idx3-ubyte${suffix}`), join(dir, `train-labels-idx1-ubyte${suffix}`));
      assert.deepEqual(ds.x.shape, [12, 2, 3, 1]);
      assert.deepEqual([...ds.y.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      assert.ok(Math.abs(ds.x.data[1] - 37 / 255) < 1e-7);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
});

test('readIdxFile and loadIdxDataset name the file when it is missing, truncated or mismatched', () => {
  const dir = writeTinyIdxFolder(4, true);
  try {
    const images = join(dir, 'train-images-idx3-ubyte.gz');
    const labels = join(dir, 'train-labels-idx1-ubyte.gz');
    assert.throws(() => readIdxFile(join(dir, 'nope')), new RegExp(`readIdxFile: cannot read ${join(dir, 'nope')}: no such file`));
    const whole = gzipSync(encodeIdx({ dims: [4, 2, 3], dtype: 'uint8', data: new Uint8Array(24) }));
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    assert.throws(() => readIdxFile(cut), /readIdxFile: .*cut\.gz is not valid gzip data .*truncated/);
    const shortRaw = join(dir, 'short-images');
    writeFileSync(shortRaw, encodeIdx({ dims: [4, 2, 3], dtype: 'uint8', data: new Uint8Array(24) }).subarray(0, 30));
    assert.throws(() => readIdxFile(shortRaw), /parseIdx: .*short-images is truncated: .* 40 bytes expected .* got 30/);
    assert.throws(() => loadIdxDataset(labels, labels), /images must be uint8 \[N, H, W\] or \[N, H, W, C\], got uint8 \[4\]/);
    const otherLabels = join(dir, 'other-labels');
    writeFileSync(otherLabels, encodeIdx({ dims: [5], dtype: 'uint8', data: new Uint8Array(5) }));
    assert.throws(() => loadIdxDataset(images, otherLabels), /4 images but 5 labels/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('loadFashionMnist with a folder that lacks the files explains how to get them and lists the paths tried', () => {
  const bogus = join(tmpdir(), 'convkit-no-such-fashion-mnist');
  assert.throws(
    () => loadFashionMnist({ dir: bogus, split: 'test' }),
    (error: Error) => {
      assert.match(error.message, /loadFashionMnist: the Fashion-MNIST test files were not found/);
      assert.ok(error.message.includes(join(bogus, 't10k-images-idx3-ubyte.gz')), error.message);
      assert.ok(error.message.includes(join(bogus, 't10k-images-idx3-ubyte')), error.message);
      assert.match(error.message, /apt-get install dataset-fashion-mnist/);
      assert.match(error.message, /CONVKIT_FASHION_MNIST_DIR/);
      return true;
    },
  );
});

test('loadFashionMnist reads the folder named by CONVKIT_FASHION_MNIST_DIR', () => {
  const dir = writeTinyIdxFolder(20, true);
  const previous = process.env.CONVKIT_FASHION_MNIST_DIR;
  process.env.CONVKIT_FASHION_MNIST_DIR = dir;
  try {
    const ds = loadFashionMnist({ split: 'test', limit: 15 });
    assert.deepEqual(ds.x.shape, [15, 2, 3, 1]);
  } finally {
    if (previous === undefined) delete process.env.CONVKIT_FASHION_MNIST_DIR;
    else process.env.CONVKIT_FASHION_MNIST_DIR = previous;
    rmSync(dir, { recursive: true });
  }
});

const fashionInstalled = existsSync(join(FASHION_MNIST_DEBIAN_DIR, 'train-images-idx3-ubyte.gz'));

test(
  'Fashion-MNIST from the Debian package: 60,000 training images, 6,000 per class',
  { skip: fashionInstalled ? false : `${FASHION_MNIST_DEBIAN_DIR} is absent (apt-get install dataset-fashion-mnist)` },
  (t) => {
    const start = performance.now();
    const train = loadFashionMnist({ split: 'train' });
    t.diagnostic(`loadFashionMnist train (gunzip + parse): ${(performance.now() - start).toFixed(0)} ms`);
    assert.deepEqual(train.x.shape, [60000, 28, 28, 1]);
    assert.deepEqual(classCounts(train), new Array(10).fill(6000));
    const { mean, std } = meanAndStd(train.x.data as Float32Array);
    assert.equal(mean.toFixed(3), FASHION_MNIST_NORMALIZATION.mean.toFixed(3));
    assert.equal(std.toFixed(3), FASHION_MNIST_NORMALIZATION.std.toFixed(3));
    const testSet = loadFashionMnist({ split: 'test' });
    assert.equal(testSet.length, 10000);
    assert.deepEqual(classCounts(testSet), new Array(10).fill(1000));
    assert.equal(FASHION_MNIST_CLASSES[testSet.y.data[0]], 'Ankle boot');
  },
);
