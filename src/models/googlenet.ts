// GoogLeNet / Inception v1 (Szegedy et al. 2014) without the auxiliary classifiers, laid out as
// torchvision's GoogLeNet: 6,624,904 parameters at 224x224x3 and 1000 classes. Like torchvision it uses
// BasicConv2d units (convolution without bias, batch norm with eps 0.001, ReLU), ceil-mode max pools,
// and 3x3 kernels in the branch the paper calls 5x5 (`largeKernelSize: 5` gives the paper's kernels).
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Linear, MaxPool2d, Dropout, GlobalAvgPool2d } from '../nn/layers.js';
import { BasicConv2d, InceptionModule, type InceptionBranches } from './inception-module.js';
import { checkModelInput } from './check-input.js';
import { type ModelOptions, checkOptionNames, positiveIntOption, positiveOption, probabilityOption, scaleChannels } from './model-options.js';

export interface GoogLeNetOptions extends ModelOptions {
  /** Dropout before the classifier (default 0.2, torchvision's). */
  dropout?: number;
  /** Scales every convolution's filter count (default 1). */
  widthMultiplier?: number;
  /** Kernel of the inception modules' "5x5" branch (default 3 as torchvision; 5 as the paper). */
  largeKernelSize?: 3 | 5;
  /** Batch norm in every convolution unit (default true as torchvision; the 2014 paper had none). */
  batchNorm?: boolean;
}

const OPTION_NAMES = ['numClasses', 'inChannels', 'dropout', 'widthMultiplier', 'largeKernelSize', 'batchNorm'];

/** Filters per module from the paper's table 1: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection. */
const MODULES = {
  inception3a: [64, 96, 128, 16, 32, 32],
  inception3b: [128, 128, 192, 32, 96, 64],
  inception4a: [192, 96, 208, 16, 48, 64],
  inception4b: [160, 112, 224, 24, 64, 64],
  inception4c: [128, 128, 256, 24, 64, 64],
  inception4d: [112, 144, 288, 32, 64, 64],
  inception4e: [256, 160, 320, 32, 128, 128],
  inception5a: [256, 160, 320, 32, 128, 128],
  inception5b: [384, 192, 384, 48, 128, 128],
} as const;

const ceilPool = (kernel: number) => new MaxPool2d(kernel, { stride: 2, ceilMode: true });

export class GoogLeNet extends Module {
  readonly conv1: BasicConv2d;
  readonly maxpool1 = ceilPool(3);
  readonly conv2: BasicConv2d;
  readonly conv3: BasicConv2d;
  readonly maxpool2 = ceilPool(3);
  readonly inception3a: InceptionModule;
  readonly inception3b: InceptionModule;
  readonly maxpool3 = ceilPool(3);
  readonly inception4a: InceptionModule;
  readonly inception4b: InceptionModule;
  readonly inception4c: InceptionModule;
  readonly inception4d: InceptionModule;
  readonly inception4e: InceptionModule;
  readonly maxpool4 = ceilPool(2);
  readonly inception5a: InceptionModule;
  readonly inception5b: InceptionModule;
  readonly avgpool = new GlobalAvgPool2d();
  readonly dropout: Dropout;
  readonly fc: Linear;

  constructor(
    readonly inChannels: number,
    numClasses: number,
    options: { dropout: number; widthMultiplier: number; largeKernelSize: 3 | 5; batchNorm: boolean },
  ) {
    super();
    const scale = (c: number) => scaleChannels(c, options.widthMultiplier);
    const batchNorm = options.batchNorm;
    this.conv1 = new BasicConv2d(inChannels, scale(64), 7, { stride: 2, padding: 3, batchNorm });
    this.conv2 = new BasicConv2d(scale(64), scale(64), 1, { batchNorm });
    this.conv3 = new BasicConv2d(scale(64), scale(192), 3, { padding: 1, batchNorm });
    let channels = scale(192);
    const inception = (filters: readonly number[]): InceptionModule => {
      const [ch1x1, ch3x3Reduce, ch3x3, ch5x5Reduce, ch5x5, poolProj] = filters.map(scale);
      const branches: InceptionBranches = { ch1x1, ch3x3Reduce, ch3x3, ch5x5Reduce, ch5x5, poolProj };
      const module = new InceptionModule(channels, branches, { largeKernelSize: options.largeKernelSize, batchNorm });
      channels = module.outChannels;
      return module;
    };
    this.inception3a = inception(MODULES.inception3a);
    this.inception3b = inception(MODULES.inception3b);
    this.inception4a = inception(MODULES.inception4a);
    this.inception4b = inception(MODULES.inception4b);
    this.inception4c = inception(MODULES.inception4c);
    this.inception4d = inception(MODULES.inception4d);
    this.inception4e = inception(MODULES.inception4e);
    this.inception5a = inception(MODULES.inception5a);
    this.inception5b = inception(MODULES.inception5b);
    this.dropout = new Dropout(options.dropout);
    this.fc = new Linear(channels, numClasses);
  }

  forward(x: Tensor): Tensor {
    checkModelInput('GoogLeNet', x, this.inChannels);
    x = this.maxpool1.forward(this.conv1.forward(x));
    x = this.maxpool2.forward(this.conv3.forward(this.conv2.forward(x)));
    x = this.maxpool3.forward(this.inception3b.forward(this.inception3a.forward(x)));
    for (const module of [this.inception4a, this.inception4b, this.inception4c, this.inception4d, this.inception4e]) x = module.forward(x);
    x = this.inception5b.forward(this.inception5a.forward(this.maxpool4.forward(x)));
    return this.fc.forward(this.dropout.forward(this.avgpool.forward(x)));
  }
}

export function googlenet(options: GoogLeNetOptions = {}): GoogLeNet {
  checkOptionNames('googlenet', options, OPTION_NAMES);
  const largeKernelSize = options.largeKernelSize ?? 3;
  if (largeKernelSize !== 3 && largeKernelSize !== 5) throw new Error(`googlenet: largeKernelSize must be 3 or 5, got ${largeKernelSize}`);
  return new GoogLeNet(positiveIntOption('googlenet', 'inChannels', options.inChannels ?? 3), positiveIntOption('googlenet', 'numClasses', options.numClasses ?? 1000), {
    dropout: probabilityOption('googlenet', 'dropout', options.dropout ?? 0.2),
    widthMultiplier: positiveOption('googlenet', 'widthMultiplier', options.widthMultiplier ?? 1),
    largeKernelSize,
    batchNorm: options.batchNorm ?? true,
  });
}
