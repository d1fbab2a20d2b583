// The standard layers. Each validates its arguments in the constructor and calls the functional op.
import { Tensor } from '../tensor/tensor.js';
import { zeros, ones } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { defaultLayerInit_ } from './init.js';
import { conv2d, type Conv2dOptions } from '../ops/conv.js';
import { convTranspose2d, convTranspose2dGeometry, type ConvTranspose2dOptions } from '../ops/conv-transpose.js';
import { linear } from '../ops/matmul.js';
import { maxPool2d, avgPool2d, sumPool2d, globalAvgPool2d, type Pool2dOptions } from '../ops/pool.js';
import { relu, relu6, leakyRelu, sigmoid, tanh, softmax, logSoftmax, dropout } from '../ops/activation.js';
import { hardswish } from '../ops/hardswish.js';
import { hardsigmoid } from '../ops/hardsigmoid.js';
import { silu } from '../ops/silu.js';
import { mish } from '../ops/mish.js';
import { gelu, checkGeluApproximate, type GeluOptions } from '../ops/gelu.js';
import { flatten, pad, type PadMode } from '../ops/movement.js';
import { interpolate, checkInterpolateOptions, type InterpolateOptions } from '../ops/interpolate.js';
import { batchNorm, checkMomentum } from '../ops/norm.js';
import { type Pair, pair } from '../ops/geometry.js';
import type { Generator } from '../util/random.js';

function positiveInt(v: number, what: string, layer: string): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${what} must be a positive integer, got ${v}`);
}

function describe(settings: Record<string, unknown>, defaults: Record<string, unknown>): string {
  return Object.entries(settings)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k]))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? `'${v}'` : JSON.stringify(v)}`)
    .join(', ');
}

export interface Conv2dLayerOptions extends Conv2dOptions {
  bias?: boolean;
  generator?: Generator;
}

/** 2-D convolution layer: weight [kH, kW, inChannels/groups, outChannels], bias [outChannels]. */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly options: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    positiveInt(inChannels, 'inChannels', 'Conv2d');
    positiveInt(outChannels, 'outChannels', 'Conv2d');
    this.kernelSize = pair(kernelSize, 'kernelSize', 'Conv2d');
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`Conv2d: groups = ${groups} must be a positive integer dividing inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    pair(options.stride ?? 1, 'stride', 'Conv2d');
    pair(options.dilation ?? 1, 'dilation', 'Conv2d');
    this.options = { stride: options.stride ?? 1, padding: options.padding ?? 'valid', dilation: options.dilation ?? 1, groups };
    this.weight = new Parameter(zeros([...this.kernelSize, inChannels / groups, outChannels]));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels]));
    defaultLayerInit_(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return conv2d(x, this.weight, this.bias, this.options);
  }

  /**
   * Conv2d then ReLU or LeakyReLU as one op (the conv kernel applies it to its output): saves a pass and a
   * tensor. Only for the classes themselves: a subclass may compute something else in forward.
   */
  override fuseWith(next: Module): ((x: Tensor) => Tensor) | null {
    if (Object.getPrototypeOf(this) !== Conv2d.prototype) return null;
    if (isPlainReLU(next)) return (x) => this.forwardRelu(x);
    // Leaky ReLU's gradient is read from the output, which needs a positive slope.
    const slope = isPlainLeakyReLU(next) ? next.negativeSlope : 0;
    if (slope > 0 && Number.isFinite(slope)) return (x) => this.forwardActivated(x, { activation: 'leakyRelu', negativeSlope: slope });
    return null;
  }

  /** relu(this.forward(x)) as one op, for fusing; exactly the unfused results. */
  protected forwardRelu(x: Tensor): Tensor {
    return this.forwardActivated(x, { activation: 'relu' });
  }

  /** An activation of this.forward(x) as one op (the conv kernel applies it); exactly the unfused results. */
  private forwardActivated(x: Tensor, activation: Pick<Conv2dOptions, 'activation' | 'negativeSlope'>): Tensor {
    this.checkInput(x);
    return conv2d(x, this.weight, this.bias, { ...this.options, ...activation });
  }

  private checkInput(x: Tensor): void {
    if (x.ndim === 4 && x.shape[3] !== this.inChannels) {
      throw new Error(`Conv2d(${this.inChannels}, ${this.outChannels}): input ${formatShape(x.shape)} has ${x.shape[3]} channels, expected ${this.inChannels} (NHWC)`);
    }
  }

  override extraRepr(): string {
    const extra = describe(
      { ...this.options, bias: this.bias !== null },
      { stride: 1, padding: 'valid', dilation: 1, groups: 1, bias: true },
    );
    const k = this.kernelSize[0] === this.kernelSize[1] ? this.kernelSize[0] : `[${this.kernelSize}]`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${k}${extra ? ', ' + extra : ''}`;
  }
}

export interface ConvTranspose2dLayerOptions extends ConvTranspose2dOptions {
  bias?: boolean;
  generator?: Generator;
}

/**
 * Transposed 2-D convolution layer (learned upsampling): weight [kH, kW, outChannels/groups, inChannels],
 * bias [outChannels]; initialised as PyTorch's ConvTranspose2d (fan-in kH * kW * outChannels / groups).
 */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly options: ConvTranspose2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    positiveInt(inChannels, 'inChannels', 'ConvTranspose2d');
    positiveInt(outChannels, 'outChannels', 'ConvTranspose2d');
    this.kernelSize = pair(kernelSize, 'kernelSize', 'ConvTranspose2d');
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`ConvTranspose2d: groups = ${groups} must be a positive integer dividing inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    this.options = {
      stride: options.stride ?? 1,
      padding: options.padding ?? 0,
      outputPadding: options.outputPadding ?? 0,
      dilation: options.dilation ?? 1,
      groups,
    };
    convTranspose2dGeometry(this.options, 'ConvTranspose2d');
    this.weight = new Parameter(zeros([...this.kernelSize, outChannels / groups, inChannels]));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels]));
    defaultLayerInit_(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 4 && x.shape[3] !== this.inChannels) {
      throw new Error(`ConvTranspose2d(${this.inChannels}, ${this.outChannels}): input ${formatShape(x.shape)} has ${x.shape[3]} channels, expected ${this.inChannels} (NHWC)`);
    }
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const extra = describe(
      { ...this.options, bias: this.bias !== null },
      { stride: 1, padding: 0, outputPadding: 0, dilation: 1, groups: 1, bias: true },
    );
    const k = this.kernelSize[0] === this.kernelSize[1] ? this.kernelSize[0] : `[${this.kernelSize}]`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${k}${extra ? ', ' + extra : ''}`;
  }
}

/** Fully connected layer: y = x @ weight + bias, weight [inFeatures, outFeatures]. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean; generator?: Generator } = {},
  ) {
    super();
    positiveInt(inFeatures, 'inFeatures', 'Linear');
    positiveInt(outFeatures, 'outFeatures', 'Linear');
    this.weight = new Parameter(zeros([inFeatures, outFeatures]));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures]));
    defaultLayerInit_(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new Error(`Linear(${this.inFeatures}, ${this.outFeatures}): input ${formatShape(x.shape)} has ${x.shape[x.ndim - 1]} features, expected ${this.inFeatures}`);
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'}`;
  }
}

abstract class Pool2dLayer extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: Pool2dOptions = {},
  ) {
    super();
    pair(kernelSize, 'kernelSize', this.constructor.name);
  }
  override extraRepr(): string {
    const extra = describe(this.options as Record<string, unknown>, {});
    return `kernelSize=${JSON.stringify(this.kernelSize)}${extra ? ', ' + extra : ''}`;
  }
}

export class MaxPool2d extends Pool2dLayer {
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

export class AvgPool2d extends Pool2dLayer {
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

export class SumPool2d extends Pool2dLayer {
  forward(x: Tensor): Tensor {
    return sumPool2d(x, this.kernelSize, this.options);
  }
}

/** Mean over height and width: [N, H, W, C] -> [N, C] (keepDims: [N, 1, 1, C]). */
export class GlobalAvgPool2d extends Module {
  constructor(readonly keepDims = false) {
    super();
  }
  forward(x: Tensor): Tensor {
    return globalAvgPool2d(x, this.keepDims);
  }
}

/** F.interpolate as a layer: new Upsample({ scaleFactor: 2 }), { size, mode: 'bilinear', alignCorners }. NHWC. */
export class Upsample extends Module {
  constructor(readonly options: InterpolateOptions) {
    super();
    checkInterpolateOptions(options, 'Upsample');
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
  override extraRepr(): string {
    return Object.entries(this.options).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** A ReLU module itself (not a subclass, which may compute something else) that no forward hook watches. */
function isPlainReLU(m: Module): boolean {
  return Object.getPrototypeOf(m) === ReLU.prototype && !m.hasForwardHooks();
}

function isPlainLeakyReLU(m: Module): m is LeakyReLU {
  return Object.getPrototypeOf(m) === LeakyReLU.prototype && !m.hasForwardHooks();
}

export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/** x * relu6(x + 3) / 6 (MobileNetV3). */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/** relu6(x + 3) / 6 (MobileNetV3's squeeze-and-excitation gate). */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

/** x * sigmoid(x) (swish; YOLOv5/v8, EfficientNet). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** x * tanh(softplus(x)) (YOLOv4). */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** x * Phi(x), exact or new GELU({ approximate: 'tanh' }). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options: GeluOptions = {}) {
    super();
    this.approximate = checkGeluApproximate(options.approximate, 'GELU');
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`;
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
}

export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.axis);
  }
}

export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly generator?: Generator,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

type Padding2d = number | readonly [number, number] | readonly [number, number, number, number];

/** [top, bottom, left, right] from a number, [padH, padW] or the four sides, checked. */
function padding2d(padding: Padding2d, layer: string): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding, padding, padding, padding] : padding.length === 2 ? [padding[0], padding[0], padding[1], padding[1]] : [...padding];
  if (p.length !== 4 || p.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`${layer}: padding must be a non-negative integer, [padH, padW] or [top, bottom, left, right], got ${JSON.stringify(padding)}`);
  }
  return p as [number, number, number, number];
}

/** Padding of height and width (NHWC) in one of F.pad's modes. */
class Pad2dLayer extends Module {
  readonly padding: [number, number, number, number];
  constructor(padding: Padding2d, private readonly mode: PadMode, layer: string) {
    super();
    this.padding = padding2d(padding, layer);
  }
  forward(x: Tensor): Tensor {
    const [t, b, l, r] = this.padding;
    return pad(x, [[0, 0], [t, b], [l, r]], { mode: this.mode });
  }
  override extraRepr(): string {
    return `padding=[${this.padding.join(', ')}]`;
  }
}

/** Zero padding of height and width: a number, [padH, padW] or [top, bottom, left, right]. */
export class ZeroPad2d extends Pad2dLayer {
  constructor(padding: Padding2d) {
    super(padding, 'constant', 'ZeroPad2d');
  }
}

/** Mirror padding of height and width without repeating the edge (each side smaller than the image). */
export class ReflectionPad2d extends Pad2dLayer {
  constructor(padding: Padding2d) {
    super(padding, 'reflect', 'ReflectionPad2d');
  }
}

/** Padding of height and width that repeats the edge pixels. */
export class ReplicationPad2d extends Pad2dLayer {
  constructor(padding: Padding2d) {
    super(padding, 'replicate', 'ReplicationPad2d');
  }
}

export interface BatchNormLayerOptions {
  eps?: number;
  /** In [0, 1] (default 0.1); null: the running statistics are the cumulative average, as PyTorch's None. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** Batch normalisation per channel of NHWC input (channels last). */
export class BatchNorm2d extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  /** Training batches seen, for the cumulative average (a buffer only where momentum is null). */
  readonly numBatchesTracked: Tensor | null;
  /** Normalise with the running statistics in training mode too, leaving them unchanged (set by freezeBatchNorm). */
  frozenStatistics = false;

  constructor(
    readonly numFeatures: number,
    options: BatchNormLayerOptions = {},
  ) {
    super();
    positiveInt(numFeatures, 'numFeatures', 'BatchNorm2d');
    this.eps = options.eps ?? 1e-5;
    this.momentum = checkMomentum(options.momentum === undefined ? 0.1 : options.momentum, 'BatchNorm2d');
    const affine = options.affine ?? true;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    const track = options.trackRunningStats ?? true;
    this.runningMean = track ? zeros([numFeatures]) : null;
    this.runningVar = track ? ones([numFeatures]) : null;
    if (this.runningMean && this.runningVar) {
      this.registerBuffer('runningMean', this.runningMean);
      this.registerBuffer('runningVar', this.runningVar);
    }
    this.numBatchesTracked = this.momentum === null && track ? zeros([], { dtype: 'int32' }) : null;
    if (this.numBatchesTracked) this.registerBuffer('numBatchesTracked', this.numBatchesTracked);
  }

  forward(x: Tensor): Tensor {
    return this.normalize(x);
  }

  /** BatchNorm2d then ReLU as one op (one pass, one tensor); exactly the unfused results. */
  override fuseWith(next: Module): ((x: Tensor) => Tensor) | null {
    if (Object.getPrototypeOf(this) !== BatchNorm2d.prototype || !isPlainReLU(next)) return null;
    return (x) => this.normalize(x, 'relu');
  }

  /**
   * relu.forward(this.forward(x).add(residual)): a residual block's sum as one op where this batch norm and
   * the ReLU are the plain modules and neither has forward hooks (which must see the intermediates).
   */
  forwardAddRelu(x: Tensor, residual: Tensor, relu: Module): Tensor {
    const fusable = Object.getPrototypeOf(this) === BatchNorm2d.prototype && isPlainReLU(relu) && !this.hasForwardHooks();
    if (fusable && residual.dtype === x.dtype && shapesEqual(residual.shape, x.shape)) return this.normalize(x, 'relu', residual);
    return relu.forward(this.forward(x).add(residual));
  }

  private normalize(x: Tensor, activation?: 'relu', residual?: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.numFeatures) {
      throw new Error(`BatchNorm2d(${this.numFeatures}): input ${formatShape(x.shape)} has ${x.shape[x.ndim - 1]} channels (NHWC, channels last)`);
    }
    // The mode follows train()/eval() as in PyTorch; frozenStatistics (freezeBatchNorm) keeps the running ones.
    const useBatchStats = (this.training && !this.frozenStatistics) || !this.runningMean;
    const count = this.numBatchesTracked?.isShapeOnly === false ? this.numBatchesTracked : null;
    if (useBatchStats && count) count.data[0]++;
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: useBatchStats,
      momentum: count ? 1 / Math.max(count.data[0], 1) : (this.momentum ?? 0.1),
      eps: this.eps,
      activation,
      residual,
    });
  }

  override extraRepr(): string {
    const extra = describe({ eps: this.eps, momentum: this.momentum, affine: this.weight !== null }, { eps: 1e-5, momentum: 0.1, affine: true });
    return `${this.numFeatures}${extra ? ', ' + extra : ''}`;
  }
}
