// Bad input gets an error that names the op, the shapes or values received and what is valid; valid but
// extreme input never produces NaN, forward or backward.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, Tensor, ones, randn, setBackend, tensor, zeros } from '../src/index.js';
import { Conv2d, Linear, MaxPool2d, Sequential } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertFinite } from './helpers/assert-close.js';

const image = (h: number, w: number, c: number) => randn([1, h, w, c], { generator: new Generator(1) });
const kernel = (k: number, cin: number, cout: number) => randn([k, k, cin, cout], { generator: new Generator(2) });

forEachBackend(() => {
  it('conv2d with mismatched channels names both shapes', () => {
    assert.throws(
      () => F.conv2d(image(5, 5, 3), kernel(3, 4, 8)),
      /conv2d: input \[1, 5, 5, 3\] has 3 channels but weight \[3, 3, 4, 8\] expects 4 \(4 per group x 1 groups\)/,
    );
  });

  it('conv2d with a kernel larger than the padded input says so, with the padding', () => {
    assert.throws(() => F.conv2d(image(3, 3, 1), kernel(5, 1, 1)), /conv2d: kernel 5x5 is larger than the padded input 3x3 \(input \[1, 3, 3, 1\], padding \[0, 0, 0, 0\]\)/);
    assert.throws(() => F.conv2d(image(4, 4, 1), kernel(3, 1, 1), null, { dilation: 2 }), /conv2d: kernel 3x3 \(dilated to 5x5\) is larger than the padded input 4x4/);
    // Padding that makes it fit is accepted.
    assert.deepEqual(F.conv2d(image(3, 3, 1), kernel(5, 1, 1), null, { padding: 1 }).shape, [1, 1, 1, 1]);
  });

  it('conv2d rejects a non-integer or non-positive stride and dilation, naming the value', () => {
    assert.throws(() => F.conv2d(image(5, 5, 1), kernel(3, 1, 1), null, { stride: 1.5 }), /conv2d: stride must be a positive integer \(or \[h, w\] of them\), got 1\.5/);
    assert.throws(() => F.conv2d(image(5, 5, 1), kernel(3, 1, 1), null, { stride: [1, 0] }), /conv2d: stride must be a positive integer .*got \[1, 0\]/);
    assert.throws(() => F.conv2d(image(5, 5, 1), kernel(3, 1, 1), null, { dilation: -1 }), /conv2d: dilation must be a positive integer .*got -1/);
  });

  it('conv2d rejects a malformed padding spec and lists the valid forms', () => {
    const valid = /conv2d: padding must be 'valid', 'same', a non-negative integer, \[padH, padW\] or \[top, bottom, left, right\], got/;
    for (const padding of ['full', -1, 0.5, [1, 2, 3], [1, -1]]) {
      assert.throws(() => F.conv2d(image(5, 5, 1), kernel(3, 1, 1), null, { padding: padding as F.Padding }), valid, JSON.stringify(padding));
    }
  });

  it('conv2d rejects groups that do not divide the channels', () => {
    assert.throws(
      () => F.conv2d(image(5, 5, 4), kernel(3, 1, 6), null, { groups: 3 }),
      /conv2d: groups = 3 must be a positive integer dividing input channels 4 and output channels 6/,
    );
    assert.throws(() => new Conv2d(4, 6, 3, { groups: 4 }), /Conv2d: groups = 4 must be a positive integer dividing inChannels 4 and outChannels 6/);
  });

  it('conv2d names the expected layouts of weight and bias', () => {
    assert.throws(() => F.conv2d(image(5, 5, 1), randn([3, 3, 1])), /conv2d: weight must be 4-D \[kH, kW, inChannels\/groups, outChannels\], got \[3, 3, 1\]/);
    assert.throws(() => F.conv2d(randn([5, 5, 1]), kernel(3, 1, 1)), /conv2d: input must be 4-D \[batch, height, width, channels\] \(NHWC\), got \[5, 5, 1\]/);
    assert.throws(() => F.conv2d(image(5, 5, 1), kernel(3, 1, 2), zeros([3])), /conv2d: bias must be \[2\], got \[3\]/);
  });

  it('pooling rejects a window larger than the input and bad attributes', () => {
    assert.throws(() => F.maxPool2d(image(2, 2, 1), 3), /maxPool2d: window 3x3 is larger than the padded input 2x2 \(input \[1, 2, 2, 1\]\)/);
    assert.throws(() => F.avgPool2d(image(4, 4, 1), 2, { stride: 0 }), /avgPool2d: stride must be a positive integer .*got 0/);
    assert.throws(() => F.maxPool2d(image(4, 4, 1), 2, { padding: 2 }), /maxPool2d: padding 2 must be at most half the kernel size 2x2/);
    assert.throws(() => new MaxPool2d(2.5), /MaxPool2d: kernelSize must be a positive integer .*got 2\.5/);
  });

  it('matmul with mismatched inner dimensions names both shapes', () => {
    assert.throws(() => F.matmul(randn([2, 3]), randn([4, 5])), /matmul: inner dimensions differ: \[2, 3\] @ \[4, 5\] \(3 vs 4\)/);
    assert.throws(() => F.matmul(randn([2, 2, 3]), randn([3, 3, 4])), /matmul: batch dimensions of \[2, 2, 3\] and \[3, 3, 4\] do not match/);
    assert.throws(() => F.linear(randn([2, 3]), randn([4, 5])), /linear: input \[2, 3\] has 3 features but weight \[4, 5\] expects 4/);
  });

  it('broadcasting failures name the op, both shapes and the rule', () => {
    assert.throws(() => F.add(randn([2, 3]), randn([4])), /add: shapes \[2, 3\] and \[4\] cannot be broadcast \(dimension 1 .* is 3 vs 4; each pair must be equal or 1\)/);
    assert.throws(() => F.mul(randn([2, 3]), randn([3, 2])), /mul: shapes \[2, 3\] and \[3, 2\] cannot be broadcast/);
    assert.throws(() => F.broadcastTo(randn([3]), [3, 2]), /broadcastTo: (shapes \[3\] and \[3, 2\] cannot be broadcast|cannot broadcast \[3\] to \[3, 2\])/);
  });

  it('reshape with a size mismatch names both shapes and the number of values', () => {
    assert.throws(() => randn([2, 3]).reshape([4, 2]), /reshape: cannot reshape \[2, 3\] \(6 values\) into \[4, 2\]/);
    assert.throws(() => randn([2, 3]).reshape([4, -1]), /reshape: cannot reshape \[2, 3\] \(6 values\) into \[4, -1\]/);
    assert.throws(() => randn([2, 3]).reshape([-1, -1]), /reshape: only one dimension may be -1/);
  });

  it('axes out of range name the op, the axis and the valid range', () => {
    assert.throws(() => randn([2, 3]).sum(2), /sum: axis 2 is out of range for a tensor of rank 2 \(valid: -2\.\.1\)/);
    assert.throws(() => F.softmax(randn([2, 3]), -3), /softmax: axis -3 is out of range for a tensor of rank 2/);
    assert.throws(() => randn([2, 3]).permute([0, 0]), /permute: \[0, 0\] is not a permutation of the 2 dimensions of \[2, 3\]/);
  });

  it('crossEntropy with a label out of range names the label, its index and the valid range', () => {
    const logits = randn([2, 3]);
    assert.throws(() => F.crossEntropy(logits, tensor([0, 5], undefined, { dtype: 'int32' })), /crossEntropy: label 5 at index 1 is outside 0\.\.2 for logits \[2, 3\]/);
    assert.throws(() => F.crossEntropy(logits, tensor([-1, 0], undefined, { dtype: 'int32' })), /crossEntropy: label -1 at index 0 is outside 0\.\.2/);
    assert.throws(() => F.crossEntropy(logits, tensor([0, 1.5])), /crossEntropy: label 1\.5 at index 1 is outside 0\.\.2/);
    assert.throws(() => F.crossEntropy(logits, tensor([0, 1, 2], undefined, { dtype: 'int32' })), /crossEntropy: labels \[3\] do not match logits \[2, 3\] \(expected \[2\]\)/);
    assert.throws(() => F.crossEntropy(logits, randn([2, 4])), /crossEntropy: target probabilities \[2, 4\] do not match logits \[2, 3\]/);
    assert.throws(() => F.crossEntropy(logits, tensor([0, 1], undefined, { dtype: 'int32' }), { labelSmoothing: 1.5 }), /crossEntropy: labelSmoothing must be in \[0, 1\], got 1\.5/);
    assert.throws(() => F.mseLoss(randn([2, 3]), randn([3, 2])), /mseLoss: output \[2, 3\] and target \[3, 2\] must have the same shape/);
  });

  it('Conv2d and Linear layers name themselves and the input they got', () => {
    const conv = new Conv2d(3, 8, 3, { generator: new Generator(1) });
    assert.throws(() => conv.forward(image(5, 5, 1)), /Conv2d\(3, 8\): input \[1, 5, 5, 1\] has 1 channels, expected 3 \(NHWC\)/);
    const dense = new Linear(4, 2, { generator: new Generator(1) });
    assert.throws(() => dense.forward(randn([3, 5])), /Linear\(4, 2\): input \[3, 5\] has 5 features, expected 4/);
    assert.throws(() => new Linear(0, 2), /Linear: inFeatures must be a positive integer, got 0/);
  });

  it('loadStateDict lists missing, unexpected and wrong-shape names in one error and changes nothing', () => {
    const model = new Sequential(new Conv2d(1, 2, 3, { generator: new Generator(1) }), new Linear(4, 3, { generator: new Generator(2) }));
    const before = model.parameters().map((p) => p.toFlatArray());
    const state: Record<string, Tensor> = {
      '0.weight': zeros([3, 3, 1, 2]), // right
      '0.bias': zeros([5]), // wrong shape
      // '1.weight' missing
      '1.bias': zeros([3]),
      'head.weight': zeros([2, 2]), // not in the model
    };
    let message = '';
    try {
      model.loadStateDict(state);
    } catch (error) {
      message = (error as Error).message;
    }
    assert.match(message, /^loadStateDict \(Sequential\): 3 problem\(s\):/);
    assert.match(message, /shape of '0\.bias': checkpoint has \[5\], model has \[2\]/);
    assert.match(message, /missing from the state dict: 1\.weight/);
    assert.match(message, /not in the model: head\.weight/);
    assert.deepEqual(model.parameters().map((p) => p.toFlatArray()), before, 'nothing is loaded when any check fails');
  });

  it('other invalid values are rejected with the valid range', () => {
    assert.throws(() => F.dropout(ones([2]), 1), /dropout: probability p must be in \[0, 1\), got 1/);
    assert.throws(() => F.clamp(ones([2]), 1, 0), /clamp: min 1 is greater than max 0/);
    assert.throws(() => setBackend('gpu'), /setBackend: unknown backend 'gpu'; available: js/);
    assert.throws(() => F.batchNorm(randn([2, 3]), null, null, ones([4]), null, { training: true }), /batchNorm: weight must be \[3\] for input \[2, 3\], got \[4\]/);
    assert.throws(() => F.batchNorm(randn([1, 3]), null, null, null, null, { training: true }), /batchNorm: training needs more than one value per channel, got input \[1, 3\]/);
  });

  it('no NaN from softmax, logSoftmax and crossEntropy of +-1e30 logits, forward or backward', () => {
    const logits = tensor([[1e30, -1e30, 0], [-1e30, -1e30, -1e30]], undefined, { requiresGrad: true });
    for (const [name, y] of [
      ['softmax', F.softmax(logits)],
      ['logSoftmax', F.logSoftmax(logits)],
      ['crossEntropy', F.crossEntropy(logits, tensor([1, 0], undefined, { dtype: 'int32' }))],
    ] as const) {
      logits.grad = null;
      assertFinite(y.data, `${name} forward`);
      y.mul(tensor(0.5)).sum().backward();
      assertFinite(logits.grad!.data, `${name} backward`);
    }
    assert.deepEqual(F.softmax(logits).toFlatArray(), [1, 0, 0, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
  });

  it('no NaN from sigmoid, tanh and binaryCrossEntropyWithLogits at +-1e30', () => {
    const x = tensor([1e30, -1e30, 0], undefined, { requiresGrad: true });
    for (const [name, fn] of [
      ['sigmoid', () => F.sigmoid(x)],
      ['tanh', () => F.tanh(x)],
      ['binaryCrossEntropyWithLogits', () => F.binaryCrossEntropyWithLogits(x, tensor([1, 0, 0.5]), { reduction: 'none' })],
    ] as const) {
      x.grad = null;
      const y = fn();
      assertFinite(y.data, `${name} forward`);
      y.sum().backward();
      assertFinite(x.grad!.data, `${name} backward`);
    }
    assert.deepEqual(F.sigmoid(x).toFlatArray(), [1, 0, 0.5]);
  });

  it('no NaN from batchNorm of a constant channel (zero variance) or pools of huge values', () => {
    const x = full4([2, 2, 2, 1], 7);
    const y = F.batchNorm(x, null, null, null, null, { training: true });
    assert.deepEqual(y.toFlatArray(), new Array(8).fill(0));
    y.square().sum().add(y.sum()).backward();
    assertFinite(x.grad!.data, 'batchNorm backward');

    const huge = full4([1, 3, 3, 1], -1e30);
    const pooled = F.maxPool2d(huge, 2, { padding: 'same', stride: 2 });
    assert.ok(pooled.toFlatArray().every((v) => v === Math.fround(-1e30)), 'max of padded windows ignores the padding');
    pooled.sum().backward();
    assertFinite(huge.grad!.data, 'maxPool2d backward');
    assertFinite(F.avgPool2d(full4([1, 3, 3, 1], 1e30), 2, { padding: 'same', stride: 2 }).data, 'avgPool2d forward');
  });
});

function full4(shape: number[], value: number): Tensor {
  return ones(shape).mul(value).detach().requiresGrad_();
}

