// Forward values of ops that the gradient checks and the TensorFlow.js comparison do not pin down:
// batch norm's running statistics and eval mode, dropout, ceil mode, padding placement, the losses' values.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, ones, randn, tensor, zeros } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';

forEachBackend(() => {
  it('batchNorm in training normalises per channel and moves the running statistics (unbiased variance)', () => {
    // Channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 10, 10, 10.
    const x = tensor([1, 10, 2, 10, 3, 10, 4, 10], [2, 2, 1, 2]);
    const runningMean = zeros([2]);
    const runningVar = ones([2]);
    const eps = 1e-5;
    const y = F.batchNorm(x, runningMean, runningVar, null, null, { training: true, momentum: 0.1, eps });
    const std = Math.sqrt(1.25 + eps); // population variance of 1..4
    assertAllClose(y.data, [-1.5 / std, 0, -0.5 / std, 0, 0.5 / std, 0, 1.5 / std, 0]);
    assertAllClose(runningMean.data, [0.1 * 2.5, 0.1 * 10]);
    assertAllClose(runningVar.data, [0.9 + 0.1 * (5 / 3), 0.9 + 0]);
  });

  it('batchNorm in eval uses the running statistics, weight and bias', () => {
    const x = tensor([1, 2, 3, 4], [2, 1, 1, 2]);
    const y = F.batchNorm(x, tensor([1, 2]), tensor([4, 1]), tensor([2, 3]), tensor([0.5, -1]), { training: false, eps: 0 });
    assertAllClose(y.data, [((1 - 1) / 2) * 2 + 0.5, ((2 - 2) / 1) * 3 - 1, ((3 - 1) / 2) * 2 + 0.5, ((4 - 2) / 1) * 3 - 1]);
    assert.throws(() => F.batchNorm(x, null, null, null, null, { training: false }), /batchNorm: eval mode needs running statistics/);
  });

  it('dropout zeroes about p of the values, scales the rest by 1/(1-p), repeats with a seed, and is the identity in eval', () => {
    const x = ones([10000]);
    const y = F.dropout(x, 0.25, { generator: new Generator(8) });
    const kept = y.toFlatArray().filter((v) => v !== 0);
    assert.ok(kept.every((v) => v === Math.fround(1 / 0.75)));
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02, `kept ${kept.length}`);
    assert.deepEqual(F.dropout(x, 0.25, { generator: new Generator(8) }).toFlatArray(), y.toFlatArray());
    assert.equal(F.dropout(x, 0.25, { training: false }), x);
  });

  it("'same' padding puts the odd extra cell after (TensorFlow's rule) and ceil mode adds a partial window", () => {
    // 4 wide, 2x2 kernel, stride 1: one column of padding, on the right.
    const row = tensor([1, 2, 3, 4], [1, 1, 4, 1]);
    assert.deepEqual(F.conv2d(row, ones([1, 2, 1, 1]), null, { padding: 'same' }).toFlatArray(), [3, 5, 7, 4]);
    assert.deepEqual(F.samePadding(4, 2, 1), [0, 1]);
    assert.deepEqual(F.samePadding(5, 3, 2), [1, 1]);
    assert.deepEqual(F.samePadding(6, 3, 2), [0, 1]);
    // 5 wide, 2x2 pooling, stride 2: floor gives 2 windows, ceil mode 3 (the last holds only the 5th value).
    const x = tensor([1, 5, 2, 4, 3], [1, 1, 5, 1]);
    assert.deepEqual(F.maxPool2d(x, [1, 2]).toFlatArray(), [5, 4]);
    assert.deepEqual(F.maxPool2d(x, [1, 2], { ceilMode: true }).toFlatArray(), [5, 4, 3]);
    assert.deepEqual(F.avgPool2d(x, [1, 2], { ceilMode: true }).toFlatArray(), [3, 3, 3]);
  });

  it('avgPool2d with padding divides by the full window or by the real cells (countIncludePad)', () => {
    const x = tensor([2, 4, 6], [1, 1, 3, 1]);
    assertAllClose(F.avgPool2d(x, [1, 3], { stride: 1, padding: [0, 1], countIncludePad: true }).data, [6 / 3, 12 / 3, 10 / 3]);
    assertAllClose(F.avgPool2d(x, [1, 3], { stride: 1, padding: [0, 1], countIncludePad: false }).data, [6 / 2, 12 / 3, 10 / 2]);
    assert.deepEqual(F.sumPool2d(x, [1, 3], { stride: 1, padding: [0, 1] }).toFlatArray(), [6, 12, 10]);
  });

  it('dilation spreads the kernel taps; groups convolve channel groups separately', () => {
    const row = tensor([1, 2, 3, 4, 5], [1, 1, 5, 1]);
    // Taps at offsets 0 and 2: x[i] + x[i + 2].
    assert.deepEqual(F.conv2d(row, ones([1, 2, 1, 1]), null, { dilation: 2 }).toFlatArray(), [4, 6, 8]);
    // Two channels, two groups: output channel g sees only input channel g.
    const x = tensor([1, 10, 2, 20], [1, 1, 2, 2]);
    const w = tensor([3, 5], [1, 1, 1, 2]);
    assert.deepEqual(F.conv2d(x, w, tensor([0.5, -0.5]), { groups: 2 }).toFlatArray(), [3.5, 49.5, 6.5, 99.5]);
  });

  it('globalAvgPool2d averages height and width per channel', () => {
    const x = tensor([1, 10, 3, 30, 5, 50, 7, 70], [1, 2, 2, 2]);
    assert.deepEqual(F.globalAvgPool2d(x).toArray(), [[4, 40]]);
    assert.deepEqual(F.globalAvgPool2d(x, true).shape, [1, 1, 1, 2]);
  });

  it('activations: relu6 caps at 6, leakyRelu scales negatives, sigmoid and tanh at known points', () => {
    const x = tensor([-2, 0, 3, 8]);
    assert.deepEqual(F.relu6(x).toFlatArray(), [0, 0, 3, 6]);
    assertAllClose(F.leakyRelu(x, 0.2).data, [-0.4, 0, 3, 8]);
    assertAllClose(F.sigmoid(tensor([0, Math.log(3)])).data, [0.5, 0.75]);
    assertAllClose(F.tanh(tensor([0, Math.log(2)])).data, [0, 3 / 5]);
    assertAllClose(F.softmax(tensor([[0, Math.log(3)]])).data, [0.25, 0.75]);
    assertAllClose(F.logSoftmax(tensor([[0, Math.log(3)]])).data, [Math.log(0.25), Math.log(0.75)]);
  });

  it('relu on edge values: -0, ±Infinity, tiny values and NaN (passed through, as in PyTorch), in both float types', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor([-0, -Infinity, Infinity, 1e-30, -1e-30, NaN, -3, 2], [8], { dtype }).requiresGrad_();
      const y = F.relu(x);
      const tiny = dtype === 'float32' ? Math.fround(1e-30) : 1e-30;
      assert.deepEqual(y.toFlatArray(), [0, 0, Infinity, tiny, 0, NaN, 0, 2]);
      y.backward(tensor([1, 2, 3, 4, 5, 6, 7, 8], [8], { dtype }));
      assert.deepEqual(x.grad!.toFlatArray(), [0, 0, 3, 4, 0, 6, 0, 8]);
    }
  });

  it("losses: the texts' 1/2 sum of squares, mean squared error, cross-entropy with and without smoothing", () => {
    const output = tensor([0.5, 0.25, 1]);
    const target = tensor([1, 0, 1]);
    assertAllClose(F.sumSquaredError(output, target).data, [0.5 * (0.25 + 0.0625 + 0)]);
    assertAllClose(F.mseLoss(output, target).data, [(0.25 + 0.0625) / 3]);
    assertAllClose(F.mseLoss(output, target, { reduction: 'none' }).data, [0.25, 0.0625, 0]);

    const logits = tensor([[0, Math.log(3)]]);
    const label = tensor([1], undefined, { dtype: 'int32' });
    assertAllClose(F.crossEntropy(logits, label).data, [-Math.log(0.75)]);
    // Smoothing 0.2 over 2 classes: target (0.1, 0.9).
    assertAllClose(F.crossEntropy(logits, label, { labelSmoothing: 0.2 }).data, [-(0.1 * Math.log(0.25) + 0.9 * Math.log(0.75))]);
    assertAllClose(F.crossEntropy(logits, tensor([[0.5, 0.5]])).data, [-(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75))]);
    assertAllClose(F.nllLoss(F.logSoftmax(logits), label).data, [-Math.log(0.75)]);
    // BCE with logits: -(z log s(x) + (1 - z) log(1 - s(x))) with s(log 3) = 0.75.
    assertAllClose(F.binaryCrossEntropyWithLogits(tensor([Math.log(3)]), tensor([0.25])).data, [-(0.25 * Math.log(0.75) + 0.75 * Math.log(0.25))]);
  });

  it('matmul agrees with a plain triple loop on odd sizes (around SIMD widths)', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [3, 5, 7],
      [4, 8, 4],
      [5, 17, 9],
      [13, 33, 6],
    ]) {
      const g = new Generator(m * 100 + k * 10 + n);
      const a = randn([m, k], { generator: g });
      const b = randn([k, n], { generator: g });
      const expected: number[] = [];
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a.data[i * k + p] * b.data[p * n + j];
          expected.push(s);
        }
      }
      assertAllClose(F.matmul(a, b).data, expected, { atol: 1e-5, rtol: 1e-5 }, `${m}x${k} @ ${k}x${n}`);
    }
  });
}, {
  expectedFallbacks: [{ ops: ['relu', 'reluBackward'], reason: 'not float32', because: 'the relu edge-value test runs in float64 too' }],
});
