// conv2d: NHWC input, [kH, kW, inC/groups, outC] filters; stride, padding, dilation and groups
// (groups = channels is a depthwise convolution). Kernels come from the active backend.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat, promote } from '../tensor/dtype.js';
import { allocateTensor } from '../tensor/allocation.js';
import { formatShape } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { runKernel } from '../backend/registry.js';
import type { Conv2dParams, ConvActivation, FloatArray } from '../backend/backend.js';
import { sum } from './reduce.js';
import { reluBackwardFromOutput } from './activation.js'; // also loads leaky-relu.ts, which registers leakyReluBackward
import { type Pair, type Padding, assertRank4, outputLength, pair, resolvePadding } from './geometry.js';

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  /**
   * 'relu' or 'leakyRelu': return the activation of conv(x) from one op (Keras's `activation` argument): the
   * kernel applies it to its output, the pre-activation is never kept, and the backward pass takes the
   * activation's gradient from the output (valid for leaky ReLU because its slope is positive).
   */
  activation?: 'relu' | 'leakyRelu';
  /** Leaky ReLU's slope for x <= 0 (default 0.01, as LeakyReLU); must be positive and finite. */
  negativeSlope?: number;
}

/** The kernel's activation record from the options, checked. */
function convActivation(options: Conv2dOptions): ConvActivation | null {
  const { activation, negativeSlope } = options;
  if (activation === undefined) return null;
  if (activation === 'relu') return { kind: 'relu' };
  if (activation !== 'leakyRelu') {
    throw new Error(`conv2d: activation must be 'relu', 'leakyRelu' or left out, got ${JSON.stringify(activation)}`);
  }
  const slope = negativeSlope ?? 0.01;
  if (!(slope > 0 && Number.isFinite(slope))) {
    throw new Error(`conv2d: activation 'leakyRelu' needs a positive finite negativeSlope (its gradient is read from the output), got ${slope}`);
  }
  return { kind: 'leakyRelu', negativeSlope: slope };
}

/** The gradient before the activation, from the activation's output y (y > 0 exactly where its input was). */
function throughActivation(activation: ConvActivation, y: FloatArray, upstream: Tensor): Tensor {
  if (activation.kind === 'relu') return reluBackwardFromOutput(y, upstream);
  const dx = allocate(upstream.dtype, upstream.size) as FloatArray;
  runKernel('leakyReluBackward', y, upstream.data as FloatArray, dx, activation.negativeSlope);
  return new Tensor(dx, upstream.shape);
}

/** Check shapes and attributes and resolve the geometry, with errors that name both shapes. */
export function conv2dParams(xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions = {}, opName = 'conv2d'): Conv2dParams {
  assertRank4(xShape, 'input', opName);
  if (wShape.length !== 4) {
    throw new Error(`${opName}: weight must be 4-D [kH, kW, inChannels/groups, outChannels], got ${formatShape(wShape)}`);
  }
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, cinG, outC] = wShape;
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || inC % groups !== 0 || outC % groups !== 0) {
    throw new Error(`${opName}: groups = ${groups} must be a positive integer dividing input channels ${inC} and output channels ${outC}`);
  }
  if (cinG * groups !== inC) {
    throw new Error(
      `${opName}: input ${formatShape(xShape)} has ${inC} channels but weight ${formatShape(wShape)} expects ${cinG * groups} ` +
        `(${cinG} per group x ${groups} groups); weights are [kH, kW, inChannels/groups, outChannels]`,
    );
  }
  const stride = pair(options.stride ?? 1, 'stride', opName);
  const dilation = pair(options.dilation ?? 1, 'dilation', opName);
  const [padTop, padBottom, padLeft, padRight] = resolvePadding(options.padding ?? 'valid', inH, inW, [kH, kW], stride, dilation, opName);
  const effH = dilation[0] * (kH - 1) + 1;
  const effW = dilation[1] * (kW - 1) + 1;
  if (effH > inH + padTop + padBottom || effW > inW + padLeft + padRight) {
    throw new Error(
      `${opName}: kernel ${kH}x${kW}${dilation[0] > 1 || dilation[1] > 1 ? ` (dilated to ${effH}x${effW})` : ''} is larger than the padded input ` +
        `${inH + padTop + padBottom}x${inW + padLeft + padRight} (input ${formatShape(xShape)}, padding [${padTop}, ${padBottom}, ${padLeft}, ${padRight}])`,
    );
  }
  return {
    batch,
    inH,
    inW,
    inC,
    outH: outputLength(inH, padTop, padBottom, kH, stride[0], dilation[0]),
    outW: outputLength(inW, padLeft, padRight, kW, stride[1], dilation[1]),
    outC,
    kH,
    kW,
    strideH: stride[0],
    strideW: stride[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
    padTop,
    padLeft,
    groups,
  };
}

/** 2-D convolution (cross-correlation): x [N, H, W, C], weight [kH, kW, C/groups, outC], bias [outC]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  if (!isFloat(x.dtype) || !isFloat(weight.dtype)) throw new Error(`conv2d: expects float tensors, got ${x.dtype} and ${weight.dtype}`);
  const p = conv2dParams(x.shape, weight.shape, options);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== p.outC)) {
    throw new Error(`conv2d: bias must be [${p.outC}], got ${formatShape(bias.shape)}`);
  }
  const dtype = promote(x.dtype, weight.dtype);
  const activation = convActivation(options);
  if (anyShapeOnly(x, weight, bias)) return shapeOnly([p.batch, p.outH, p.outW, p.outC], { dtype });
  const xd = x.to(dtype).data as FloatArray;
  const wd = weight.to(dtype).data as FloatArray;
  const y = allocateTensor('conv2d', [p.batch, p.outH, p.outW, p.outC], dtype) as FloatArray;
  runKernel('conv2d', p, xd, wd, bias ? (bias.to(dtype).data as FloatArray) : null, y, activation);
  const out = new Tensor(y, [p.batch, p.outH, p.outW, p.outC]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const opName = activation ? (activation.kind === 'relu' ? 'conv2dRelu' : 'conv2dLeakyRelu') : 'conv2d';
  return record(out, opName, inputs, (upstream) => {
    const dy = activation ? throughActivation(activation, y, upstream.to(dtype)) : upstream;
    const dyd = dy.to(dtype).data as FloatArray;
    return [
      () => {
        const dx = allocate(dtype, x.size) as FloatArray;
        runKernel('conv2dBackwardInput', p, dyd, wd, dx);
        return new Tensor(dx, x.shape);
      },
      () => {
        const dw = allocate(dtype, weight.size) as FloatArray;
        runKernel('conv2dBackwardFilter', p, xd, dyd, dw);
        return new Tensor(dw, weight.shape);
      },
      () => sum(dy, [0, 1, 2]),
    ];
  });
}
