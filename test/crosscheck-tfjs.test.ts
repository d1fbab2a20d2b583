// Forward and backward of conv2d, the pools, matmul/linear, batch norm and the losses against TensorFlow.js
// (CPU backend), on shapes and attributes drawn from a seeded generator, in float32, on every backend.
import { it } from 'node:test';
import { F, Generator, Tensor, oneHot, randint, randn, uniform } from '../src/index.js';
import type { Conv2dOptions } from '../src/ops/functional.js';
import { forEachBackend } from './helpers/backends.js';
import { compareWithTfjs, tf, type Comparison } from './helpers/tfjs-reference.js';

const RUNS = 4; // random configurations per case
const g = new Generator(2024);

const between = (low: number, high: number) => low + g.randint(high - low + 1);
const pick = <T>(items: readonly T[]): T => items[g.randint(items.length)];
const input = (shape: number[]) => randn(shape, { generator: g, requiresGrad: true });

type TfPadding = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];

/** A padding choice in both libraries' spellings. */
function randomPadding(kH: number, kW: number): { convkit: Conv2dOptions['padding']; tfjs: TfPadding; text: string } {
  const kind = pick(['valid', 'same', 'explicit'] as const);
  if (kind !== 'explicit') return { convkit: kind, tfjs: kind, text: kind };
  const [top, bottom, left, right] = [between(0, kH - 1), between(0, kH - 1), between(0, kW - 1), between(0, kW - 1)];
  return {
    convkit: [top, bottom, left, right],
    tfjs: [[0, 0], [top, bottom], [left, right], [0, 0]],
    text: `[${top}, ${bottom}, ${left}, ${right}]`,
  };
}

/** Random conv2d geometry: kernel, stride, dilation, padding and groups (depthwise: groups = channels). */
function convConfig(depthwise: boolean) {
  const [kH, kW] = [between(1, 3), between(1, 3)];
  const stride: [number, number] = [between(1, 2), between(1, 2)];
  const dilation: [number, number] = g.random() < 0.4 ? [between(1, 2), 2] : [1, 1];
  const groups = depthwise ? between(1, 8) : pick([1, 1, 2]);
  const channels = depthwise ? groups : groups * between(1, 5);
  const outC = groups * between(1, 6);
  const padding = randomPadding(kH, kW);
  const batch = between(1, 2);
  const [h, w] = [between(dilation[0] * (kH - 1) + 1, 10), between(dilation[1] * (kW - 1) + 1, 10)];
  return { kH, kW, stride, dilation, groups, channels, outC, padding, batch, h, w };
}

/**
 * A dilated kernel written out as a plain one, with d - 1 zero taps between neighbours. tfjs has no
 * gradient for dilated convolutions and no dilation with stride > 1, so those cases run through this.
 */
function inflate(w: tf.Tensor4D, [dH, dW]: [number, number]): tf.Tensor4D {
  const spread = (t: tf.Tensor4D, axis: 0 | 1, d: number): tf.Tensor4D => {
    if (d === 1) return t;
    const shape = [...t.shape] as [number, number, number, number];
    const zerosShape = [...shape.slice(0, axis + 1), d - 1, ...shape.slice(axis + 1)];
    const interleaved = tf.concat([tf.expandDims(t, axis + 1), tf.zeros(zerosShape)], axis + 1);
    const merged = [...shape];
    merged[axis] = shape[axis] * d;
    const size = [...shape];
    size[axis] = (shape[axis] - 1) * d + 1;
    return tf.slice(tf.reshape(interleaved, merged), [0, 0, 0, 0], size) as tf.Tensor4D;
  };
  return spread(spread(w, 0, dH), 1, dW);
}

function convCase(depthwise: boolean): Comparison {
  const c = convConfig(depthwise);
  const x = input([c.batch, c.h, c.w, c.channels]);
  const weight = input([c.kH, c.kW, c.channels / c.groups, c.outC]);
  const bias = input([c.outC]);
  const options: Conv2dOptions = { stride: c.stride, dilation: c.dilation, padding: c.padding.convkit, groups: c.groups };
  const dilated = c.dilation[0] > 1 || c.dilation[1] > 1;
  const strided = c.stride[0] > 1 || c.stride[1] > 1;
  const tfConv = (xs: tf.Tensor4D, ws: tf.Tensor4D, dilation: [number, number]): tf.Tensor4D => {
    if (depthwise) {
      // ConvKit's [kH, kW, 1, C*M] holds the same values in the same order as tfjs's [kH, kW, C, M].
      const filter = tf.reshape(ws, [ws.shape[0], ws.shape[1], c.channels, c.outC / c.channels]) as tf.Tensor4D;
      return tf.depthwiseConv2d(xs, filter, c.stride, c.padding.tfjs, 'NHWC', dilation);
    }
    if (c.groups === 1) return tf.conv2d(xs, ws, c.stride, c.padding.tfjs, 'NHWC', dilation);
    // Groups: split the channels and the filters, convolve each pair, join the results.
    const wParts = tf.split(ws, c.groups, 3);
    const parts = tf.split(xs, c.groups, 3).map((xp, i) => tf.conv2d(xp as tf.Tensor4D, wParts[i] as tf.Tensor4D, c.stride, c.padding.tfjs, 'NHWC', dilation));
    return tf.concat(parts, 3);
  };
  const native = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.add(tfConv(xs as tf.Tensor4D, ws as tf.Tensor4D, c.dilation), bs);
  const inflated = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.add(tfConv(xs as tf.Tensor4D, inflate(ws as tf.Tensor4D, c.dilation), [1, 1]), bs);
  return {
    label:
      `${depthwise ? 'depthwise ' : ''}conv2d x ${JSON.stringify(x.shape)} w ${JSON.stringify(weight.shape)} stride ${c.stride} ` +
      `dilation ${c.dilation} padding ${c.padding.text} groups ${c.groups}`,
    inputs: [x, weight, bias],
    convkit: (xs, ws, bs) => F.conv2d(xs, ws, bs, options),
    tfjs: dilated && strided ? inflated : native,
    tfjsForGradients: dilated ? inflated : undefined,
  };
}

/** TensorFlow's 'same' padding before and after, written out here so the reference does not use ConvKit's. */
function tfSamePadding(n: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function poolCase(kind: 'max' | 'avg'): Comparison {
  const k: [number, number] = [between(1, 3), between(2, 3)];
  const stride: [number, number] = [between(1, 2), between(1, 3)];
  const padding = pick(['valid', 'same'] as const);
  const x = input([between(1, 2), between(k[0], 8), between(k[1], 8), between(1, 3)]);
  // tfjs averages 'same' windows over their real cells only.
  const options = { stride, padding, countIncludePad: padding === 'valid' };
  /**
   * tfjs's avgPool gradient for 'same' divides every window by its full size, although the forward pass
   * divides edge windows by their real cells; differentiate the same average written as a quotient instead:
   * avgPool(padded x) / avgPool(padded ones), both 'valid'.
   */
  const averageOfRealCells = (xs: tf.Tensor) => {
    const widths: Array<[number, number]> = [[0, 0], tfSamePadding(x.shape[1], k[0], stride[0]), tfSamePadding(x.shape[2], k[1], stride[1]), [0, 0]];
    const sums = tf.avgPool(tf.pad(xs, widths) as tf.Tensor4D, k, stride, 'valid');
    const counts = tf.avgPool(tf.pad(tf.onesLike(xs), widths) as tf.Tensor4D, k, stride, 'valid');
    return tf.div(sums, counts);
  };
  return {
    label: `${kind}Pool x ${JSON.stringify(x.shape)} kernel ${k} stride ${stride} ${padding}`,
    inputs: [x],
    convkit: (xs) => (kind === 'max' ? F.maxPool2d(xs, k, options) : F.avgPool2d(xs, k, options)),
    tfjs: (xs) => (kind === 'max' ? tf.maxPool(xs as tf.Tensor4D, k, stride, padding) : tf.avgPool(xs as tf.Tensor4D, k, stride, padding)),
    tfjsForGradients: kind === 'avg' && padding === 'same' ? averageOfRealCells : undefined,
  };
}

function matmulCase(): Comparison {
  const [m, k, n] = [between(1, 20), between(1, 40), between(1, 20)];
  const batch = between(2, 3);
  const [aLead, bLead] = pick([
    [[], []],
    [[batch], [batch]],
    [[batch], []], // a 2-D right operand broadcast over the batch
  ]);
  const a = input([...aLead, m, k]);
  const b = input([...bLead, k, n]);
  const broadcast = a.ndim !== b.ndim;
  return {
    label: `matmul ${JSON.stringify(a.shape)} @ ${JSON.stringify(b.shape)}`,
    inputs: [a, b],
    convkit: F.matmul,
    tfjs: (x, y) => tf.matMul(x, y),
    // tfjs has no gradient for a broadcast operand; broadcasting it explicitly first has one.
    tfjsForGradients: broadcast ? (x, y) => tf.matMul(x, tf.broadcastTo(y, [batch, k, n])) : undefined,
  };
}

function linearCase(): Comparison {
  const [batch, inF, outF] = [between(1, 16), between(1, 64), between(1, 16)];
  const [x, w, b] = [input([batch, inF]), input([inF, outF]), input([outF])];
  return {
    label: `linear ${JSON.stringify(x.shape)} -> ${outF}`,
    inputs: [x, w, b],
    convkit: (xs, ws, bs) => F.linear(xs, ws, bs),
    tfjs: (xs, ws, bs) => tf.add(tf.matMul(xs, ws), bs),
  };
}

function batchNormCase(): Comparison {
  const x = randn([between(2, 4), between(1, 4), between(1, 4), between(1, 4)], { generator: g }).mul(3).add(1).requiresGrad_();
  const channels = x.shape[3];
  const [weight, bias] = [input([channels]), input([channels])];
  const eps = 1e-3;
  return {
    label: `batchNorm training x ${JSON.stringify(x.shape)}`,
    inputs: [x, weight, bias],
    convkit: (xs, ws, bs) => F.batchNorm(xs, null, null, ws, bs, { training: true, eps }),
    tfjs: (xs, ws, bs) => {
      const { mean, variance } = tf.moments(xs, [0, 1, 2]);
      return tf.batchNorm(xs, mean, variance, bs, ws, eps);
    },
  };
}

function crossEntropyCase(): Comparison {
  const [batch, classes] = [between(1, 8), between(2, 10)];
  const logits = randn([batch, classes], { generator: g }).mul(3).requiresGrad_();
  const labels = randint(0, classes, [batch], { generator: g });
  const labelSmoothing = pick([0, 0.1, 0.2]);
  const tfLabels = tf.tensor(oneHot(labels, classes).data as Float32Array, [batch, classes]);
  return {
    label: `crossEntropy logits ${JSON.stringify(logits.shape)} labelSmoothing ${labelSmoothing}`,
    inputs: [logits],
    convkit: (xs) => F.crossEntropy(xs, labels, { labelSmoothing }),
    tfjs: (xs) => tf.losses.softmaxCrossEntropy(tfLabels, xs, undefined, labelSmoothing),
  };
}

function sigmoidCrossEntropyCase(): Comparison {
  const shape = [between(1, 8), between(1, 6)];
  const logits = randn(shape, { generator: g }).mul(3).requiresGrad_();
  const targets = uniform(shape, 0, 1, { generator: g });
  const tfTargets = tf.tensor(targets.data as Float32Array, shape);
  return {
    label: `binaryCrossEntropyWithLogits ${JSON.stringify(shape)}`,
    inputs: [logits],
    convkit: (xs) => F.binaryCrossEntropyWithLogits(xs, targets),
    tfjs: (xs) => tf.losses.sigmoidCrossEntropy(tfTargets, xs),
  };
}

function mseCase(): Comparison {
  const shape = [between(1, 8), between(1, 6)];
  const [output, target] = [input(shape), input(shape)];
  return {
    label: `mseLoss ${JSON.stringify(shape)}`,
    inputs: [output, target],
    convkit: (o, t) => F.mseLoss(o, t),
    tfjs: (o, t) => tf.losses.meanSquaredError(t, o),
  };
}

/** The cases, drawn once so every backend sees the same shapes. */
const cases: Array<() => Comparison> = [];
const draw = (make: () => Comparison) => {
  for (let i = 0; i < RUNS; i++) {
    const c = make();
    cases.push(() => ({ ...c, inputs: c.inputs.map(fresh) }));
  }
};
/** A copy of an input, so each backend's run fills its own gradients. */
const fresh = (t: Tensor) => t.detach().clone().requiresGrad_(t.requiresGrad);

draw(() => convCase(false));
draw(() => convCase(false));
draw(() => convCase(true));
draw(() => poolCase('max'));
draw(() => poolCase('avg'));
draw(matmulCase);
draw(linearCase);
draw(batchNormCase);
draw(crossEntropyCase);
draw(sigmoidCrossEntropyCase);
draw(mseCase);

forEachBackend(() => {
  for (const make of cases) {
    const c = make();
    it(c.label, () => compareWithTfjs(c));
  }
});
