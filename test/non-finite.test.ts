// NaN and Infinity never pass as numbers (issue 10, cases 1-4): a NaN score is no correct prediction,
// ReLU keeps every NaN, training stops at the first non-finite loss or gradient, Winograd agrees with the
// direct convolution on infinite inputs.
import { it, test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, tensor } from '../src/index.js';
import { Sequential } from '../src/nn/sequential.js';
import { Linear, ReLU } from '../src/nn/layers.js';
import { DataLoader, TensorDataset } from '../src/data/index.js';
import { Accuracy, evaluate } from '../src/train/index.js';
import { forEachBackend } from './helpers/backends.js';

/** float32 values from their bit patterns: NaNs with the sign bit set, as x86 makes for Inf - Inf. */
function fromBits(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}
const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
// Negative quiet NaN, negative NaN with a payload, positive quiet NaN, and the ordinary values around them.
const NAN_BITS = [0xffc00000, 0xff800001, 0x7fc00000, 0x7f800001];

test('case 1: a row of NaN scores is never a correct prediction (Accuracy)', () => {
  const acc = new Accuracy();
  acc.update(tensor([[NaN, NaN, NaN], [NaN, 1, 0], [0, 2, 1], [-Infinity, 0, -Infinity]]), new Tensor(Int32Array.from([0, 1, 1, 1]), [4]));
  assert.equal(acc.result(), 2 / 4); // the two NaN rows are wrong; -Infinity scores rank as usual
  const top2 = new Accuracy(2);
  top2.update(tensor([[NaN, NaN, NaN]]), new Tensor(Int32Array.from([2]), [1]));
  assert.equal(top2.result(), 0);
});

test('case 1: evaluate of a model whose weights are NaN gives accuracy 0 and counts the non-finite outputs', async () => {
  const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 2));
  for (const p of model.parameters()) p.data.fill(NaN);
  const data = new TensorDataset(tensor([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]), new Tensor(Int32Array.from([0, 1, 0, 1, 1]), [5]));
  const result = await evaluate(model, new DataLoader(data, { batchSize: 2 }));
  assert.equal(result.accuracy, 0);
  assert.equal(result.nonFiniteOutputs, 5);
  assert.equal(result.samples, 5);
  const healthy = new Sequential(new Linear(2, 2));
  assert.equal((await evaluate(healthy, new DataLoader(data, { batchSize: 2 }))).nonFiniteOutputs, 0);
});

forEachBackend(() => {
  it('case 2: ReLU and ReLU6 pass every NaN forward, whatever its sign bit, bit for bit, and pass its gradient', () => {
    for (const op of [F.relu, F.relu6]) {
      // Long enough for the SIMD loop and its tail.
      const bits = Array.from({ length: 37 }, (_, i) => NAN_BITS[i % NAN_BITS.length]);
      const x = new Tensor(fromBits(bits), [37]).requiresGrad_();
      const y = op(x);
      assert.deepEqual(bitsOf(y.data as Float32Array), bits, `${op.name} keeps each NaN's bits`);
      y.backward(tensor(Array.from({ length: 37 }, (_, i) => i + 1), [37]));
      assert.deepEqual(Array.from(x.grad!.data), Array.from({ length: 37 }, (_, i) => i + 1), `${op.name} passes the gradient at NaN`);
    }
  });

  it('case 2: Inf - Inf and 0 * Inf through ReLU give NaN, as in PyTorch', () => {
    const inf = tensor([Infinity, Infinity, 0, -Infinity]);
    const made = inf.sub(tensor([Infinity, Infinity, 0, -Infinity])).add(tensor([0, 0, 0, 0])).mul(tensor([1, 1, Infinity, 1]));
    for (const op of [F.relu, F.relu6]) {
      const y = op(made);
      assert.ok(Array.from(y.data).every(Number.isNaN), `${op.name}: ${Array.from(y.data)}`);
    }
  });

  it('case 2: ordinary values are unchanged: negatives and -0 give +0, 6 caps ReLU6, infinities stay', () => {
    const x = fromBits([0x80000000, 0xff800000, 0x7f800000, 0x00000001, 0x80000001]);
    assert.deepEqual(bitsOf(F.relu(new Tensor(x, [5])).data as Float32Array), [0, 0, 0x7f800000, 1, 0]);
    assert.deepEqual(Array.from(F.relu6(new Tensor(x, [5])).data), [0, 0, 6, 1e-45, 0].map(Math.fround));
  });
});
