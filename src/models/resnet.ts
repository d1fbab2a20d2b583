// Residual networks (He et al. 2015), laid out as torchvision's ResNet (conv1/bn1/relu/maxpool,
// layer1..layer4, avgpool, fc). A residual block adds its input back before the last activation, the
// texts' a[l+2] = g(z[l+2] + a[l]); when the block changes the shape (stride 2 or more channels), the
// shortcut is a projection, a 1x1 convolution with batch norm (torchvision's `downsample`).
// ResNet-50 is torchvision's v1.5: the bottleneck's stride sits on its 3x3 convolution, not the first 1x1.
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d, Linear, MaxPool2d, ReLU, BatchNorm2d, GlobalAvgPool2d } from '../nn/layers.js';
import { checkModelInput } from './check-input.js';
import { initWeightsLikeTorchvision } from './init-weights.js';
import { type ModelOptions, checkOptionNames, positiveIntOption, positiveOption, scaleChannels } from './model-options.js';

/** 1x1 convolution + batch norm that maps the block's input to its output shape. */
function projectionShortcut(inChannels: number, outChannels: number, stride: number): Sequential {
  return new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), new BatchNorm2d(outChannels));
}

function needsProjection(inChannels: number, outChannels: number, stride: number): boolean {
  return stride !== 1 || inChannels !== outChannels;
}

/** Two 3x3 convolutions (ResNet-18/34). Output channels = planes. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(inChannels: number, planes: number, stride = 1) {
    super();
    this.conv1 = new Conv2d(inChannels, planes, 3, { stride, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = new Conv2d(planes, planes, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = needsProjection(inChannels, planes, stride) ? projectionShortcut(inChannels, planes, stride) : null;
  }

  forward(x: Tensor): Tensor {
    const a1 = this.bn1.forwardThen(this.relu, this.conv1.forward(x));
    const shortcut = this.downsample ? this.downsample.forward(x) : x;
    return this.bn2.forwardAddRelu(this.conv2.forward(a1), shortcut, this.relu);
  }
}

/** 1x1 reduce, 3x3 (carrying the stride), 1x1 expand by 4 (ResNet-50 and deeper). Output = 4 * planes. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly relu = new ReLU();
  readonly downsample: Sequential | null;

  constructor(inChannels: number, planes: number, stride = 1) {
    super();
    const outChannels = planes * Bottleneck.expansion;
    this.conv1 = new Conv2d(inChannels, planes, 1, { bias: false });
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = new Conv2d(planes, planes, 3, { stride, padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(planes);
    this.conv3 = new Conv2d(planes, outChannels, 1, { bias: false });
    this.bn3 = new BatchNorm2d(outChannels);
    this.downsample = needsProjection(inChannels, outChannels, stride) ? projectionShortcut(inChannels, outChannels, stride) : null;
  }

  forward(x: Tensor): Tensor {
    const a1 = this.bn1.forwardThen(this.relu, this.conv1.forward(x));
    const a2 = this.bn2.forwardThen(this.relu, this.conv2.forward(a1));
    const shortcut = this.downsample ? this.downsample.forward(x) : x;
    return this.bn3.forwardAddRelu(this.conv3.forward(a2), shortcut, this.relu);
  }
}

export type ResidualBlockType = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions extends ModelOptions {
  /** Scales the stem and every stage's width (64, 128, 256, 512 at 1; default 1). */
  widthMultiplier?: number;
}

const OPTION_NAMES = ['numClasses', 'inChannels', 'widthMultiplier'];

export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  readonly avgpool = new GlobalAvgPool2d();
  readonly fc: Linear;

  constructor(
    readonly modelName: string,
    block: ResidualBlockType,
    blocksPerStage: readonly [number, number, number, number],
    readonly inChannels: number,
    numClasses: number,
    widthMultiplier: number,
  ) {
    super();
    const [w1, w2, w3, w4] = [64, 128, 256, 512].map((c) => scaleChannels(c, widthMultiplier));
    this.conv1 = new Conv2d(inChannels, w1, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(w1);
    let channels = w1;
    const stage = (planes: number, blocks: number, stride: number): Sequential => {
      const layer = new Sequential();
      for (let i = 0; i < blocks; i++) {
        layer.add(new block(channels, planes, i === 0 ? stride : 1));
        channels = planes * block.expansion;
      }
      return layer;
    };
    this.layer1 = stage(w1, blocksPerStage[0], 1);
    this.layer2 = stage(w2, blocksPerStage[1], 2);
    this.layer3 = stage(w3, blocksPerStage[2], 2);
    this.layer4 = stage(w4, blocksPerStage[3], 2);
    this.fc = new Linear(channels, numClasses);
  }

  forward(x: Tensor): Tensor {
    checkModelInput(this.modelName, x, this.inChannels);
    x = this.maxpool.forward(this.bn1.forwardThen(this.relu, this.conv1.forward(x)));
    x = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(x))));
    return this.fc.forward(this.avgpool.forward(x));
  }
}

function resnet(name: string, block: ResidualBlockType, blocksPerStage: [number, number, number, number], options: ResNetOptions): ResNet {
  checkOptionNames(name, options, OPTION_NAMES);
  const model = new ResNet(
    name,
    block,
    blocksPerStage,
    positiveIntOption(name, 'inChannels', options.inChannels ?? 3),
    positiveIntOption(name, 'numClasses', options.numClasses ?? 1000),
    positiveOption(name, 'widthMultiplier', options.widthMultiplier ?? 1),
  );
  // torchvision keeps the default initialisation of its final dense layer.
  initWeightsLikeTorchvision(model, { keepLinearDefault: true });
  return model;
}

export const resnet18 = (options: ResNetOptions = {}): ResNet => resnet('resnet18', BasicBlock, [2, 2, 2, 2], options);
export const resnet34 = (options: ResNetOptions = {}): ResNet => resnet('resnet34', BasicBlock, [3, 4, 6, 3], options);
export const resnet50 = (options: ResNetOptions = {}): ResNet => resnet('resnet50', Bottleneck, [3, 4, 6, 3], options);
