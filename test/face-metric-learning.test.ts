// Learning the similarity function (issue 12 item 7): the triplet loss as the texts write it, online mining
// (batch-all, batch-hard, semi-hard), Hadsell's contrastive loss, the Siamese wrapper's shared weights, the
// binary head sigmoid(sum_k w_k |f1_k - f2_k| + b) and the P x K batch sampler. Hand-computed values,
// float64 central differences, and a brute-force loop over every triplet.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, gradcheck, randn, tensor } from '../src/index.js';
import { Linear, Parameter, Sequential, Flatten } from '../src/nn/index.js';
import { DataLoader, PKBatchSampler, TensorDataset } from '../src/data/index.js';
import { Adam } from '../src/optim/index.js';
import {
  SiameseBinaryHead, SiameseNetwork, batchPairs, batchTripletLoss, contrastiveLoss, mineTriplets, tripletLoss,
} from '../src/face/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';

const f64 = (values: number[][]) => tensor(values, undefined, { dtype: 'float64' }).requiresGrad_();
const labels = (values: number[]) => tensor(values, [values.length], { dtype: 'int32' });
const rowsOf = (t: Tensor, cols: number) => Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.subarray(i * cols, (i + 1) * cols)));

// 1-D embeddings of two classes; squared distances d(0,1)=1 d(0,2)=9 d(0,3)=4 d(0,4)=25 d(1,2)=4 d(1,3)=1
// d(1,4)=16 d(2,3)=1 d(2,4)=4 d(3,4)=9.
const handEmbeddings = () => f64([[0], [1], [3], [2], [5]]);
const handLabels = labels([0, 0, 0, 1, 1]);
const tripletsOf = (t: { anchor: Int32Array; positive: Int32Array; negative: Int32Array }) => Array.from(t.anchor, (a, i) => [a, t.positive[i], t.negative[i]]);

forEachBackend(() => {
  describe('tripletLoss', () => {
    // Row 0: d(A,P) = 1, d(A,N) = 4, max(1 - 4 + 0.2, 0) = 0. Row 1: d(A,P) = 1, d(A,N) = 0.25: 0.95.
    const inputs = () => [f64([[0, 0], [1, 1]]), f64([[1, 0], [2, 1]]), f64([[0, 2], [1, 1.5]])];

    it('max(||A-P||^2 - ||A-N||^2 + alpha, 0) per triplet; J is their sum or mean', () => {
      const [a, p, n] = inputs();
      assertAllClose(tripletLoss(a, p, n, { reduction: 'none' }).data, [0, 0.95], { atol: 1e-12 });
      assertAllClose(tripletLoss(a, p, n, { reduction: 'sum' }).data, [0.95], { atol: 1e-12 });
      assertAllClose(tripletLoss(a, p, n).data, [0.475], { atol: 1e-12 });
      assertAllClose(tripletLoss(a, p, n, { margin: 3.5, reduction: 'none' }).data, [0.5, 4.25], { atol: 1e-12 });
    });

    it('gradient by hand: 2(N - P) for A, -2(A - P) for P, 2(A - N) for N, zero where the hinge is off', () => {
      const [a, p, n] = inputs();
      tripletLoss(a, p, n, { reduction: 'sum' }).backward();
      assertAllClose(a.grad!.data, [0, 0, -2, 1], { atol: 1e-12 });
      assertAllClose(p.grad!.data, [0, 0, 2, 0], { atol: 1e-12 });
      assertAllClose(n.grad!.data, [0, 0, 0, -1], { atol: 1e-12 });
      const g = new Generator(3);
      const [ra, rp, rn] = [0, 1, 2].map(() => randn([6, 4], { generator: g, dtype: 'float64' }).requiresGrad_());
      assert.equal(gradcheck((x, y, z) => tripletLoss(x, y, z, { margin: 1 }), [ra, rp, rn]), true);
    });

    it('bad input names the function, the shapes and what is valid', () => {
      const [a, p] = inputs();
      assert.throws(() => tripletLoss(a, p, f64([[1, 2, 3]])), /tripletLoss: negative \[1, 3\] and anchor \[2, 2\] must have the same shape/);
      assert.throws(() => tripletLoss(a, p, p, { margin: -1 }), /tripletLoss: margin must be a finite number >= 0, got -1/);
      assert.throws(() => tripletLoss(tensor([1, 2]), tensor([1, 2]), tensor([1, 2])), /tripletLoss: anchor must be float embeddings \[N, D\], got float32 \[2\]/);
    });
  });

  describe('contrastiveLoss (Hadsell et al.)', () => {
    // D = 5, 1, 5 with margin 2: same pair D^2/2 = 12.5; different pairs max(0, 2 - D)^2 / 2 = 0.5 and 0.
    const x1 = () => f64([[0, 0], [0, 0], [0, 0]]);
    const x2 = () => f64([[3, 4], [0.6, 0.8], [3, 4]]);
    const same = tensor([1, 0, 0]);

    it('(1 - Y) D^2 / 2 + Y max(0, m - D)^2 / 2 with Y = 1 - same, and its gradient', () => {
      const [a, b] = [x1(), x2()];
      assertAllClose(contrastiveLoss(a, b, same, { margin: 2, reduction: 'none' }).data, [12.5, 0.5, 0], { atol: 1e-12 });
      assertAllClose(contrastiveLoss(a, b, same, { margin: 2 }).data, [13 / 3], { atol: 1e-12 });
      contrastiveLoss(a, b, same, { margin: 2, reduction: 'sum' }).backward();
      // same pair: x2 - x1; different pair inside the margin: -(m - D) (x2 - x1) / D.
      assertAllClose(b.grad!.data, [3, 4, -0.6, -0.8, 0, 0], { atol: 1e-12 });
      const g = new Generator(4);
      const [r1, r2] = [0, 1].map(() => randn([6, 3], { generator: g, dtype: 'float64' }).requiresGrad_());
      assert.equal(gradcheck((u, v) => contrastiveLoss(u, v, tensor([1, 0, 0, 1, 0, 0]), { margin: 2.5 }), [r1, r2]), true);
    });

    it('a different pair at distance 0 costs m^2 / 2 with a finite gradient', () => {
      const [a, b] = [f64([[1, 1]]), f64([[1, 1]])];
      const loss = contrastiveLoss(a, b, tensor([0]), { margin: 2, reduction: 'sum' });
      assertAllClose(loss.data, [2], { atol: 1e-12 });
      loss.backward();
      assert.ok(Array.from(a.grad!.data).every(Number.isFinite), `gradient ${Array.from(a.grad!.data)}`);
    });

    it('bad targets are refused with the values that are valid', () => {
      assert.throws(() => contrastiveLoss(x1(), x2(), tensor([1, 0.5, 0])), /contrastiveLoss: same must hold 1 \(same\) or 0 \(different\), got 0.5 at index 1/);
      assert.throws(() => contrastiveLoss(x1(), x2(), tensor([1, 0])), /contrastiveLoss: same must be a float tensor \[3\] of 1 \(same\) and 0 \(different\), got float32 \[2\]/);
    });
  });

  describe('online triplet mining', () => {
    it('batch-hard: per anchor the farthest positive and the nearest negative (ties to the lower row)', () => {
      assert.deepEqual(tripletsOf(mineTriplets(handEmbeddings(), handLabels, 'batch-hard')), [[0, 2, 3], [1, 2, 3], [2, 0, 3], [3, 4, 1], [4, 3, 2]]);
      // 9-4, 4-1, 9-1, 9-1, 9-4, each + 0.5
      const e = handEmbeddings();
      const loss = batchTripletLoss(e, handLabels, { mining: 'batch-hard', margin: 0.5, reduction: 'sum' });
      assertAllClose(loss.data, [31.5], { atol: 1e-12 });
      assertAllClose(batchTripletLoss(e, handLabels, { mining: 'batch-hard', margin: 0.5 }).data, [6.3], { atol: 1e-12 });
    });

    it('semi-hard: per (anchor, positive) the nearest negative farther than the positive, else the farthest', () => {
      assert.deepEqual(tripletsOf(mineTriplets(handEmbeddings(), handLabels, 'semi-hard')), [
        [0, 1, 3], [0, 2, 4], [1, 0, 4], [1, 2, 4], [2, 0, 4], [2, 1, 4], [3, 4, 0], [4, 3, 1],
      ]);
    });

    it('batch-all: every valid triplet, and its loss equals a plain loop over all of them', () => {
      assert.equal(mineTriplets(handEmbeddings(), handLabels, 'batch-all').anchor.length, 3 * 2 * 2 + 2 * 1 * 3);
      const g = new Generator(5);
      const e = randn([8, 3], { generator: g, dtype: 'float64' });
      const y = labels([0, 1, 2, 0, 1, 2, 0, 3]);
      const rows = rowsOf(e, 3);
      const d2 = (i: number, j: number) => rows[i].reduce((s, v, k) => s + (v - rows[j][k]) ** 2, 0);
      let [total, count] = [0, 0];
      for (let a = 0; a < 8; a++) for (let p = 0; p < 8; p++) for (let n = 0; n < 8; n++) {
        if (p === a || y.data[p] !== y.data[a] || y.data[n] === y.data[a]) continue;
        total += Math.max(d2(a, p) - d2(a, n) + 1, 0);
        count++;
      }
      assertAllClose(batchTripletLoss(e, y, { mining: 'batch-all', margin: 1, reduction: 'sum' }).data, [total], { atol: 1e-12 });
      assertAllClose(batchTripletLoss(e, y, { mining: 'batch-all', margin: 1 }).data, [total / count], { atol: 1e-12 });
    });

    for (const mining of ['batch-all', 'batch-hard', 'semi-hard'] as const) {
      it(`${mining}: gradcheck through the mined rows`, () => {
        const e = randn([8, 3], { generator: new Generator(6), dtype: 'float64' }).requiresGrad_();
        const y = labels([0, 0, 1, 1, 2, 2, 3, 3]);
        assert.equal(gradcheck((x) => batchTripletLoss(x, y, { mining, margin: 1 }), [e]), true);
      });
    }

    it('a batch with no triplet, bad labels and an unknown mining are clear errors', () => {
      assert.throws(() => mineTriplets(handEmbeddings(), labels([0, 1, 2, 3, 4]), 'batch-hard'), /mineTriplets: the batch has no triplet \(labels \[0,1,2,3,4\]\): it needs a class with two rows and a second class/);
      assert.throws(() => mineTriplets(handEmbeddings(), labels([0, 0, 1]), 'batch-hard'), /mineTriplets: labels must be int32 \[5\] \(one class per embedding row\), got int32 \[3\]/);
      assert.throws(() => mineTriplets(handEmbeddings(), handLabels, 'hardest' as 'batch-hard'), /mineTriplets: mining must be 'batch-all', 'batch-hard', 'semi-hard', got "hardest"/);
    });
  });

  describe('SiameseNetwork and SiameseBinaryHead', () => {
    it('one embedding network for both inputs: one set of parameters, gradients from both branches summed', () => {
      const g = new Generator(7);
      const net = new Sequential(new Flatten(), new Linear(4, 3, { generator: g }));
      const siamese = new SiameseNetwork(net);
      assert.equal(siamese.parameters().length, 2);
      assert.equal(siamese.numParameters(), net.numParameters());
      const [x1, x2] = [randn([2, 2, 2, 1], { generator: g }), randn([2, 2, 2, 1], { generator: g })];
      const [f1, f2] = siamese.forward(x1, x2);
      assertAllClose(f1.data, net.forward(x1).data, { atol: 0 });
      assertAllClose(f2.data, net.forward(x2).data, { atol: 0 });
      F.sum(F.mul(f1, f2)).backward();
      const together = Float32Array.from(net.parameters()[0].grad!.data);
      net.zeroGrad();
      F.sum(F.mul(net.forward(x1), net.forward(x2).detach())).backward();
      const first = Float32Array.from(net.parameters()[0].grad!.data);
      net.zeroGrad();
      F.sum(F.mul(net.forward(x1).detach(), net.forward(x2))).backward();
      assertAllClose(together, first.map((v, i) => v + net.parameters()[0].grad!.data[i]), { atol: 1e-6 });
    });

    it('the head: sum_k w_k |f1_k - f2_k| + b by hand, and its BCE gradient (y - t)|f1 - f2| for w, (y - t) for b', () => {
      const head = new SiameseBinaryHead(3);
      head.linear.weight = new Parameter(tensor([[0.5], [-1], [2]]));
      head.linear.bias = new Parameter(tensor([0.25]));
      const [f1, f2] = [tensor([[1, 2, 3]]).requiresGrad_(), tensor([[0, 4, 3]])];
      const logit = head.forward(f1, f2); // |f1 - f2| = (1, 2, 0): 0.5 - 2 + 0 + 0.25
      assertAllClose(logit.data, [-1.25], { atol: 1e-6 });
      const y = 1 / (1 + Math.exp(1.25));
      F.binaryCrossEntropyWithLogits(logit, tensor([1])).backward();
      assertAllClose(head.linear.weight.grad!.data, [y - 1, 2 * (y - 1), 0], { atol: 1e-6 });
      assertAllClose(head.linear.bias.grad!.data, [y - 1], { atol: 1e-6 });
      assertAllClose(f1.grad!.data, [(y - 1) * 0.5, (y - 1) * -1 * -1, 0], { atol: 1e-6 }); // sign(f1 - f2) = (1, -1, 0)
      const h64 = new SiameseBinaryHead(4);
      h64.linear.weight = new Parameter(randn([4, 1], { generator: new Generator(8), dtype: 'float64' }));
      h64.linear.bias = new Parameter(tensor([0.1], [1], { dtype: 'float64' }));
      const [u, v] = [0, 1].map((s) => randn([5, 4], { generator: new Generator(9 + s), dtype: 'float64' }).requiresGrad_());
      assert.equal(gradcheck((a, b) => F.binaryCrossEntropyWithLogits(h64.forward(a, b), tensor([1, 0, 1, 0, 0], [5], { dtype: 'float64' })), [u, v]), true);
      assert.throws(() => head.forward(tensor([[1, 2]]), tensor([[1, 2]])), /SiameseBinaryHead\(3\): embeddings \[1,2\] have 2 features, expected 3/);
    });

    it('trained on pairs with BCE, the head and embedding separate two classes', () => {
      const g = new Generator(10);
      // Class 0 near (+1, +1, 0, 0), class 1 near (-1, +1, 0, 0), in 2 x 2 "images".
      const x = randn([16, 2, 2, 1], { generator: g }).mul(0.3).add(tensor([1, 1, 0, 0, -1, 1, 0, 0], [2, 2, 2, 1]).broadcastTo([8, 2, 2, 2, 1]).reshape([16, 2, 2, 1]));
      const y = labels(Array.from({ length: 16 }, (_, i) => i % 2));
      const siamese = new SiameseNetwork(new Sequential(new Flatten(), new Linear(4, 4, { generator: g })));
      const head = new SiameseBinaryHead(4, { generator: g });
      const pairs = batchPairs(y);
      const step = () => {
        const [f1, f2] = siamese.forward(x.indexSelect(0, tensor(pairs.first, [pairs.first.length], { dtype: 'int32' })), x.indexSelect(0, tensor(pairs.second, [pairs.second.length], { dtype: 'int32' })));
        return F.binaryCrossEntropyWithLogits(head.forward(f1, f2), pairs.same);
      };
      const optimizer = new Adam([...siamese.parameters(), ...head.parameters()], { lr: 0.05 });
      const before = step().item();
      for (let i = 0; i < 60; i++) {
        optimizer.zeroGrad();
        step().backward();
        optimizer.step();
      }
      const after = step().item();
      assert.ok(after < 0.25 * before, `BCE ${before} -> ${after}`);
    });
  });
}, {
  expectedFallbacks: [{
    ops: ['relu', 'reluBackward', 'matmul', 'channelSums'],
    reason: 'not float32',
    because: 'the hand-computed cases and gradient checks run in float64 (the hinge, the binary head\'s linear layer and its bias sum), which the SIMD kernels do not take',
  }],
});

describe('batchPairs', () => {
  it('every pair i < j of the batch, 1 where the labels agree', () => {
    const pairs = batchPairs(labels([4, 7, 4]));
    assert.deepEqual([Array.from(pairs.first), Array.from(pairs.second), Array.from(pairs.same.data)], [[0, 0, 1], [1, 2, 2], [0, 1, 0]]);
    assert.throws(() => batchPairs(labels([1])), /batchPairs: labels must be int32 \[B\] with B >= 2, got int32 \[1\]/);
  });
});

describe('PKBatchSampler', () => {
  const y = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3];

  it('P distinct classes x K samples a batch, K distinct samples where the class has them, reproducible', () => {
    const sampler = new PKBatchSampler(y, { p: 3, k: 2, batchesPerEpoch: 50, generator: new Generator(11) });
    assert.equal(sampler.length, 50);
    const epoch = [...sampler];
    assert.equal(epoch.length, 50);
    const seen = new Set<number>();
    for (const batch of epoch) {
      assert.equal(batch.length, 6);
      const classes = [0, 1, 2].map((c) => y[batch[2 * c]]);
      assert.equal(new Set(classes).size, 3, `classes ${classes}`);
      for (let c = 0; c < 3; c++) {
        assert.equal(y[batch[2 * c + 1]], classes[c], 'K consecutive samples of one class');
        if (classes[c] !== 3) assert.notEqual(batch[2 * c], batch[2 * c + 1], 'distinct samples');
      }
      for (const c of classes) seen.add(c);
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3], 'every class is drawn');
    const again = [...new PKBatchSampler(y, { p: 3, k: 2, batchesPerEpoch: 50, generator: new Generator(11) })];
    assert.deepEqual(again.map((b) => Array.from(b)), epoch.map((b) => Array.from(b)));
    assert.equal(new PKBatchSampler(y, { p: 2, k: 2 }).length, 3, 'floor(13 / 4)');
  });

  it('drives a DataLoader as its batchSampler; bad options are clear errors', () => {
    const data = new TensorDataset(tensor(y.map((_, i) => i), [y.length, 1]), labels(y));
    const sampler = new PKBatchSampler(y, { p: 2, k: 3, batchesPerEpoch: 4, generator: new Generator(12) });
    const loader = new DataLoader(data, { batchSampler: sampler });
    assert.equal(loader.length, 4);
    for (const batch of loader) {
      assert.deepEqual(batch.x.shape, [6, 1]);
      assert.deepEqual(Array.from(batch.y.data), Array.from(batch.x.data, (i) => y[i]), 'rows of the dataset');
    }
    assert.throws(() => new DataLoader(data, { batchSampler: sampler, shuffle: true }), /DataLoader: batchSampler decides the batches, so shuffle cannot be given with it/);
    assert.throws(() => new PKBatchSampler(y, { p: 5, k: 2 }), /PKBatchSampler: p = 5 classes per batch, but the labels hold 4 classes/);
    assert.throws(() => new PKBatchSampler(y, { p: 2, k: 0 }), /PKBatchSampler: k must be a positive integer, got 0/);
    assert.throws(() => new PKBatchSampler([0, 1.5], { p: 1, k: 1 }), /PKBatchSampler: labels must be integers, got 1.5 at index 1/);
  });
});
