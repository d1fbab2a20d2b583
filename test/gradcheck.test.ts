// Every differentiable op's backward rule against float64 central differences (gradcheck), on every backend.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, Tensor, concat, gradcheck, randint, randn, stack, tensor, uniform } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';

interface Case {
  name: string;
  /** Fresh float64 inputs (those with requiresGrad are checked). */
  inputs: (g: Generator) => Tensor[];
  fn: (...xs: Tensor[]) => Tensor;
}

/** Standard normal float64 input that requires a gradient. */
const normal = (shape: number[], scale = 1) => (g: Generator) => randn(shape, { dtype: 'float64', generator: g }).mul(scale).requiresGrad_();
/** Uniform float64 input in [low, high) that requires a gradient. */
const within = (shape: number[], low: number, high: number) => (g: Generator) =>
  uniform(shape, low, high, { dtype: 'float64', generator: g, requiresGrad: true });
const all =
  (...makers: Array<(g: Generator) => Tensor>) =>
  (g: Generator) =>
    makers.map((make) => make(g));

const convCases: Case[] = [
  {
    name: 'conv2d, stride [2, 1], valid, with bias',
    inputs: all(normal([2, 7, 6, 3]), normal([3, 2, 3, 4]), normal([4])),
    fn: (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1] }),
  },
  {
    name: "conv2d with activation 'relu' (fused), with bias",
    inputs: all(normal([2, 5, 6, 3]), normal([3, 3, 3, 4]), normal([4])),
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 'same', activation: 'relu' }),
  },
  {
    name: "conv2d with activation 'leakyRelu' (fused), slope 0.1, with bias",
    inputs: all(normal([2, 5, 6, 3]), normal([3, 3, 3, 4]), normal([4])),
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 'same', activation: 'leakyRelu', negativeSlope: 0.1 }),
  },
  {
    name: "conv2d, 'same', stride 2 (asymmetric padding)",
    inputs: all(normal([1, 6, 7, 2]), normal([3, 3, 2, 3])),
    fn: (x, w) => F.conv2d(x, w, null, { padding: 'same', stride: 2 }),
  },
  {
    name: "conv2d, 'same' with an even 2x2 kernel",
    inputs: all(normal([1, 5, 4, 2]), normal([2, 2, 2, 2]), normal([2])),
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 'same' }),
  },
  {
    name: 'conv2d, explicit per-side padding [top 1, bottom 0, left 2, right 1]',
    inputs: all(normal([1, 5, 5, 2]), normal([3, 3, 2, 2])),
    fn: (x, w) => F.conv2d(x, w, null, { padding: [1, 0, 2, 1] }),
  },
  {
    name: 'conv2d, padding [padH 1, padW 2] with stride 2',
    inputs: all(normal([2, 5, 4, 1]), normal([3, 3, 1, 2])),
    fn: (x, w) => F.conv2d(x, w, null, { padding: [1, 2], stride: 2 }),
  },
  {
    name: "conv2d, dilation 2, 'same'",
    inputs: all(normal([1, 7, 7, 2]), normal([3, 3, 2, 2]), normal([2])),
    fn: (x, w, b) => F.conv2d(x, w, b, { dilation: 2, padding: 'same' }),
  },
  {
    name: 'conv2d, dilation [2, 1] with stride 2',
    inputs: all(normal([1, 8, 6, 2]), normal([2, 3, 2, 2])),
    fn: (x, w) => F.conv2d(x, w, null, { dilation: [2, 1], stride: 2 }),
  },
  {
    name: 'conv2d, groups 2',
    inputs: all(normal([1, 5, 5, 4]), normal([3, 3, 2, 6]), normal([6])),
    fn: (x, w, b) => F.conv2d(x, w, b, { groups: 2, padding: 1 }),
  },
  {
    name: 'conv2d, depthwise (groups = channels, multiplier 2), stride 2, padding 1',
    inputs: all(normal([2, 5, 5, 3]), normal([3, 3, 1, 6]), normal([6])),
    fn: (x, w, b) => F.conv2d(x, w, b, { groups: 3, stride: 2, padding: 1 }),
  },
];

const poolCases: Case[] = [
  { name: 'maxPool2d 2x2, stride 2', inputs: all(normal([2, 4, 6, 3])), fn: (x) => F.maxPool2d(x, 2) },
  { name: 'maxPool2d 3x3, stride 2, padding 1', inputs: all(normal([1, 5, 6, 2])), fn: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }) },
  { name: "maxPool2d 3x3, stride 2, 'same'", inputs: all(normal([1, 6, 5, 2])), fn: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 'same' }) },
  { name: 'maxPool2d 2x2, stride 2, ceilMode', inputs: all(normal([1, 5, 5, 2])), fn: (x) => F.maxPool2d(x, 2, { ceilMode: true }) },
  {
    name: 'avgPool2d 3x3, stride 2, padding 1, countIncludePad',
    inputs: all(normal([1, 5, 6, 2])),
    fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: true }),
  },
  {
    name: 'avgPool2d 3x3, stride 2, padding 1, excluding padding from the count',
    inputs: all(normal([1, 5, 6, 2])),
    fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
  },
  { name: "avgPool2d 2x2, 'same'", inputs: all(normal([2, 5, 3, 2])), fn: (x) => F.avgPool2d(x, 2, { stride: 1, padding: 'same' }) },
  { name: 'avgPool2d 2x2, stride 2, ceilMode', inputs: all(normal([1, 5, 5, 2])), fn: (x) => F.avgPool2d(x, 2, { ceilMode: true }) },
  { name: 'sumPool2d 3x3, stride 2, padding 1', inputs: all(normal([1, 5, 5, 2])), fn: (x) => F.sumPool2d(x, 3, { stride: 2, padding: 1 }) },
  { name: 'globalAvgPool2d', inputs: all(normal([2, 3, 4, 3])), fn: (x) => F.globalAvgPool2d(x) },
  { name: 'globalAvgPool2d, keepDims', inputs: all(normal([2, 3, 4, 3])), fn: (x) => F.globalAvgPool2d(x, true) },
];

const matmulCases: Case[] = [
  { name: 'matmul 2-D', inputs: all(normal([3, 4]), normal([4, 5])), fn: (a, b) => F.matmul(a, b) },
  { name: 'matmul batched', inputs: all(normal([2, 3, 4]), normal([2, 4, 5])), fn: (a, b) => F.matmul(a, b) },
  { name: 'matmul 4-D batched', inputs: all(normal([2, 2, 3, 4]), normal([2, 2, 4, 3])), fn: (a, b) => F.matmul(a, b) },
  { name: 'matmul broadcasting a 2-D right operand', inputs: all(normal([2, 3, 4]), normal([4, 5])), fn: (a, b) => F.matmul(a, b) },
  { name: 'matmul broadcasting a 2-D left operand', inputs: all(normal([3, 4]), normal([2, 4, 5])), fn: (a, b) => F.matmul(a, b) },
  { name: 'linear with bias', inputs: all(normal([3, 4]), normal([4, 5]), normal([5])), fn: (x, w, b) => F.linear(x, w, b) },
  { name: 'linear on 3-D input', inputs: all(normal([2, 3, 4]), normal([4, 2]), normal([2])), fn: (x, w, b) => F.linear(x, w, b) },
];

const activationCases: Case[] = [
  { name: 'relu', inputs: all(normal([3, 5])), fn: (x) => F.relu(x) },
  { name: 'relu6', inputs: all(within([4, 6], -3, 9)), fn: (x) => F.relu6(x) },
  { name: 'leakyRelu', inputs: all(normal([3, 5])), fn: (x) => F.leakyRelu(x, 0.1) },
  { name: 'sigmoid', inputs: all(normal([3, 5], 3)), fn: (x) => F.sigmoid(x) },
  { name: 'tanh', inputs: all(normal([3, 5], 2)), fn: (x) => F.tanh(x) },
  ...[-1, 0, 1].flatMap((axis): Case[] => [
    { name: `softmax, axis ${axis}`, inputs: all(normal([3, 4, 2], 2)), fn: (x) => F.softmax(x, axis) },
    { name: `logSoftmax, axis ${axis}`, inputs: all(normal([3, 4, 2], 2)), fn: (x) => F.logSoftmax(x, axis) },
  ]),
  { name: 'dropout with a fixed generator', inputs: all(normal([4, 5])), fn: (x) => F.dropout(x, 0.3, { generator: new Generator(5) }) },
];

const arithmeticCases: Case[] = [
  { name: 'add, broadcasting both ways', inputs: all(normal([2, 3, 1]), normal([1, 4])), fn: (a, b) => F.add(a, b) },
  { name: 'sub, broadcasting a row', inputs: all(normal([3, 4]), normal([4])), fn: (a, b) => F.sub(a, b) },
  { name: 'mul, broadcasting both ways', inputs: all(normal([2, 1, 4]), normal([3, 1])), fn: (a, b) => F.mul(a, b) },
  { name: 'div, broadcasting a column', inputs: all(normal([3, 4]), within([3, 1], 0.5, 2)), fn: (a, b) => F.div(a, b) },
  { name: 'mul and div by a number', inputs: all(normal([3, 4])), fn: (a) => F.div(F.mul(a, 3), 7) },
  { name: 'pow 2.5 of positive values', inputs: all(within([3, 4], 0.5, 2)), fn: (x) => F.pow(x, 2.5) },
  { name: 'pow 3', inputs: all(normal([3, 4])), fn: (x) => F.pow(x, 3) },
  { name: 'square and neg', inputs: all(normal([3, 4])), fn: (x) => F.neg(F.square(x)) },
  { name: 'exp', inputs: all(normal([3, 4])), fn: (x) => F.exp(x) },
  { name: 'log', inputs: all(within([3, 4], 0.2, 3)), fn: (x) => F.log(x) },
  { name: 'sqrt', inputs: all(within([3, 4], 0.2, 3)), fn: (x) => F.sqrt(x) },
  { name: 'abs', inputs: all(normal([3, 4])), fn: (x) => F.abs(x) },
  { name: 'clamp', inputs: all(normal([4, 5])), fn: (x) => F.clamp(x, -0.5, 0.7) },
  { name: 'maximum, broadcasting', inputs: all(normal([3, 4]), normal([4])), fn: (a, b) => F.maximum(a, b) },
  { name: 'minimum, broadcasting', inputs: all(normal([3, 1]), normal([3, 4])), fn: (a, b) => F.minimum(a, b) },
  { name: 'maximum with a number', inputs: all(normal([3, 4])), fn: (a) => F.maximum(a, 0.1) },
];

const reductionCases: Case[] = [
  { name: 'sum of all', inputs: all(normal([2, 3, 4])), fn: (x) => F.sum(x) },
  { name: 'sum over axis 1', inputs: all(normal([2, 3, 4])), fn: (x) => F.sum(x, 1) },
  { name: 'sum over non-contiguous axes [0, 2], keepDims', inputs: all(normal([2, 3, 4])), fn: (x) => F.sum(x, [0, 2], true) },
  { name: 'mean over [1, 2]', inputs: all(normal([2, 3, 4])), fn: (x) => F.mean(x, [1, 2]) },
  { name: 'mean over non-contiguous axes [0, 2]', inputs: all(normal([2, 3, 4])), fn: (x) => F.mean(x, [0, 2]) },
  { name: 'max over axis -1', inputs: all(normal([2, 3, 4])), fn: (x) => F.max(x, -1) },
  { name: 'max over non-contiguous axes [0, 2]', inputs: all(normal([2, 3, 4])), fn: (x) => F.max(x, [0, 2]) },
  { name: 'max of all, keepDims', inputs: all(normal([2, 3, 4])), fn: (x) => F.max(x, undefined, true) },
  { name: 'min over axis 1', inputs: all(normal([2, 3, 4])), fn: (x) => F.min(x, 1) },
  { name: 'min over non-contiguous axes [0, 2], keepDims', inputs: all(normal([2, 3, 4])), fn: (x) => F.min(x, [0, 2], true) },
  { name: 'variance over axis 0', inputs: all(normal([4, 3])), fn: (x) => F.variance(x, 0) },
  { name: 'variance over non-contiguous axes [0, 2], unbiased', inputs: all(normal([2, 3, 4])), fn: (x) => F.variance(x, [0, 2], false, 1) },
];

const movementCases: Case[] = [
  { name: 'reshape with -1', inputs: all(normal([2, 3, 4])), fn: (x) => F.mul(F.reshape(x, [4, -1]), F.reshape(x, [4, -1])) },
  { name: 'permute', inputs: all(normal([2, 3, 4])), fn: (x) => F.permute(x, [2, 0, 1]) },
  { name: 'transpose', inputs: all(normal([2, 3, 4])), fn: (x) => F.transpose(x, 0, 2) },
  { name: 'slice with negative indices', inputs: all(normal([4, 5, 3])), fn: (x) => F.slice(x, [1, -4], [-1, 4]) },
  { name: 'narrow', inputs: all(normal([3, 6])), fn: (x) => F.narrow(x, 1, 2, 3) },
  { name: 'pad with a value', inputs: all(normal([2, 3, 2])), fn: (x) => F.pad(x, [[0, 1], [2, 1]], 0.5) },
  { name: 'concat along the channels', inputs: all(normal([1, 2, 2, 3]), normal([1, 2, 2, 1]), normal([1, 2, 2, 2])), fn: (a, b, c) => concat([a, b, c], -1) },
  { name: 'concat along axis 0', inputs: all(normal([2, 3]), normal([1, 3])), fn: (a, b) => F.concat([a, b], 0) },
  { name: 'stack along axis 1', inputs: all(normal([2, 3]), normal([2, 3])), fn: (a, b) => stack([a, b], 1) },
  { name: 'broadcastTo', inputs: all(normal([3, 1])), fn: (x) => F.broadcastTo(x, [2, 3, 4]) },
  { name: 'flatten', inputs: all(normal([2, 3, 2, 2])), fn: (x) => F.mul(F.flatten(x), F.flatten(x)) },
  { name: 'squeeze and unsqueeze', inputs: all(normal([3, 1, 2])), fn: (x) => F.unsqueeze(F.squeeze(x, 1), 0) },
];

const normCases: Case[] = [
  {
    name: 'batchNorm, training, through the batch statistics, with weight and bias',
    inputs: all(normal([3, 2, 3, 2], 2), normal([2]), normal([2])),
    fn: (x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }),
  },
  {
    name: 'batchNorm, training, no affine, on [N, C]',
    inputs: all(normal([5, 3])),
    fn: (x) => F.batchNorm(x, null, null, null, null, { training: true }),
  },
  {
    name: 'batchNorm, eval, with running statistics, weight and bias',
    inputs: all(normal([2, 3, 2, 3], 2), normal([3]), normal([3])),
    fn: (x, w, b) =>
      F.batchNorm(x, tensor([0.5, -0.2, 0.1], [3], { dtype: 'float64' }), tensor([1.5, 0.7, 2], [3], { dtype: 'float64' }), w, b, { training: false }),
  },
];

const labels = (n: number, classes: number, seed: number) => randint(0, classes, [n], { generator: new Generator(seed) });
const probabilities = (shape: number[]) => (g: Generator) =>
  F.softmax(randn(shape, { dtype: 'float64', generator: g })).detach().requiresGrad_();

const lossCases: Case[] = [
  { name: 'crossEntropy with int labels', inputs: all(normal([4, 5], 2)), fn: (x) => F.crossEntropy(x, labels(4, 5, 1)) },
  {
    name: 'crossEntropy with label smoothing, reduction sum',
    inputs: all(normal([4, 5], 2)),
    fn: (x) => F.crossEntropy(x, labels(4, 5, 2), { labelSmoothing: 0.1, reduction: 'sum' }),
  },
  { name: 'crossEntropy with probability targets (gradient for both)', inputs: all(normal([3, 4]), probabilities([3, 4])), fn: (x, t) => F.crossEntropy(x, t) },
  { name: 'crossEntropy, reduction none', inputs: all(normal([3, 4])), fn: (x) => F.crossEntropy(x, labels(3, 4, 3), { reduction: 'none' }) },
  { name: 'nllLoss of logSoftmax', inputs: all(normal([4, 3])), fn: (x) => F.nllLoss(F.logSoftmax(x), labels(4, 3, 4)) },
  { name: 'mseLoss', inputs: all(normal([3, 4]), normal([3, 4])), fn: (y, t) => F.mseLoss(y, t) },
  { name: 'mseLoss, reduction sum', inputs: all(normal([3, 4]), normal([3, 4])), fn: (y, t) => F.mseLoss(y, t, { reduction: 'sum' }) },
  { name: 'sumSquaredError', inputs: all(normal([3, 4]), normal([3, 4])), fn: (y, t) => F.sumSquaredError(y, t) },
  {
    name: 'binaryCrossEntropyWithLogits (gradient for logits and targets)',
    inputs: all(normal([3, 4], 3), within([3, 4], 0, 1)),
    fn: (x, t) => F.binaryCrossEntropyWithLogits(x, t),
  },
];

const suites: Array<[string, Case[]]> = [
  ['convolution', convCases],
  ['pooling', poolCases],
  ['matmul and linear', matmulCases],
  ['activations', activationCases],
  ['arithmetic', arithmeticCases],
  ['reductions', reductionCases],
  ['movement', movementCases],
  ['normalisation', normCases],
  ['losses', lossCases],
];

forEachBackend(() => {
  for (const [family, cases] of suites) {
    for (const c of cases) {
      it(`${family}: ${c.name}`, () => {
        const inputs = c.inputs(new Generator(42));
        assert.ok(inputs.some((t) => t.requiresGrad), 'a case must check at least one gradient');
        assert.equal(gradcheck(c.fn, inputs), true);
      });
    }
  }

  it('gradcheck itself catches a wrong backward rule', () => {
    // x * detach(x) has value x^2 but a recorded gradient of x instead of 2x.
    const broken = (x: Tensor) => F.mul(x, x.detach());
    const x = randn([3], { dtype: 'float64', generator: new Generator(1), requiresGrad: true });
    assert.throws(() => gradcheck(broken, [x]), /gradcheck: gradient of input 0 \[3\] at flat index 0/);
    assert.equal(gradcheck(broken, [x], { raiseException: false }), false);
  });
}, {
  expectedFallbacks: [{
    ops: [
      'conv2d', 'conv2dBackwardInput', 'conv2dBackwardFilter', 'matmul', 'maxPool2d', 'maxPool2dBackward', 'avgPool2d',
      'avgPool2dBackward', 'channelAffine', 'channelSums', 'relu', 'reluBackward', 'relu6', 'relu6Backward', 'leakyRelu',
      'leakyReluBackward',
    ],
    reason: 'not float32',
    because: 'central differences need float64, which the SIMD kernels do not take (gradcheck-float32.test.ts checks them)',
  }],
});
