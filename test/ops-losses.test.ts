// The losses: cross-entropy and NLL with class weights, ignoreIndex and label smoothing (PyTorch's weighted
// mean), L1, smooth L1, Huber, BCE on probabilities (log clamped at -100), BCE with logits and posWeight,
// sigmoid focal loss, and the reduction option. Hand-worked values from PyTorch's and torchvision's documented
// formulas, float64 central differences, and TensorFlow.js (CPU) where it has the loss or its pieces.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, gradcheck, oneHot, randint, randn, tensor, uniform } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';
import { compareWithTfjs, tf } from './helpers/tfjs-reference.js';

const f64 = (values: number[], shape?: number[]) => tensor(values, shape, { dtype: 'float64' }).requiresGrad_();
const labels = (values: number[]) => tensor(values, [values.length], { dtype: 'int32' });
const ln = Math.log;

forEachBackend(() => {
  it('reduction is an option of every loss; a positional reduction (the old signature) is a clear error', () => {
    const [o, t] = [tensor([1, 2, 4]), tensor([1, 0, 1])];
    assertAllClose(F.mseLoss(o, t, { reduction: 'none' }).data, [0, 4, 9]);
    assertAllClose(F.mseLoss(o, t, { reduction: 'sum' }).data, [13]);
    assertAllClose(F.l1Loss(o, t, { reduction: 'sum' }).data, [5]);
    const logp = F.logSoftmax(tensor([[0, ln(3)]]));
    assertAllClose(F.nllLoss(logp, labels([1]), { reduction: 'none' }).data, [-ln(0.75)]);
    assertAllClose(F.binaryCrossEntropyWithLogits(tensor([0, 0]), tensor([1, 0]), { reduction: 'sum' }).data, [2 * ln(2)]);
    const old = (f: (...a: unknown[]) => Tensor, ...a: unknown[]) => () => f(...a);
    assert.throws(old(F.mseLoss as never, o, t, 'sum'), /mseLoss: options must be an object such as \{ reduction: 'sum' \}, got "sum" \(reduction is no longer positional\)/);
    assert.throws(old(F.nllLoss as never, logp, labels([1]), 'none'), /nllLoss: options must be an object/);
    assert.throws(old(F.binaryCrossEntropyWithLogits as never, o, t, 'none'), /binaryCrossEntropyWithLogits: options must be an object/);
    assert.throws(() => F.huberLoss(o, t, { reduction: 'avg' as 'mean' }), /huberLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'/);
  });

  it("crossEntropy with class weights and ignoreIndex: PyTorch's weighted mean divides by the kept labels' weights", () => {
    // Softmax rows [0.25, 0.75], [0.75, 0.25], [0.5, 0.5]; labels 1, 1 and one ignored; weight [2, 3].
    const logits = tensor([[0, ln(3)], [ln(3), 0], [0, 0]]);
    const weight = tensor([2, 3]);
    const y = labels([1, 1, -100]);
    const perLabel = [-3 * ln(0.75), -3 * ln(0.25), 0];
    assertAllClose(F.crossEntropy(logits, y, { weight, reduction: 'none' }).data, perLabel);
    assertAllClose(F.crossEntropy(logits, y, { weight, reduction: 'sum' }).data, [perLabel[0] + perLabel[1]]);
    assertAllClose(F.crossEntropy(logits, y, { weight }).data, [(perLabel[0] + perLabel[1]) / (3 + 3)]);
    assertAllClose(F.crossEntropy(logits, labels([1, 1, 0]), { ignoreIndex: 0 }).data, [(-ln(0.75) - ln(0.25)) / 2]);
    assertAllClose(F.nllLoss(F.logSoftmax(logits), labels([0, 1, 1]), { weight }).data, [(-2 * ln(0.25) - 3 * ln(0.25) - 3 * ln(0.5)) / 8]);
  });

  it("crossEntropy with weights and label smoothing is PyTorch's (1 - s) * nll + s / C * smooth, both over the kept weights", () => {
    const logits = tensor([[1, -0.5, 2], [0.3, 0.1, -1], [2, 2, 0], [0, 1, 0]], undefined, { dtype: 'float64' });
    const logp = F.logSoftmax(logits).data;
    const w = [0.5, 2, 1.5];
    const y = [2, 0, -100, 1];
    const s = 0.3;
    let nll = 0;
    let smooth = 0;
    let total = 0;
    y.forEach((c, i) => {
      if (c === -100) return;
      nll += -w[c] * logp[i * 3 + c];
      for (let k = 0; k < 3; k++) smooth += -w[k] * logp[i * 3 + k];
      total += w[c];
    });
    const expected = (1 - s) * (nll / total) + (s / 3) * (smooth / total);
    const loss = F.crossEntropy(logits, labels(y), { weight: tensor(w, [3], { dtype: 'float64' }), labelSmoothing: s });
    assertAllClose(loss.data, [expected], { atol: 1e-14, rtol: 1e-12 });
  });

  it('all labels ignored: mean 0 with zero gradients (PyTorch: NaN), sum 0, none zeros', () => {
    const logits = f64([1, 2, 3, 4], [2, 2]);
    const y = labels([-100, -100]);
    const loss = F.crossEntropy(logits, y);
    assertAllClose(loss.data, [0], { atol: 0, rtol: 0 });
    loss.backward();
    assertAllClose(logits.grad!.data, [0, 0, 0, 0], { atol: 0, rtol: 0 });
    assertAllClose(F.crossEntropy(logits, y, { reduction: 'sum' }).data, [0], { atol: 0, rtol: 0 });
    assertAllClose(F.nllLoss(logits, y, { reduction: 'none' }).data, [0, 0], { atol: 0, rtol: 0 });
    assertAllClose(F.crossEntropy(logits, labels([0, 1]), { weight: tensor([0, 0], [2], { dtype: 'float64' }) }).data, [0], { atol: 0, rtol: 0 });
  });

  it('class losses: float64 gradient checks with weight, ignoreIndex, smoothing and probability targets; tfjs', () => {
    const g = new Generator(31);
    const x = randn([6, 4], { dtype: 'float64', generator: g }).mul(2).requiresGrad_();
    const w = uniform([4], 0.2, 2, { dtype: 'float64', generator: g });
    const y = labels([3, 0, -1, 2, 2, -1]);
    assert.equal(gradcheck((t) => F.crossEntropy(t, y, { weight: w, ignoreIndex: -1, labelSmoothing: 0.1 }), [x]), true);
    assert.equal(gradcheck((t) => F.nllLoss(F.logSoftmax(t), y, { weight: w, ignoreIndex: -1, reduction: 'none' }), [x]), true);
    const probs = F.softmax(randn([6, 4], { dtype: 'float64', generator: g })).requiresGrad_();
    assert.equal(gradcheck((t, p) => F.crossEntropy(t, p, { weight: w, labelSmoothing: 0.2 }), [x, probs]), true);
    // tfjs: per-sample softmax cross-entropy times the label's weight, summed over the summed weights.
    const batch = 8;
    const classes = 5;
    const lab = randint(0, classes, [batch], { generator: g });
    const weight = uniform([classes], 0.2, 2, { generator: g });
    const perSampleWeight = tf.tensor(Array.from(lab.data, (c) => weight.data[c]));
    const tfOneHot = tf.tensor(oneHot(lab, classes).data as Float32Array, [batch, classes]);
    compareWithTfjs({
      label: 'crossEntropy with class weights',
      inputs: [randn([batch, classes], { generator: g }).mul(3).requiresGrad_()],
      convkit: (t) => F.crossEntropy(t, lab, { weight }),
      tfjs: (t) => tf.div(tf.sum(tf.mul(tf.losses.softmaxCrossEntropy(tfOneHot, t, undefined, 0, tf.Reduction.NONE), perSampleWeight)), tf.sum(perSampleWeight)),
    });
  });

  it('class losses reject bad weights, labels and options, naming the loss and what is valid', () => {
    const logits = randn([2, 3]);
    assert.throws(() => F.crossEntropy(logits, labels([0, 1]), { weight: tensor([1, 2]) }), /crossEntropy: weight must be a float tensor \[3\] \(one per class\), got float32 \[2\]/);
    assert.throws(() => F.nllLoss(logits, labels([0, 3])), /nllLoss: label 3 at index 1 is outside 0\.\.2 for log-probabilities \[2, 3\] \(and is not ignoreIndex -100\)/);
    assert.throws(() => F.crossEntropy(logits, randn([2, 3]), { ignoreIndex: 0 }), /crossEntropy: ignoreIndex applies to int32 labels, not to probability targets \[2, 3\]/);
    assert.throws(() => F.nllLoss(randn([3]), labels([0])), /nllLoss: log-probabilities must be \[batch, classes\], got \[3\]/);
  });

  it('L1, smooth L1 (beta) and Huber (delta) by hand, with their gradients at and around the joins', () => {
    const o = f64([-2, -0.5, 0, 0.5, 1, 3]);
    const t = tensor([0, 0, 0, 0, 0, 0], [6], { dtype: 'float64' });
    const grad = (loss: Tensor) => {
      o.grad = null;
      loss.sum().backward();
      return Array.from(o.grad!.data);
    };
    // beta 1: 0.5 d^2 inside |d| < 1, |d| - 0.5 outside (d = 1 is outside: 0.5 either way).
    assertAllClose(F.smoothL1Loss(o, t, { reduction: 'none' }).data, [1.5, 0.125, 0, 0.125, 0.5, 2.5]);
    assert.deepEqual(grad(F.smoothL1Loss(o, t, { reduction: 'none' })), [-1, -0.5, 0, 0.5, 1, 1]);
    assert.deepEqual(Array.from(F.smoothL1Loss(o, t, { beta: 0, reduction: 'none' }).data), [2, 0.5, 0, 0.5, 1, 3]);
    assert.deepEqual(grad(F.l1Loss(o, t, { reduction: 'none' })), [-1, -1, 0, 1, 1, 1]);
    // delta 2: 0.5 d^2 for |d| <= 2, 2 (|d| - 1) beyond.
    assertAllClose(F.huberLoss(o, t, { delta: 2, reduction: 'none' }).data, [2, 0.125, 0, 0.125, 0.5, 4]);
    assert.deepEqual(grad(F.huberLoss(o, t, { delta: 2, reduction: 'none' })), [-2, -0.5, 0, 0.5, 1, 2]);
    // Huber with delta = smooth L1 with beta = delta, times delta.
    assertAllClose(F.huberLoss(o, t, { delta: 0.7 }).data, F.smoothL1Loss(o, t, { beta: 0.7 }).mul(0.7).data);
    assert.throws(() => F.smoothL1Loss(o, t, { beta: -1 }), /smoothL1Loss: beta must be >= 0, got -1/);
    assert.throws(() => F.huberLoss(o, t, { delta: 0 }), /huberLoss: delta must be > 0, got 0/);
    assert.throws(() => F.l1Loss(o, randn([2, 3])), /l1Loss: output \[6\] and target \[2, 3\] must have the same shape/);
  });

  it('regression losses: float64 gradient checks for output and target, and tfjs huberLoss / absoluteDifference', () => {
    const g = new Generator(32);
    const [o, t] = [randn([3, 5], { dtype: 'float64', generator: g }).mul(2).requiresGrad_(), randn([3, 5], { dtype: 'float64', generator: g }).requiresGrad_()];
    assert.equal(gradcheck((a, b) => F.l1Loss(a, b), [o, t]), true);
    assert.equal(gradcheck((a, b) => F.smoothL1Loss(a, b, { beta: 0.5, reduction: 'sum' }), [o, t]), true);
    assert.equal(gradcheck((a, b) => F.huberLoss(a, b, { delta: 1.5, reduction: 'none' }), [o, t]), true);
    const input = () => randn([4, 6], { generator: g }).mul(2).requiresGrad_();
    for (const delta of [0.5, 1, 2]) {
      compareWithTfjs({ label: `huberLoss delta ${delta}`, inputs: [input(), input()], convkit: (a, b) => F.huberLoss(a, b, { delta }), tfjs: (a, b) => tf.losses.huberLoss(b, a, undefined, delta) });
    }
    compareWithTfjs({ label: 'l1Loss', inputs: [input(), input()], convkit: (a, b) => F.l1Loss(a, b), tfjs: (a, b) => tf.losses.absoluteDifference(b, a) });
  });

  it('binaryCrossEntropy on probabilities: values, the -100 log floor at 0 and 1, gradients, weight, errors', () => {
    const x = f64([0.25, 0.5, 0, 1, 1]);
    const z = tensor([1, 0, 1, 1, 0], [5], { dtype: 'float64' });
    assertAllClose(F.binaryCrossEntropy(x, z, { reduction: 'none' }).data, [-ln(0.25), -ln(0.5), 100, 0, 100]);
    F.binaryCrossEntropy(x, z, { reduction: 'sum' }).backward();
    // (x - z) / max(x (1 - x), 1e-12): at 0 and 1 the denominator is 1e-12.
    assertAllClose(x.grad!.data, [-0.75 / 0.1875, 0.5 / 0.25, -1e12, 0, 1e12]);
    assertAllClose(F.binaryCrossEntropy(x, z, { weight: tensor([2, 1, 0, 1, 0], [5], { dtype: 'float64' }), reduction: 'sum' }).data, [-2 * ln(0.25) - ln(0.5)]);
    assert.throws(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0])), /binaryCrossEntropy: probabilities must be in \[0, 1\], got 1\.5 at index 1/);
    assert.throws(() => F.binaryCrossEntropy(tensor([0.5]), tensor([1]), { weight: tensor([1, 2]) }), /binaryCrossEntropy: weight must be a float tensor that broadcasts to \[1\]/);
    const g = new Generator(33);
    const p = uniform([3, 4], 0.05, 0.95, { dtype: 'float64', generator: g, requiresGrad: true });
    const target = uniform([3, 4], 0, 1, { dtype: 'float64', generator: g, requiresGrad: true });
    assert.equal(gradcheck((a, b) => F.binaryCrossEntropy(a, b), [p, target]), true);
    compareWithTfjs({
      label: 'binaryCrossEntropy',
      inputs: [uniform([4, 5], 0.05, 0.95, { generator: g, requiresGrad: true }), uniform([4, 5], 0, 1, { generator: g, requiresGrad: true })],
      convkit: (a, b) => F.binaryCrossEntropy(a, b),
      tfjs: (a, b) => tf.losses.logLoss(b, a, undefined, 0),
    });
  });

  it('binaryCrossEntropyWithLogits with posWeight: -(pw z log s + (1 - z) log(1 - s)), stable; gradients to all three', () => {
    const x = tensor([0, Math.log(3), -2, 1e30, -1e30, 1e30], [2, 3], { dtype: 'float64' });
    const z = tensor([1, 0, 1, 1, 1, 0], [2, 3], { dtype: 'float64' });
    const pw = tensor([3, 0.5, 2], [3], { dtype: 'float64' });
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const loss = F.binaryCrossEntropyWithLogits(x, z, { posWeight: pw, reduction: 'none' });
    assertAllClose(loss.data, [3 * ln(2), -ln(0.25), -2 * ln(s(-2)), 0, 0.5 * 1e30, 1e30]);
    const g = new Generator(34);
    const logits = randn([4, 3], { dtype: 'float64', generator: g }).mul(2).requiresGrad_();
    const target = uniform([4, 3], 0, 1, { dtype: 'float64', generator: g, requiresGrad: true });
    const posWeight = uniform([3], 0.5, 4, { dtype: 'float64', generator: g, requiresGrad: true });
    const weight = uniform([4, 1], 0.5, 2, { dtype: 'float64', generator: g });
    assert.equal(gradcheck((a, b, c) => F.binaryCrossEntropyWithLogits(a, b, { posWeight: c, weight }), [logits, target, posWeight]), true);
    compareWithTfjs({
      label: 'binaryCrossEntropyWithLogits with posWeight',
      inputs: [randn([5, 3], { generator: g }).mul(3).requiresGrad_(), uniform([5, 3], 0, 1, { generator: g, requiresGrad: true }), uniform([3], 0.5, 4, { generator: g, requiresGrad: true })],
      convkit: (a, b, c) => F.binaryCrossEntropyWithLogits(a, b, { posWeight: c }),
      // log sigmoid(a) = -softplus(-a) (tfjs's logSigmoid gradient fails on its own disposed tensor).
      tfjs: (a, b, c) => tf.mean(tf.add(tf.mul(tf.mul(c, b), tf.softplus(tf.neg(a))), tf.mul(tf.sub(1, b), tf.softplus(a)))),
    });
    assert.throws(() => F.binaryCrossEntropyWithLogits(x, z, { posWeight: tensor([1, 2]) }), /binaryCrossEntropyWithLogits: posWeight must be a float tensor that broadcasts to \[2, 3\], got float32 \[2\]/);
  });

  it("sigmoidFocalLoss is torchvision's: hand values, gamma 0 / no alpha is BCE, gradient check", () => {
    // x = 0, z = 1: p_t = 0.5, ce = ln 2, alpha_t = 0.25. x = ln 3, z = 0: p = 0.75, p_t = 0.25, ce = ln 4, alpha_t = 0.75.
    const x = tensor([0, Math.log(3)], [2], { dtype: 'float64' });
    const z = tensor([1, 0], [2], { dtype: 'float64' });
    assertAllClose(F.sigmoidFocalLoss(x, z).data, [0.25 * 0.25 * ln(2), 0.75 * 0.5625 * ln(4)], { atol: 1e-15, rtol: 1e-13 });
    assertAllClose(F.sigmoidFocalLoss(x, z, { gamma: 1, alpha: 0.5, reduction: 'sum' }).data, [0.5 * 0.5 * ln(2) + 0.5 * 0.75 * ln(4)], { atol: 1e-15, rtol: 1e-13 });
    const g = new Generator(35);
    const logits = randn([3, 4], { dtype: 'float64', generator: g }).mul(2).requiresGrad_();
    const target = tensor(Array.from({ length: 12 }, () => g.randint(2)), [3, 4], { dtype: 'float64' });
    assertAllClose(F.sigmoidFocalLoss(logits, target, { gamma: 0, alpha: -1, reduction: 'mean' }).data, F.binaryCrossEntropyWithLogits(logits, target).data, { atol: 1e-15, rtol: 1e-13 });
    assert.equal(gradcheck((a) => F.sigmoidFocalLoss(a, target, { reduction: 'mean' }), [logits]), true);
    assert.equal(gradcheck((a) => F.sigmoidFocalLoss(a, target, { gamma: 0.5, alpha: 0.6 }), [logits]), true);
    assert.throws(() => F.sigmoidFocalLoss(x, z, { gamma: -1 }), /sigmoidFocalLoss: gamma must be >= 0, got -1/);
    assert.throws(() => F.sigmoidFocalLoss(x, z, { alpha: 2 }), /sigmoidFocalLoss: alpha must be in \[0, 1\] \(or negative for no weighting\), got 2/);
  });
}, {
  expectedFallbacks: [{
    ops: ['channelSums'],
    reason: 'not float32',
    because: 'the float64 gradient checks undo broadcasting (posWeight, weight) with float64 sums, which the SIMD kernels do not take',
  }],
});
