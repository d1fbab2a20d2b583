import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../src/tensor/tensor.js';
import { Generator } from '../src/util/random.js';
import {
  DataLoader,
  TensorDataset,
  Subset,
  TransformDataset,
  randomSplit,
  collate,
  type Dataset,
  type Sample,
} from '../src/data/index.js';

/** n samples: x[i] is a 2x2x1 image filled with i * 10 + position, y[i] = i. */
function numberedDataset(n: number): TensorDataset {
  const x = Float32Array.from({ length: n * 4 }, (_, k) => Math.floor(k / 4) * 10 + (k % 4));
  return new TensorDataset(new Tensor(x, [n, 2, 2, 1]), new Tensor(Int32Array.from({ length: n }, (_, i) => i), [n]));
}

/** A dataset without getBatch, so the loader has to stack samples itself. */
function withoutGetBatch(dataset: Dataset): Dataset {
  return { length: dataset.length, get: (i) => dataset.get(i) };
}

function labelsOf(loader: DataLoader): number[][] {
  return [...loader].map((batch) => [...batch.y.data]);
}

test('TensorDataset.get returns copies of row i; getBatch stacks the requested rows', () => {
  const ds = numberedDataset(5);
  assert.equal(ds.length, 5);
  const sample = ds.get(3);
  assert.deepEqual(sample.x.shape, [2, 2, 1]);
  assert.deepEqual([...sample.x.data], [30, 31, 32, 33]);
  assert.deepEqual(sample.y.shape, []);
  assert.equal(sample.y.item(), 3);
  sample.x.data[0] = -1;
  assert.equal(ds.get(3).x.data[0], 30, 'changing a sample must not change the dataset');

  const batch = ds.getBatch([4, 0, 4]);
  assert.deepEqual(batch.x.shape, [3, 2, 2, 1]);
  assert.equal(batch.x.dtype, 'float32');
  assert.deepEqual([...batch.x.data], [40, 41, 42, 43, 0, 1, 2, 3, 40, 41, 42, 43]);
  assert.equal(batch.y.dtype, 'int32');
  assert.deepEqual([...batch.y.data], [4, 0, 4]);
});

test('TensorDataset rejects mismatched lengths and out-of-range indices', () => {
  assert.throws(
    () => new TensorDataset(new Tensor(new Float32Array(6), [3, 2]), new Tensor(new Int32Array(2), [2])),
    /TensorDataset: x \[3, 2\] and y \[2\] must have the same, non-scalar first dimension/,
  );
  const ds = numberedDataset(4);
  assert.throws(() => ds.get(4), /TensorDataset\.get: index 4 is out of range for a dataset of length 4 \(valid: 0\.\.3\)/);
  assert.throws(() => ds.get(1.5), /index 1\.5 is out of range/);
  assert.throws(() => ds.getBatch([0, -1]), /TensorDataset\.getBatch: index -1 is out of range/);
});

test('DataLoader batches in order, with a short last batch unless dropLast', () => {
  const ds = numberedDataset(10);
  const loader = new DataLoader(ds, { batchSize: 3 });
  assert.equal(loader.length, 4);
  const batches = [...loader];
  assert.deepEqual(batches.map((b) => b.x.shape), [[3, 2, 2, 1], [3, 2, 2, 1], [3, 2, 2, 1], [1, 2, 2, 1]]);
  assert.deepEqual(labelsOf(loader), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  assert.deepEqual([...batches[3].x.data], [90, 91, 92, 93]);

  const dropping = new DataLoader(ds, { batchSize: 3, dropLast: true });
  assert.equal(dropping.length, 3);
  assert.deepEqual(labelsOf(dropping), [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);

  const exact = new DataLoader(numberedDataset(6), { batchSize: 3, dropLast: true });
  assert.equal(exact.length, 2);
  assert.equal(new DataLoader(ds).batchSize, 32);
  assert.deepEqual(labelsOf(new DataLoader(ds)), [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
});

test('DataLoader shuffling is seeded: same seed, same epochs; each epoch a new order of every index', () => {
  const ds = numberedDataset(50);
  const run = (seed: number) => {
    const loader = new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new Generator(seed) });
    return [labelsOf(loader), labelsOf(loader), labelsOf(loader)];
  };
  const first = run(42);
  assert.deepEqual(run(42), first, 'the same seed must give the same batches');
  assert.notDeepEqual(run(43), first, 'another seed should give another order');
  const identity = Array.from({ length: 50 }, (_, i) => i);
  const epochOrders = first.map((epoch) => epoch.flat());
  for (const order of epochOrders) {
    assert.deepEqual([...order].sort((a, b) => a - b), identity, 'every index exactly once per epoch');
    assert.notDeepEqual(order, identity, 'shuffled order should differ from index order');
  }
  assert.notDeepEqual(epochOrders[0], epochOrders[1], 'each epoch should get a new order');
  assert.notDeepEqual(epochOrders[1], epochOrders[2]);
  assert.deepEqual(first[0].map((b) => b.length), [8, 8, 8, 8, 8, 8, 2]);
});

test('DataLoader stacks samples itself when the dataset has no getBatch, with the same result', () => {
  const ds = numberedDataset(7);
  const fast = [...new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(1) })];
  const slow = [...new DataLoader(withoutGetBatch(ds), { batchSize: 4, shuffle: true, generator: new Generator(1) })];
  assert.equal(slow.length, fast.length);
  slow.forEach((batch, i) => {
    assert.deepEqual(batch.x.shape, fast[i].x.shape);
    assert.deepEqual([...batch.x.data], [...fast[i].x.data]);
    assert.equal(batch.y.dtype, 'int32');
    assert.deepEqual([...batch.y.data], [...fast[i].y.data]);
  });
});

test('DataLoader applies its batch transform with a seeded generator', () => {
  const ds = numberedDataset(6);
  const addNoise = (seed: number) =>
    [
      ...new DataLoader(ds, {
        batchSize: 3,
        generator: new Generator(seed),
        transform: ({ x, y }, rng) => ({ x: x.add(rng.random()), y }),
      }),
    ].map((b) => [...b.x.data]);
  const a = addNoise(5);
  assert.deepEqual(addNoise(5), a);
  assert.notDeepEqual(addNoise(6), a);
  const noise = a[0][0]; // pixel 0 of sample 0 is 0 before the transform
  assert.ok(noise > 0 && noise < 1, `the transform should have added a value in [0, 1), got ${noise}`);
});

test('DataLoader rejects a batch size that is not a positive integer', () => {
  const ds = numberedDataset(3);
  assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /DataLoader: batchSize must be a positive integer, got 0/);
  assert.throws(() => new DataLoader(ds, { batchSize: 2.5 }), /got 2\.5/);
});

test('TransformDataset passes each sample and a seeded generator to the transform', () => {
  const ds = numberedDataset(4);
  const flipSome = (sample: Sample, rng: Generator): Sample =>
    rng.random() < 0.5 ? { x: sample.x.neg(), y: sample.y } : sample;
  const read = (seed: number) => {
    const transformed = new TransformDataset(ds, flipSome, { generator: new Generator(seed) });
    return Array.from({ length: 20 }, (_, i) => transformed.get(i % 4).x.data[1]);
  };
  const values = read(9);
  assert.deepEqual(read(9), values);
  assert.ok(values.some((v) => v < 0) && values.some((v) => v > 0), 'about half the samples should be negated');
  values.forEach((v, i) => assert.equal(Math.abs(v), (i % 4) * 10 + 1));
  assert.equal(new TransformDataset(ds, flipSome).length, 4);
});

test('Subset reads the chosen indices, through getBatch when the dataset has it', () => {
  const ds = numberedDataset(6);
  const subset = new Subset(ds, [5, 1, 3]);
  assert.equal(subset.length, 3);
  assert.equal(subset.get(0).y.item(), 5);
  assert.deepEqual([...subset.getBatch([2, 0]).y.data], [3, 5]);
  assert.deepEqual([...new Subset(withoutGetBatch(ds), [4, 2]).getBatch([1, 0]).y.data], [2, 4]);
  assert.throws(() => new Subset(ds, [0, 6]), /Subset: index 6 is out of range for a dataset of length 6/);
  assert.throws(() => subset.get(3), /Subset\.get: index 3 is out of range for a dataset of length 3/);
});

test('randomSplit makes disjoint subsets covering the dataset, by lengths or fractions, reproducibly', () => {
  const ds = numberedDataset(10);
  const labels = (subset: Subset) => Array.from({ length: subset.length }, (_, i) => subset.get(i).y.item());
  const [train, val] = randomSplit(ds, [7, 3], new Generator(2));
  assert.deepEqual([train.length, val.length], [7, 3]);
  const all = [...labels(train), ...labels(val)].sort((a, b) => a - b);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(randomSplit(ds, [7, 3], new Generator(2)).map(labels), [labels(train), labels(val)]);

  assert.deepEqual(randomSplit(ds, [0.8, 0.2], new Generator(0)).map((s) => s.length), [8, 2]);
  assert.deepEqual(randomSplit(numberedDataset(5), [0.5, 0.5], new Generator(0)).map((s) => s.length), [3, 2]);
  assert.deepEqual(randomSplit(numberedDataset(10), [1 / 3, 1 / 3, 1 / 3], new Generator(0)).map((s) => s.length), [4, 3, 3]);
  assert.throws(
    () => randomSplit(ds, [6, 3]),
    /randomSplit: sizes \[6, 3\] must be non-negative integers summing to the dataset length 10, or fractions summing to 1/,
  );
  assert.throws(() => randomSplit(ds, [0.5, 0.2]), /sizes \[0\.5, 0\.2\]/);
});

test('collate names the sample whose shape or dtype differs', () => {
  const a = { x: new Tensor(new Float32Array(4), [2, 2]), y: new Tensor(new Int32Array([1]), []) };
  const b = { x: new Tensor(new Float32Array(6), [3, 2]), y: new Tensor(new Int32Array([2]), []) };
  assert.throws(() => collate([a, a, b]), /collate: sample 2 has x float32 \[3, 2\] but sample 0 has float32 \[2, 2\]/);
  assert.throws(() => collate([]), /collate: cannot make a batch from 0 samples/);
  const stacked = collate([a, a]);
  assert.deepEqual(stacked.x.shape, [2, 2, 2]);
  assert.deepEqual(stacked.y.shape, [2]);
});

test('issue 10 case 9: a dataset returning plain numbers and arrays is collated as default_collate does', () => {
  // Written as plain JavaScript would: x a nested array (2x2 image), y a number.
  const plain = { length: 3, get: (i: number) => ({ x: [[i, i + 0.5], [i + 1, 2]], y: 2 - i }) } as unknown as Dataset;
  const [batch] = [...new DataLoader(plain, { batchSize: 3 })];
  assert.equal(batch.x.dtype, 'float32');
  assert.deepEqual(batch.x.shape, [3, 2, 2]);
  assert.deepEqual([...batch.x.data], [0, 0.5, 1, 2, 1, 1.5, 2, 2, 2, 2.5, 3, 2]);
  assert.equal(batch.y.dtype, 'int32'); // integer labels, as PyTorch makes int64 class indices
  assert.deepEqual(batch.y.shape, [3]);
  assert.deepEqual([...batch.y.data], [2, 1, 0]);
  // Non-integer or array targets are float32, with their shape.
  const regression = collate([{ x: 1, y: [0.25, 1] }, { x: 2, y: [1, 0] }]);
  assert.deepEqual([regression.x.dtype, regression.x.shape], ['float32', [2]]);
  assert.deepEqual([regression.y.dtype, regression.y.shape, [...regression.y.data]], ['float32', [2, 2], [0.25, 1, 1, 0]]);
});

test('issue 10 case 9: a sample that is no tensor, number or array is named by its dataset index', () => {
  const bad = (y: unknown) => ({ length: 6, get: (i: number) => (i === 4 ? { x: [1], y } : { x: [1], y: 0 }) }) as unknown as Dataset;
  const loader = (y: unknown) => new DataLoader(new Subset(bad(y), [0, 4]), { batchSize: 2 });
  assert.throws(() => [...loader('cat')], /collate: sample 4 \(batch position 1\) has y = string "cat"; expected a Tensor, a number or a rectangular nested array of numbers/);
  assert.throws(() => [...loader(undefined)], /sample 4 \(batch position 1\) has y = undefined/);
  assert.throws(() => [...loader([[1, 2], [3]])], /sample 4 \(batch position 1\) has y = an array that is ragged or holds non-numbers/);
  assert.throws(() => [...loader([1, '2'])], /an array that is ragged or holds non-numbers/);
  const notASample = { length: 2, get: () => 7 } as unknown as Dataset;
  assert.throws(() => [...new DataLoader(notASample)], /collate: sample 0 \(batch position 0\) is number 7; a dataset's get\(\) must return \{ x, y \}/);
});
