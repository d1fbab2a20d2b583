// VGG (Simonyan and Zisserman 2014): stacks of 3x3 'same' convolutions with stride 1, a 2x2 stride-2
// max pool after each stack, then three dense layers. Configurations A (VGG-11), D (VGG-16) and E
// (VGG-19), with or without batch norm after each convolution, laid out as torchvision's VGG
// (features / classifier). VGG-16 has 138,357,544 parameters at 224x224x3 and 1000 classes.
// torchvision pools adaptively to 7x7 before the classifier; at 224x224 the features already are 7x7,
// so here the first dense layer is sized from `inputSize` and the model checks its input has that size.
import { FeaturesClassifier } from './features-classifier.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d, Linear, MaxPool2d, ReLU, Dropout, Flatten, BatchNorm2d } from '../nn/layers.js';
import { featureShape } from './feature-shape.js';
import { initWeightsLikeTorchvision } from './init-weights.js';
import { type ModelOptions, checkOptionNames, positiveIntOption, positiveOption, probabilityOption, scaleChannels } from './model-options.js';

export type VggDepth = 11 | 16 | 19;

/** Filter counts of each convolution, 'M' for a max pool (the paper's table 1). */
const CONFIGS: Record<VggDepth, ReadonlyArray<number | 'M'>> = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

export interface VggOptions extends ModelOptions {
  /** Batch norm after every convolution (torchvision's vgg16_bn; default false). */
  batchNorm?: boolean;
  /** Square input size the classifier is sized for (default 224). */
  inputSize?: number;
  /** Dropout after the two hidden dense layers (default 0.5). */
  dropout?: number;
  /** Scales every convolution's filter count (default 1). */
  widthMultiplier?: number;
  /** Width of the two hidden dense layers (default 4096). */
  hiddenUnits?: number;
}

const OPTION_NAMES = ['numClasses', 'inChannels', 'batchNorm', 'inputSize', 'dropout', 'widthMultiplier', 'hiddenUnits'];

export class VGG extends FeaturesClassifier {
  declare readonly flatten: Flatten;

  constructor(modelName: string, inChannels: number, inputSize: number, features: Sequential, classifier: Sequential) {
    super(modelName, inChannels, inputSize, features, ['flatten', new Flatten()], classifier);
  }
}

export function vgg(depth: VggDepth, options: VggOptions = {}): VGG {
  const name = `vgg${depth}${options.batchNorm ? '_bn' : ''}`;
  const config = CONFIGS[depth];
  if (!config) throw new Error(`vgg: depth must be one of ${Object.keys(CONFIGS).join(', ')}, got ${depth}`);
  checkOptionNames(name, options, OPTION_NAMES);
  const numClasses = positiveIntOption(name, 'numClasses', options.numClasses ?? 1000);
  const inChannels = positiveIntOption(name, 'inChannels', options.inChannels ?? 3);
  const inputSize = positiveIntOption(name, 'inputSize', options.inputSize ?? 224);
  const dropout = probabilityOption(name, 'dropout', options.dropout ?? 0.5);
  const width = positiveOption(name, 'widthMultiplier', options.widthMultiplier ?? 1);
  const hidden = positiveIntOption(name, 'hiddenUnits', options.hiddenUnits ?? 4096);

  const features = new Sequential();
  let channels = inChannels;
  for (const entry of config) {
    if (entry === 'M') {
      features.add(new MaxPool2d(2, { stride: 2 }));
      continue;
    }
    const out = scaleChannels(entry, width);
    features.add(new Conv2d(channels, out, 3, { padding: 1 }));
    if (options.batchNorm) features.add(new BatchNorm2d(out));
    features.add(new ReLU());
    channels = out;
  }
  const [h, w, c] = featureShape(name, features.children(), [inputSize, inputSize, inChannels]);
  const classifier = new Sequential(
    new Linear(h * w * c, hidden),
    new ReLU(),
    new Dropout(dropout),
    new Linear(hidden, hidden),
    new ReLU(),
    new Dropout(dropout),
    new Linear(hidden, numClasses),
  );
  const model = new VGG(name, inChannels, inputSize, features, classifier);
  initWeightsLikeTorchvision(model);
  return model;
}

export const vgg11 = (options: VggOptions = {}): VGG => vgg(11, options);
export const vgg16 = (options: VggOptions = {}): VGG => vgg(16, options);
export const vgg19 = (options: VggOptions = {}): VGG => vgg(19, options);
