// The ops with SIMD kernels, in float32 on the wasm backend, against float64 on the reference backend: the
// output and the gradients of a random projection with respect to every input, each element within the
// float32 error bound (test/helpers/float32-check.ts says how it is derived), with proof from the kernel
// counters that each path under test ran and that nothing went to the reference kernels.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, getBackend, ones, randn, tensor, uniform } from '../src/index.js';
import { type Evaluation, type Float32Case, checkFloat32Against64 } from './helpers/float32-check.js';

/** Standard normal float32 input that requires a gradient. */
const normal = (shape: number[], scale = 1, offset = 0) => (g: Generator) =>
  randn(shape, { generator: g }).mul(scale).add(offset).detach().requiresGrad_();
/** Uniform float32 input in [low, high), with or without a gradient. */
const within = (shape: number[], low: number, high: number, requiresGrad = true) => (g: Generator) =>
  uniform(shape, low, high, { generator: g, requiresGrad });
const all =
  (...makers: Array<(g: Generator) => Tensor>) =>
  (g: Generator) =>
    makers.map((make) => make(g));

/**
 * The longest sum in a conv and its gradients: an output takes kH*kW*cinG products and the bias, an input
 * gradient at most kH*kW*coutG, a filter (or bias) gradient one per output position.
 */
function convTerms(o: { batch: number; outH: number; outW: number; kH: number; kW: number; cinG: number; coutG: number }): number {
  return Math.max(o.kH * o.kW * o.cinG + 1, o.kH * o.kW * o.coutG, o.batch * o.outH * o.outW);
}

const convCases: Float32Case[] = [
  {
    name: 'conv2d 5x5 on one channel (LeNet conv1): im2col forward and input gradient, direct filter gradient',
    inputs: all(normal([2, 12, 12, 1]), normal([5, 5, 1, 4]), normal([4])),
    fn: (x, w, b) => F.conv2d(x, w, b),
    terms: convTerms({ batch: 2, outH: 8, outW: 8, kH: 5, kW: 5, cinG: 1, coutG: 4 }),
    paths: ['conv2d.im2col', 'conv2dBackwardInput.im2col', 'conv2dBackwardFilter.direct', 'channelSums'],
  },
  {
    name: "conv2d 3x3 'same', 12 -> 24 channels: indirect GEMM forward and input gradient",
    inputs: all(normal([2, 6, 7, 12]), normal([3, 3, 12, 24]), normal([24])),
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 'same' }),
    terms: convTerms({ batch: 2, outH: 6, outW: 7, kH: 3, kW: 3, cinG: 12, coutG: 24 }),
    paths: ['conv2d.igemm', 'conv2dBackwardInput.igemm', 'conv2dBackwardFilter.im2col'],
  },
  {
    name: 'conv2d 3x3 stride 2, padding 1, with fused ReLU: col2im input gradient',
    inputs: all(normal([2, 7, 7, 8]), normal([3, 3, 8, 16]), normal([16])),
    fn: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1, activation: 'relu' }),
    terms: convTerms({ batch: 2, outH: 4, outW: 4, kH: 3, kW: 3, cinG: 8, coutG: 16 }),
    paths: ['conv2d.im2col', 'conv2dBackwardInput.col2im', 'conv2dBackwardFilter.im2col'],
  },
  {
    name: 'conv2d 1x1, 12 -> 20 channels: plain GEMMs in all three passes',
    inputs: all(normal([2, 5, 5, 12]), normal([1, 1, 12, 20]), normal([20])),
    fn: (x, w, b) => F.conv2d(x, w, b),
    terms: convTerms({ batch: 2, outH: 5, outW: 5, kH: 1, kW: 1, cinG: 12, coutG: 20 }),
    paths: ['conv2d.pointwise', 'conv2dBackwardInput.pointwise', 'conv2dBackwardFilter.pointwise'],
  },
  {
    name: 'conv2d 3x3 depthwise over 6 channels, stride 2',
    inputs: all(normal([2, 7, 7, 6]), normal([3, 3, 1, 6]), normal([6])),
    fn: (x, w, b) => F.conv2d(x, w, b, { groups: 6, stride: 2, padding: 1 }),
    terms: convTerms({ batch: 2, outH: 4, outW: 4, kH: 3, kW: 3, cinG: 1, coutG: 1 }),
    paths: ['conv2d.depthwise', 'conv2dBackwardInput.depthwise', 'conv2dBackwardFilter.depthwise'],
  },
  {
    name: "conv2d 3x3 'same', 16 -> 16 channels on 8x8: Winograd F(2x2, 3x3) in all three passes",
    inputs: all(normal([1, 8, 8, 16]), normal([3, 3, 16, 16]), normal([16])),
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 'same' }),
    terms: convTerms({ batch: 1, outH: 8, outW: 8, kH: 3, kW: 3, cinG: 16, coutG: 16 }),
    paths: ['conv2d.winograd', 'conv2dBackwardInput.winograd', 'conv2dBackwardFilter.winograd'],
  },
  {
    name: "conv2d 5x5 'same', 16 -> 16 channels on 12x12: Winograd as four 3x3 pieces in all three passes",
    inputs: all(normal([1, 12, 12, 16]), normal([5, 5, 16, 16]), normal([16])),
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 'same' }),
    terms: convTerms({ batch: 1, outH: 12, outW: 12, kH: 5, kW: 5, cinG: 16, coutG: 16 }),
    paths: ['conv2d.winograd', 'conv2dBackwardInput.winograd', 'conv2dBackwardFilter.winograd'],
  },
];

const matmulCases: Float32Case[] = [
  // Terms: an output sums k products, a gradient of A sums n, a gradient of B sums m (times the batch where B
  // is broadcast); the bias adds one rounding to the output.
  { name: 'matmul 7x37 @ 37x19', inputs: all(normal([7, 37]), normal([37, 19])), fn: (a, b) => F.matmul(a, b), terms: 37, paths: ['matmul'] },
  { name: 'matmul batched 3x5x20 @ 3x20x9', inputs: all(normal([3, 5, 20]), normal([3, 20, 9])), fn: (a, b) => F.matmul(a, b), terms: 20, paths: ['matmul'] },
  {
    name: 'matmul broadcasting a 2-D right operand: 3x5x20 @ 20x9',
    inputs: all(normal([3, 5, 20]), normal([20, 9])),
    fn: (a, b) => F.matmul(a, b),
    terms: 20,
    paths: ['matmul'],
  },
  {
    name: 'linear 6x30 @ 30x10 + bias',
    inputs: all(normal([6, 30]), normal([30, 10]), normal([10])),
    fn: (x, w, b) => F.linear(x, w, b),
    terms: 30 + 1,
    paths: ['matmul'],
  },
];

// Terms: max pooling only selects (its gradient adds the upstream values of the at most 2x2 windows of stride 2
// that share an input); averages sum the window and divide (one more rounding, and one for the reciprocal).
const poolCases: Float32Case[] = [
  {
    name: 'maxPool2d 3x3, stride 2, padding 1',
    inputs: all(normal([2, 7, 7, 5])),
    fn: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }),
    terms: 2 * 2,
    signed: [0],
    paths: ['maxPool2d', 'maxPool2dBackward'],
  },
  {
    name: 'maxPool2d 2x2, stride 2, ceilMode, 17 channels (vector tails)',
    inputs: all(normal([1, 5, 5, 17])),
    fn: (x) => F.maxPool2d(x, 2, { ceilMode: true }),
    terms: 0, // windows do not overlap: the gradient only routes values
    signed: [0],
    paths: ['maxPool2d', 'maxPool2dBackward'],
  },
  {
    name: 'avgPool2d 3x3, stride 2, padding 1, counting the padding',
    inputs: all(normal([2, 7, 7, 5])),
    fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: true }),
    terms: 3 * 3 + 2,
    paths: ['avgPool2d', 'avgPool2dBackward'],
  },
  {
    name: 'avgPool2d 3x3, stride 2, padding 1, excluding the padding from the count',
    inputs: all(normal([2, 7, 7, 5])),
    fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
    terms: 3 * 3 + 2,
    paths: ['avgPool2d', 'avgPool2dBackward'],
  },
  {
    name: 'sumPool2d 2x2, stride 1',
    inputs: all(normal([2, 6, 5, 3])),
    fn: (x) => F.sumPool2d(x, 2, { stride: 1 }),
    terms: 2 * 2,
    paths: ['avgPool2d', 'avgPool2dBackward'],
  },
];

// ReLU and ReLU6 select without arithmetic (0 terms): float32 must equal float64 exactly; leaky ReLU rounds
// one product per element (1 term).
const activationCases: Float32Case[] = [
  { name: 'relu on 1001 values', inputs: all(normal([7, 143])), fn: (x) => F.relu(x), terms: 0, signed: [0], paths: ['relu', 'reluBackward'] },
  { name: 'relu6 on 1001 values in [-3, 9)', inputs: all(within([7, 143], -3, 9)), fn: (x) => F.relu6(x), terms: 0, signed: [0], paths: ['relu6', 'relu6Backward'] },
  { name: 'leakyRelu 0.1 on 1001 values', inputs: all(normal([7, 143])), fn: (x) => F.leakyRelu(x, 0.1), terms: 1, signed: [0], paths: ['leakyRelu', 'leakyReluBackward'] },
];

/**
 * sum|terms| of batch norm's float32 steps (the statistics and the per-channel sums are float64, and agree
 * between the backends to ~1e-16): y = (x - mean) * s + b (+ residual) with s = weight / sqrt(var + eps);
 * the training gradient dx = g s - s sum(g) / N - (x - mean) s invStd sum(g xhat) / N; the weight and bias
 * gradients are float64 sums rounded once. The ReLU only removes terms, so it is left out.
 */
function batchNormMagnitudes(training: boolean) {
  return (inputs: Tensor[], upstream: Tensor): Evaluation => {
    const [x, weight, bias, ...rest] = inputs;
    const channels = x.shape[x.ndim - 1];
    const rows = x.size / channels;
    const channel = (i: number) => i % channels;
    const mean = new Float64Array(channels);
    const variance = new Float64Array(channels);
    if (training) {
      for (let i = 0; i < x.size; i++) mean[channel(i)] += x.data[i] / rows;
      for (let i = 0; i < x.size; i++) variance[channel(i)] += (x.data[i] - mean[channel(i)]) ** 2 / rows;
    } else {
      mean.set(rest[0].data);
      variance.set(rest[1].data);
    }
    const residual = training ? rest[0] : undefined;
    const invStd = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
    const s = invStd.map((v, c) => Math.abs(v * weight.data[c]));
    const sumG = new Float64Array(channels);
    const sumGXhat = new Float64Array(channels);
    for (let i = 0; i < x.size; i++) {
      const c = channel(i);
      sumG[c] += Math.abs(upstream.data[i]);
      sumGXhat[c] += Math.abs(upstream.data[i] * (x.data[i] - mean[c])) * invStd[c];
    }
    const centred = (i: number) => Math.abs(x.data[i]) + Math.abs(mean[channel(i)]);
    const output = Float64Array.from({ length: x.size }, (_, i) => centred(i) * s[channel(i)] + Math.abs(bias.data[channel(i)]) + (residual ? Math.abs(residual.data[i]) : 0));
    const dx = Float64Array.from({ length: x.size }, (_, i) => {
      const c = channel(i);
      const direct = Math.abs(upstream.data[i]) * s[c];
      return training ? direct + (s[c] * sumG[c]) / rows + (centred(i) * s[c] * invStd[c] * sumGXhat[c]) / rows : direct;
    });
    const grads = [tensor(dx, x.shape, { dtype: 'float64' }), tensor(sumGXhat, [channels], { dtype: 'float64' }), tensor(sumG, [channels], { dtype: 'float64' })];
    if (residual) grads.push(upstream.abs());
    return { output: tensor(output, x.shape, { dtype: 'float64' }), grads };
  };
}

// Terms: the affine map rounds the float64 centre, scale and shift to float32 and rounds the difference, the
// product and the sum (6); a second term (the residual, or the training gradient's centred x) adds 5.
const normCases: Float32Case[] = [
  {
    name: 'batchNorm, training, weight and bias, data with mean 3',
    inputs: all(normal([3, 5, 4, 7], 2, 3), normal([7]), normal([7])),
    fn: (x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }),
    terms: 6 + 5,
    magnitudes: batchNormMagnitudes(true),
    paths: ['channelAffine', 'channelSums'],
  },
  {
    name: 'batchNorm, eval, running statistics, 9 channels',
    inputs: all(normal([2, 4, 3, 9], 2), normal([9]), normal([9]), within([9], -1, 1, false), within([9], 0.5, 2, false)),
    fn: (x, w, b, mean, variance) => F.batchNorm(x, mean, variance, w, b, { training: false }),
    terms: 6,
    magnitudes: batchNormMagnitudes(false),
    paths: ['channelAffine', 'channelSums'],
  },
  {
    name: 'batchNorm, training, + residual, ReLU (one fused pass)',
    inputs: all(normal([2, 5, 5, 6]), normal([6]), normal([6]), normal([2, 5, 5, 6])),
    fn: (x, w, b, residual) => F.batchNorm(x, null, null, w, b, { training: true, activation: 'relu', residual }),
    terms: 6 + 5,
    magnitudes: batchNormMagnitudes(true),
    paths: ['channelAffine', 'channelSums'],
  },
];

const cases: Array<[string, Float32Case[]]> = [
  ['convolution', convCases],
  ['matmul and linear', matmulCases],
  ['pooling', poolCases],
  ['activations', activationCases],
  ['normalisation', normCases],
];

describe('float32 on the wasm backend against float64 on the reference', () => {
  for (const [family, list] of cases) {
    for (const c of list) {
      it(`${family}: ${c.name}`, () => {
        checkFloat32Against64('wasm', c, new Generator(42));
      });
    }
  }

  it('the check fails on a conv that drops one of its 145 terms on the fast backend', () => {
    const dropOne = ones([3, 3, 16, 16]);
    dropOne.data[4 * 16 * 16 + 5] = 0; // centre tap, input channel 0, output channel 5
    const broken: Float32Case = {
      ...convCases.find((c) => c.name.includes('Winograd F(2x2, 3x3)'))!,
      fn: (x, w, b) => F.conv2d(x, getBackend().name === 'wasm' ? w.mul(dropOne) : w, b, { padding: 'same' }),
    };
    assert.throws(() => checkFloat32Against64('wasm', broken, new Generator(42)), /output: element \d+ is .*, float64 gives/);
  });
});
