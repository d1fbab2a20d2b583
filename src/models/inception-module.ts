// The inception module (Szegedy et al. 2014): instead of choosing one filter size or a pool, apply a 1x1,
// a 3x3 and a 5x5 convolution and a 3x3 max pool side by side, all 'same' and stride 1, and concatenate
// their outputs along the channels. Two versions, as in the texts:
// - naive: the convolutions run on the input directly (the texts' 28x28x192 -> 28x28x256 with 64 1x1,
//   128 3x3, 32 5x5 filters and a pool branch of 32 channels; 120 M multiplies for the 5x5 branch alone);
// - dimension reduction: a 1x1 convolution shrinks the channels before the 3x3 and 5x5 convolutions
//   (192 -> 16 -> 32 costs 12.4 M multiplies instead of 120 M), as GoogLeNet uses it.
// The pool branch ends in a 1x1 projection when `poolProj` is given; without one it passes the input's
// channels through (the paper's naive module).
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d, MaxPool2d, ReLU, BatchNorm2d } from '../nn/layers.js';
import { concat } from '../ops/movement.js';

export interface BasicConv2dOptions {
  stride?: number;
  padding?: number;
  /** Convolution without bias + batch norm (default true, torchvision's BasicConv2d) or with bias. */
  batchNorm?: boolean;
  /** Batch norm epsilon (torchvision's GoogLeNet: 0.001). */
  eps?: number;
}

/** Convolution, optional batch norm, ReLU: GoogLeNet's unit (torchvision's BasicConv2d). */
export class BasicConv2d extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d | null;
  readonly relu = new ReLU();

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: BasicConv2dOptions = {}) {
    super();
    const batchNorm = options.batchNorm ?? true;
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { stride: options.stride ?? 1, padding: options.padding ?? 0, bias: !batchNorm });
    this.bn = batchNorm ? new BatchNorm2d(outChannels, { eps: options.eps ?? 1e-3 }) : null;
  }

  forward(x: Tensor): Tensor {
    return this.bn ? this.bn.forwardThen(this.relu, this.conv.forward(x)) : this.conv.forwardThen(this.relu, x);
  }
}

/** Filters per branch; leave out the two reductions for the naive module. */
export interface InceptionBranches {
  ch1x1: number;
  ch3x3: number;
  ch5x5: number;
  /** 1x1 reduction before the 3x3 convolution. */
  ch3x3Reduce?: number;
  /** 1x1 reduction before the 5x5 convolution. */
  ch5x5Reduce?: number;
  /** 1x1 projection after the max pool; without it the pool branch keeps the input's channels. */
  poolProj?: number;
}

export interface InceptionModuleOptions {
  /** Batch norm in every convolution unit (default true). */
  batchNorm?: boolean;
  /** Kernel of the "5x5" branch (default 5). torchvision's GoogLeNet uses 3, a known quirk that its weights keep. */
  largeKernelSize?: 3 | 5;
}

export class InceptionModule extends Module {
  readonly branch1: BasicConv2d;
  readonly branch2: Sequential;
  readonly branch3: Sequential;
  readonly branch4: Sequential;
  readonly outChannels: number;

  constructor(
    readonly inChannels: number,
    branches: InceptionBranches,
    options: InceptionModuleOptions = {},
  ) {
    super();
    checkBranches(inChannels, branches);
    const unit = { batchNorm: options.batchNorm ?? true };
    const large = options.largeKernelSize ?? 5;
    if (large !== 3 && large !== 5) throw new Error(`InceptionModule: largeKernelSize must be 3 or 5, got ${large}`);
    const { ch1x1, ch3x3, ch5x5, ch3x3Reduce, ch5x5Reduce, poolProj } = branches;
    // A branch with a reduction is 1x1 then kxk; without, the kxk convolution sees the input itself.
    const branch = (reduce: number | undefined, out: number, k: number): Sequential =>
      reduce === undefined
        ? new Sequential(new BasicConv2d(inChannels, out, k, { ...unit, padding: (k - 1) / 2 }))
        : new Sequential(new BasicConv2d(inChannels, reduce, 1, unit), new BasicConv2d(reduce, out, k, { ...unit, padding: (k - 1) / 2 }));
    this.branch1 = new BasicConv2d(inChannels, ch1x1, 1, unit);
    this.branch2 = branch(ch3x3Reduce, ch3x3, 3);
    this.branch3 = branch(ch5x5Reduce, ch5x5, large);
    this.branch4 = new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }));
    if (poolProj !== undefined) this.branch4.add(new BasicConv2d(inChannels, poolProj, 1, unit));
    this.outChannels = ch1x1 + ch3x3 + ch5x5 + (poolProj ?? inChannels);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[3] !== this.inChannels) {
      throw new Error(`InceptionModule(${this.inChannels} -> ${this.outChannels}): input [${x.shape.join(', ')}] must be NHWC with ${this.inChannels} channels`);
    }
    return concat([this.branch1.forward(x), this.branch2.forward(x), this.branch3.forward(x), this.branch4.forward(x)], -1);
  }

  override extraRepr(): string {
    return `${this.inChannels} -> ${this.outChannels}`;
  }
}

function checkBranches(inChannels: number, branches: InceptionBranches): void {
  for (const [name, value] of Object.entries({ inChannels, ...branches })) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new Error(`InceptionModule: ${name} must be a positive integer, got ${value}`);
    }
  }
}
