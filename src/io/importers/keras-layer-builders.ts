// One builder per supported Keras layer class: it reads the layer's config, makes the equivalent ConvKit
// module, works out the output shape (so the next layer knows its input channels) and lists the layer's
// Keras weights with the ConvKit tensors they fill. Keras's layouts are ConvKit's (NHWC activations, conv
// kernels [kH, kW, in, out], dense kernels [in, out]); a depthwise kernel [kH, kW, C, multiplier] has the
// same element order as ConvKit's grouped weight [kH, kW, 1, C * multiplier] (output channel c * mult + m),
// so every weight is copied as is once its Keras shape is checked.
import type { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GlobalAvgPool2d,
  Identity,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ReLU,
  ReLU6,
  Sigmoid,
  Softmax,
  Tanh,
  ZeroPad2d,
} from '../../nn/layers.js';
import { outputLength } from '../../ops/geometry.js';
import { Generator } from '../../util/random.js';
import { LayerConfigReader, type KerasShape } from './keras-config.js';
import { Add, ClampedReLU, Concatenate, Conv2dWithActivation, GlobalMaxPool2d, LinearWithActivation, Reshape, SeparableConv2d } from './keras-modules.js';

/** A Keras weight (`<layer>/<kerasName>`, of kerasShape) and the ConvKit tensor it is copied into. */
export interface WeightSlot {
  kerasName: string;
  kerasShape: number[];
  target: Tensor;
}

export interface BuiltLayer {
  /** null for InputLayer, which only names the model's input. */
  module: Module | null;
  outputShape: KerasShape;
  weights: WeightSlot[];
}

type Builder = (r: LayerConfigReader, inputShapes: KerasShape[]) => BuiltLayer;

// Imported weights overwrite the initial values; a private generator keeps building from drawing on the
// user's seeded default stream.
const initOptions = () => ({ generator: new Generator(0) });

const slot = (kerasName: string, kerasShape: number[], target: Tensor): WeightSlot => ({ kerasName, kerasShape, target });

const ACTIVATIONS: Record<string, () => Module | null> = {
  linear: () => null,
  relu: () => new ReLU(),
  relu6: () => new ReLU6(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  softmax: () => new Softmax(-1),
};

/** The module for a layer's activation setting; null for 'linear'. */
function activationOf(r: LayerConfigReader): Module | null {
  const name = r.oneOf('activation', Object.keys(ACTIVATIONS), 'linear');
  return ACTIVATIONS[name]();
}

/** Output length of a convolution or pooling window along one axis (null stays null). */
function windowOutput(r: LayerConfigReader, n: number | null, kernel: number, stride: number, dilation: number, padding: 'valid' | 'same'): number | null {
  if (n === null) return null;
  const out = padding === 'same' ? Math.ceil(n / stride) : outputLength(n, 0, 0, kernel, stride, dilation);
  if (out < 1) r.fail(`its ${kernel}x${kernel} window does not fit an input of size ${n} with 'valid' padding`);
  return out;
}

interface ConvGeometry {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: 'valid' | 'same';
}

function convGeometry(r: LayerConfigReader): ConvGeometry {
  r.channelsLast();
  return { kernel: r.pair('kernel_size'), stride: r.pair('strides', [1, 1]), dilation: r.pair('dilation_rate', [1, 1]), padding: r.padding() };
}

function convOutputShape(r: LayerConfigReader, input: KerasShape, g: ConvGeometry, channels: number): KerasShape {
  return [
    windowOutput(r, input[0], g.kernel[0], g.stride[0], g.dilation[0], g.padding),
    windowOutput(r, input[1], g.kernel[1], g.stride[1], g.dilation[1], g.padding),
    channels,
  ];
}

function conv2dLayer(r: LayerConfigReader, inC: number, outC: number, g: ConvGeometry, groups: number, bias: boolean, activation: Module | null): Conv2d {
  const options = { stride: g.stride, padding: g.padding, dilation: g.dilation, groups, bias, ...initOptions() };
  if (inC % groups !== 0 || outC % groups !== 0) r.fail(`groups ${groups} must divide the input channels ${inC} and filters ${outC}`);
  return activation ? new Conv2dWithActivation(inC, outC, g.kernel, options, activation) : new Conv2d(inC, outC, g.kernel, options);
}

function biasSlots(conv: Conv2d | Linear, size: number): WeightSlot[] {
  return conv.bias ? [slot('bias', [size], conv.bias)] : [];
}

const conv2D: Builder = (r, shapes) => {
  const g = convGeometry(r);
  const input = r.singleInput(shapes, 3);
  const inC = r.lastDim(input);
  const filters = r.positiveInt('filters');
  const groups = r.positiveInt('groups', 1);
  const conv = conv2dLayer(r, inC, filters, g, groups, r.bool('use_bias', true), activationOf(r));
  return {
    module: conv,
    outputShape: convOutputShape(r, input, g, filters),
    weights: [slot('kernel', [...g.kernel, inC / groups, filters], conv.weight), ...biasSlots(conv, filters)],
  };
};

const depthwiseConv2D: Builder = (r, shapes) => {
  const g = convGeometry(r);
  const input = r.singleInput(shapes, 3);
  const inC = r.lastDim(input);
  const multiplier = r.positiveInt('depth_multiplier', 1);
  const conv = conv2dLayer(r, inC, inC * multiplier, g, inC, r.bool('use_bias', true), activationOf(r));
  return {
    module: conv,
    outputShape: convOutputShape(r, input, g, inC * multiplier),
    weights: [slot('depthwise_kernel', [...g.kernel, inC, multiplier], conv.weight), ...biasSlots(conv, inC * multiplier)],
  };
};

const separableConv2D: Builder = (r, shapes) => {
  const g = convGeometry(r);
  const input = r.singleInput(shapes, 3);
  const inC = r.lastDim(input);
  const multiplier = r.positiveInt('depth_multiplier', 1);
  const filters = r.positiveInt('filters');
  const mid = inC * multiplier;
  const depthwise = conv2dLayer(r, inC, mid, g, inC, false, null);
  const pointwise = conv2dLayer(r, mid, filters, { kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padding: 'valid' }, 1, r.bool('use_bias', true), null);
  return {
    module: new SeparableConv2d(depthwise, pointwise, activationOf(r)),
    outputShape: convOutputShape(r, input, g, filters),
    weights: [
      slot('depthwise_kernel', [...g.kernel, inC, multiplier], depthwise.weight),
      slot('pointwise_kernel', [1, 1, mid, filters], pointwise.weight),
      ...biasSlots(pointwise, filters),
    ],
  };
};

const batchNormalization: Builder = (r, shapes) => {
  const input = r.singleInput(shapes);
  const axis = Array.isArray(r.config.axis) && r.config.axis.length === 1 ? r.config.axis[0] : (r.config.axis ?? -1);
  if (axis !== -1 && axis !== input.length) r.fail(`axis is ${JSON.stringify(r.config.axis)}; only the last axis (-1 or ${input.length}, channels last) is supported`);
  const channels = r.lastDim(input);
  const bn = new BatchNorm2d(channels, { eps: r.number('epsilon', 1e-3), momentum: 1 - r.number('momentum', 0.99) });
  // Keras can drop gamma (scale: false, common in InceptionV3) or beta (center: false) separately.
  if (!r.bool('scale', true)) bn.weight = null;
  if (!r.bool('center', true)) bn.bias = null;
  const weights: WeightSlot[] = [];
  if (bn.weight) weights.push(slot('gamma', [channels], bn.weight));
  if (bn.bias) weights.push(slot('beta', [channels], bn.bias));
  weights.push(slot('moving_mean', [channels], bn.runningMean as Tensor), slot('moving_variance', [channels], bn.runningVar as Tensor));
  return { module: bn, outputShape: input, weights };
};

/** A layer without weights that keeps its input's shape. */
function shapeKeeping(make: (r: LayerConfigReader) => Module): Builder {
  return (r, shapes) => ({ module: make(r), outputShape: r.singleInput(shapes), weights: [] });
}

const reluLayer = shapeKeeping((r) => {
  if (r.number('threshold', 0) !== 0) r.fail(`threshold ${r.config.threshold} is not supported (only 0)`);
  const slope = r.number('negative_slope', 0);
  const maxValue = r.has('max_value') ? r.number('max_value') : null;
  if (slope !== 0 && maxValue !== null) r.fail(`negative_slope together with max_value is not supported`);
  if (slope !== 0) return new LeakyReLU(slope);
  if (maxValue === null) return new ReLU();
  return maxValue === 6 ? new ReLU6() : new ClampedReLU(maxValue);
});

const poolLayer = (Pool: typeof MaxPool2d | typeof AvgPool2d): Builder => (r, shapes) => {
  r.channelsLast();
  const input = r.singleInput(shapes, 3);
  const kernel = r.pair('pool_size', [2, 2]);
  const stride = r.pair('strides', kernel);
  const padding = r.padding();
  return {
    module: new Pool(kernel, { stride, padding }),
    outputShape: [windowOutput(r, input[0], kernel[0], stride[0], 1, padding), windowOutput(r, input[1], kernel[1], stride[1], 1, padding), input[2]],
    weights: [],
  };
};

const globalPoolLayer = (Pool: typeof GlobalAvgPool2d | typeof GlobalMaxPool2d): Builder => (r, shapes) => {
  r.channelsLast();
  const input = r.singleInput(shapes, 3);
  const keepDims = r.bool('keepdims', false);
  return { module: new Pool(keepDims), outputShape: keepDims ? [1, 1, input[2]] : [input[2]], weights: [] };
};

const zeroPadding2D: Builder = (r, shapes) => {
  r.channelsLast();
  const input = r.singleInput(shapes, 3);
  const p = r.config.padding ?? 1;
  const nested = Array.isArray(p) ? p.map((d) => (typeof d === 'number' ? [d, d] : d)) : [[p, p], [p, p]];
  const flat = nested.flat();
  if (nested.length !== 2 || flat.length !== 4 || flat.some((v) => !Number.isInteger(v) || (v as number) < 0)) {
    r.fail(`padding is ${JSON.stringify(p)}; expected n, [padH, padW] or [[top, bottom], [left, right]] of non-negative integers`);
  }
  const [top, bottom, left, right] = flat as number[];
  const grow = (n: number | null, by: number) => (n === null ? null : n + by);
  return { module: new ZeroPad2d([top, bottom, left, right]), outputShape: [grow(input[0], top + bottom), grow(input[1], left + right), input[2]], weights: [] };
};

const addLayer: Builder = (r, shapes) => {
  if (shapes.length < 2) r.fail(`needs two or more inputs, got ${shapes.length}`);
  const mismatch = shapes.some((s) => s.length !== shapes[0].length || s.some((d, i) => d !== null && shapes[0][i] !== null && d !== shapes[0][i]));
  if (mismatch) r.fail(`its inputs have different shapes: ${shapes.map((s) => JSON.stringify(s)).join(', ')}`);
  return { module: new Add(), outputShape: shapes[0].map((d, i) => d ?? shapes.find((s) => s[i] !== null)?.[i] ?? null), weights: [] };
};

const concatenateLayer: Builder = (r, shapes) => {
  if (shapes.length < 2) r.fail(`needs two or more inputs, got ${shapes.length}`);
  const axis = Number(r.config.axis ?? -1);
  const rank = shapes[0].length + 1; // with the batch
  if (!Number.isInteger(axis) || axis === 0 || axis < -rank || axis >= rank || axis === -rank) r.fail(`axis ${r.config.axis} is not a non-batch axis of a ${rank}-D input`);
  const sampleAxis = (axis < 0 ? axis + rank : axis) - 1;
  const out = [...shapes[0]];
  out[sampleAxis] = shapes.some((s) => s[sampleAxis] === null) ? null : shapes.reduce((n, s) => n + (s[sampleAxis] as number), 0);
  return { module: new Concatenate(axis), outputShape: out, weights: [] };
};

const flattenLayer: Builder = (r, shapes) => {
  const input = r.singleInput(shapes);
  if (input.some((d) => d === null)) r.fail(`its input shape [batch, ${input.join(', ')}] has unknown sizes, so the flattened length is unknown`);
  return { module: new Flatten(), outputShape: [(input as number[]).reduce((a, b) => a * b, 1)], weights: [] };
};

const denseLayer: Builder = (r, shapes) => {
  const input = r.singleInput(shapes);
  const inF = r.lastDim(input);
  const units = r.positiveInt('units');
  const activation = activationOf(r);
  const options = { bias: r.bool('use_bias', true), ...initOptions() };
  const dense = activation ? new LinearWithActivation(inF, units, options, activation) : new Linear(inF, units, options);
  return { module: dense, outputShape: [...input.slice(0, -1), units], weights: [slot('kernel', [inF, units], dense.weight), ...biasSlots(dense, units)] };
};

const reshapeLayer: Builder = (r, shapes) => {
  const input = r.singleInput(shapes);
  const target = r.config.target_shape as number[];
  if (!Array.isArray(target) || target.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1)) || target.filter((d) => d === -1).length > 1) {
    r.fail(`target_shape is ${JSON.stringify(target)}; expected positive integers with at most one -1`);
  }
  const known = input.every((d) => d !== null) ? (input as number[]).reduce((a, b) => a * b, 1) : null;
  const fixed = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const outputShape = target.map((d) => (d === -1 ? (known === null ? null : known / fixed) : d));
  if (known !== null && outputShape.some((d) => d !== null && !Number.isInteger(d))) r.fail(`cannot reshape [${input.join(', ')}] into ${JSON.stringify(target)}`);
  if (known !== null && !target.includes(-1) && fixed !== known) r.fail(`cannot reshape [${input.join(', ')}] (${known} values) into ${JSON.stringify(target)}`);
  return { module: new Reshape(target), outputShape, weights: [] };
};

const inputLayer: Builder = (r) => {
  const shape = (r.config.batch_input_shape ?? r.config.batch_shape) as KerasShape;
  if (!Array.isArray(shape) || shape.length < 2 || shape.slice(1).some((d) => d !== null && (!Number.isInteger(d) || d < 1))) {
    r.fail(`batch_input_shape is ${JSON.stringify(shape)}; expected [null, ...sizes]`);
  }
  return { module: null, outputShape: shape.slice(1), weights: [] };
};

/** The supported Keras layer classes and how each is built. */
export const KERAS_LAYER_BUILDERS: Readonly<Record<string, Builder>> = {
  InputLayer: inputLayer,
  Conv2D: conv2D,
  DepthwiseConv2D: depthwiseConv2D,
  SeparableConv2D: separableConv2D,
  BatchNormalization: batchNormalization,
  ReLU: reluLayer,
  LeakyReLU: shapeKeeping((r) => new LeakyReLU(r.number(r.has('negative_slope') ? 'negative_slope' : 'alpha', 0.3))),
  Activation: shapeKeeping((r) => activationOf(r) ?? new Identity()),
  ZeroPadding2D: zeroPadding2D,
  Add: addLayer,
  Concatenate: concatenateLayer,
  MaxPooling2D: poolLayer(MaxPool2d),
  AveragePooling2D: poolLayer(AvgPool2d),
  GlobalAveragePooling2D: globalPoolLayer(GlobalAvgPool2d),
  GlobalMaxPooling2D: globalPoolLayer(GlobalMaxPool2d),
  Flatten: flattenLayer,
  Dense: denseLayer,
  Dropout: shapeKeeping((r) => {
    const rate = r.number('rate');
    if (!(rate >= 0 && rate < 1)) r.fail(`rate ${rate} must be in [0, 1)`);
    return new Dropout(rate);
  }),
  Reshape: reshapeLayer,
};
