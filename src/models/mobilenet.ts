// MobileNets: convolutions factored into a depthwise 3x3 convolution (one filter per channel, groups =
// channels) and a pointwise 1x1 convolution that mixes channels, for about k^2 times fewer multiplies.
// - v1 (Howard et al. 2017): 13 depthwise separable blocks, each half followed by batch norm and ReLU;
//   the width multiplier alpha thins every layer. 4,231,976 parameters at alpha 1 and 1000 classes
//   (Keras's MobileNet, whose 4,253,864 also count the batch norms' running statistics).
// - v2 (Sandler et al. 2018), laid out as torchvision's MobileNetV2: inverted residual blocks that expand
//   the channels 6 times with a 1x1 convolution, filter them depthwise, and project back linearly (no
//   activation), with a shortcut when the shape is unchanged; ReLU6. 3,504,872 parameters.
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { FeaturesClassifier } from './features-classifier.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d, Linear, BatchNorm2d, Dropout, GlobalAvgPool2d } from '../nn/layers.js';
import { convNormActivation, type PaddingConvention } from './conv-norm-activation.js';
import { initWeightsLikeTorchvision } from './init-weights.js';
import { type ModelOptions, checkOptionNames, positiveIntOption, positiveOption, probabilityOption, scaleChannels } from './model-options.js';

export interface MobileNetOptions extends ModelOptions {
  /** Width multiplier alpha: scales every layer's channels (default 1). */
  widthMultiplier?: number;
  /** Dropout before the classifier (default 0.001 for v1 as Keras, 0.2 for v2 as torchvision). */
  dropout?: number;
  /** Padding of stride-2 convolutions: 'symmetric' (PyTorch, default) or 'same' (TensorFlow/Keras). */
  padding?: PaddingConvention;
  /** Batch norm epsilon (default 1e-5 as PyTorch; Keras uses 1e-3). */
  batchNormEps?: number;
}

const OPTION_NAMES = ['numClasses', 'inChannels', 'widthMultiplier', 'dropout', 'padding', 'batchNormEps'];

interface ResolvedOptions {
  numClasses: number;
  inChannels: number;
  widthMultiplier: number;
  dropout: number;
  padding: PaddingConvention;
  eps: number;
}

function resolveOptions(name: string, options: MobileNetOptions, defaultDropout: number): ResolvedOptions {
  checkOptionNames(name, options, OPTION_NAMES);
  const padding = options.padding ?? 'symmetric';
  if (padding !== 'symmetric' && padding !== 'same') throw new Error(`${name}: padding must be 'symmetric' or 'same', got '${padding}'`);
  return {
    numClasses: positiveIntOption(name, 'numClasses', options.numClasses ?? 1000),
    inChannels: positiveIntOption(name, 'inChannels', options.inChannels ?? 3),
    widthMultiplier: positiveOption(name, 'widthMultiplier', options.widthMultiplier ?? 1),
    dropout: probabilityOption(name, 'dropout', options.dropout ?? defaultDropout),
    padding,
    eps: positiveOption(name, 'batchNormEps', options.batchNormEps ?? 1e-5),
  };
}

/** Depthwise 3x3 convolution + BN + ReLU, then pointwise 1x1 convolution + BN + ReLU. */
export class DepthwiseSeparableConv2d extends Module {
  readonly depthwise: Sequential;
  readonly pointwise: Sequential;

  constructor(inChannels: number, outChannels: number, stride: number, options: { padding?: PaddingConvention; eps?: number } = {}) {
    super();
    this.depthwise = convNormActivation(inChannels, inChannels, 3, { ...options, stride, groups: inChannels });
    this.pointwise = convNormActivation(inChannels, outChannels, 1, { eps: options.eps });
  }

  forward(x: Tensor): Tensor {
    return this.pointwise.forward(this.depthwise.forward(x));
  }
}

/** Output channels and stride of v1's 13 depthwise separable blocks (the paper's table 1). */
const V1_BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

/** MobileNet v1 and v2 share the head: features, global average pool, classifier (dropout + dense). */
export class MobileNet extends FeaturesClassifier {
  declare readonly avgpool: GlobalAvgPool2d;

  constructor(modelName: string, inChannels: number, features: Sequential, classifier: Sequential) {
    super(modelName, inChannels, undefined, features, ['avgpool', new GlobalAvgPool2d()], classifier);
  }
}

export function mobilenetV1(options: MobileNetOptions = {}): MobileNet {
  const o = resolveOptions('mobilenet_v1', options, 0.001);
  const scale = (c: number) => scaleChannels(c, o.widthMultiplier);
  let channels = scale(32);
  const features = new Sequential(convNormActivation(o.inChannels, channels, 3, { stride: 2, padding: o.padding, eps: o.eps }));
  for (const [out, stride] of V1_BLOCKS) {
    features.add(new DepthwiseSeparableConv2d(channels, scale(out), stride, { padding: o.padding, eps: o.eps }));
    channels = scale(out);
  }
  const classifier = new Sequential(new Dropout(o.dropout), new Linear(channels, o.numClasses));
  return new MobileNet('mobilenet_v1', o.inChannels, features, classifier);
}

/** torchvision's _make_divisible: nearest multiple of 8, never more than 10% below the scaled width. */
function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/** 1x1 expand (ReLU6), 3x3 depthwise (ReLU6), 1x1 linear projection; a shortcut when shapes match. */
export class InvertedResidual extends Module {
  readonly conv: Sequential;
  readonly useResidual: boolean;

  constructor(inChannels: number, outChannels: number, stride: number, expandRatio: number, options: { padding?: PaddingConvention; eps?: number } = {}) {
    super();
    const hidden = Math.round(inChannels * expandRatio);
    const unit = { activation: 'relu6' as const, eps: options.eps };
    this.conv = new Sequential();
    if (expandRatio !== 1) this.conv.add(convNormActivation(inChannels, hidden, 1, unit));
    this.conv.add(convNormActivation(hidden, hidden, 3, { ...unit, stride, groups: hidden, padding: options.padding }));
    this.conv.add(new Conv2d(hidden, outChannels, 1, { bias: false }));
    this.conv.add(new BatchNorm2d(outChannels, { eps: options.eps ?? 1e-5 }));
    this.useResidual = stride === 1 && inChannels === outChannels;
  }

  forward(x: Tensor): Tensor {
    const y = this.conv.forward(x);
    return this.useResidual ? y.add(x) : y;
  }
}

/** Expansion t, output channels c, repeats n, first stride s of each v2 stage (the paper's table 2). */
const V2_STAGES: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export function mobilenetV2(options: MobileNetOptions = {}): MobileNet {
  const o = resolveOptions('mobilenet_v2', options, 0.2);
  const unit = { padding: o.padding, eps: o.eps };
  let channels = makeDivisible(32 * o.widthMultiplier);
  const lastChannels = makeDivisible(1280 * Math.max(1, o.widthMultiplier));
  const features = new Sequential(convNormActivation(o.inChannels, channels, 3, { ...unit, stride: 2, activation: 'relu6' }));
  for (const [t, c, n, s] of V2_STAGES) {
    const out = makeDivisible(c * o.widthMultiplier);
    for (let i = 0; i < n; i++) {
      features.add(new InvertedResidual(channels, out, i === 0 ? s : 1, t, unit));
      channels = out;
    }
  }
  features.add(convNormActivation(channels, lastChannels, 1, { activation: 'relu6', eps: o.eps }));
  const classifier = new Sequential(new Dropout(o.dropout), new Linear(lastChannels, o.numClasses));
  const model = new MobileNet('mobilenet_v2', o.inChannels, features, classifier);
  initWeightsLikeTorchvision(model);
  return model;
}
