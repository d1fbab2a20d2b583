// AlexNet (Krizhevsky, Sutskever and Hinton 2012). Two variants:
// - default: torchvision's single-tower AlexNet (64-192-384-256-256 filters, no LRN), 61,100,840
//   parameters at 224x224x3 and 1000 classes. torchvision pools adaptively to 6x6 before the classifier;
//   at 224x224 the features already are 6x6, so here the first dense layer is sized from `inputSize`
//   instead and the model checks that its input has that size.
// - original: the paper's network as split over two GPUs (96-256-384-384-256 filters; conv2, conv4 and
//   conv5 see only their own GPU's half of the channels, i.e. groups = 2), with local response
//   normalisation after conv1 and conv2. 60,965,224 parameters; its native input is 227x227 (the size at
//   which an unpadded 11x11 stride-4 convolution gives the paper's 55x55 maps).
// Flattening is NHWC order (h, w, c), not PyTorch's (c, h, w): loadTorchStateDict reorders the first dense weight's rows.
import { FeaturesClassifier } from './features-classifier.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d, Linear, MaxPool2d, ReLU, Dropout, Flatten } from '../nn/layers.js';
import { LocalResponseNorm } from './local-response-norm.js';
import { featureShape } from './feature-shape.js';
import { type ModelOptions, checkOptionNames, positiveIntOption, positiveOption, probabilityOption, scaleChannels } from './model-options.js';

export interface AlexNetOptions extends ModelOptions {
  /** Square input size the classifier is sized for (default 224; 227 when original). */
  inputSize?: number;
  /** Dropout probability before (torchvision) or after (original) the hidden dense layers (default 0.5). */
  dropout?: number;
  /** The paper's two-group network instead of torchvision's single tower (default false). */
  original?: boolean;
  /** Scales every convolution's filter count (default 1). */
  widthMultiplier?: number;
  /** Width of the two hidden dense layers (default 4096). */
  hiddenUnits?: number;
}

const OPTION_NAMES = ['numClasses', 'inChannels', 'inputSize', 'dropout', 'original', 'widthMultiplier', 'hiddenUnits'];

export class AlexNet extends FeaturesClassifier {
  declare readonly flatten: Flatten;

  constructor(inChannels: number, inputSize: number, features: Sequential, classifier: Sequential) {
    super('AlexNet', inChannels, inputSize, features, ['flatten', new Flatten()], classifier);
  }
}

export function alexnet(options: AlexNetOptions = {}): AlexNet {
  checkOptionNames('alexnet', options, OPTION_NAMES);
  const original = options.original ?? false;
  const numClasses = positiveIntOption('alexnet', 'numClasses', options.numClasses ?? 1000);
  const inChannels = positiveIntOption('alexnet', 'inChannels', options.inChannels ?? 3);
  const inputSize = positiveIntOption('alexnet', 'inputSize', options.inputSize ?? (original ? 227 : 224));
  const dropout = probabilityOption('alexnet', 'dropout', options.dropout ?? 0.5);
  const width = positiveOption('alexnet', 'widthMultiplier', options.widthMultiplier ?? 1);
  const hidden = positiveIntOption('alexnet', 'hiddenUnits', options.hiddenUnits ?? 4096);

  const features = original ? originalFeatures(inChannels, width) : singleTowerFeatures(inChannels, width);
  const [h, w, c] = featureShape('alexnet', features.children(), [inputSize, inputSize, inChannels]);
  const flat = h * w * c;
  const classifier = original
    ? new Sequential(new Linear(flat, hidden), new ReLU(), new Dropout(dropout), new Linear(hidden, hidden), new ReLU(), new Dropout(dropout), new Linear(hidden, numClasses))
    : new Sequential(new Dropout(dropout), new Linear(flat, hidden), new ReLU(), new Dropout(dropout), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, numClasses));
  return new AlexNet(inChannels, inputSize, features, classifier);
}

function singleTowerFeatures(inChannels: number, width: number): Sequential {
  const [c1, c2, c3, c4, c5] = [64, 192, 384, 256, 256].map((c) => scaleChannels(c, width));
  return new Sequential(
    new Conv2d(inChannels, c1, 11, { stride: 4, padding: 2 }),
    new ReLU(),
    new MaxPool2d(3, { stride: 2 }),
    new Conv2d(c1, c2, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(3, { stride: 2 }),
    new Conv2d(c2, c3, 3, { padding: 1 }),
    new ReLU(),
    new Conv2d(c3, c4, 3, { padding: 1 }),
    new ReLU(),
    new Conv2d(c4, c5, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(3, { stride: 2 }),
  );
}

function originalFeatures(inChannels: number, width: number): Sequential {
  // Filter counts stay even so that each of the two groups gets half.
  const [c1, c2, c3, c4, c5] = [96, 256, 384, 384, 256].map((c) => scaleChannels(c, width, 2));
  // The paper's k = 2, n = 5, alpha = 1e-4, beta = 0.75; its alpha is not divided by n, PyTorch's is.
  const lrn = () => new LocalResponseNorm(5, { alpha: 5 * 1e-4, beta: 0.75, k: 2 });
  return new Sequential(
    new Conv2d(inChannels, c1, 11, { stride: 4 }),
    new ReLU(),
    lrn(),
    new MaxPool2d(3, { stride: 2 }),
    new Conv2d(c1, c2, 5, { padding: 2, groups: 2 }),
    new ReLU(),
    lrn(),
    new MaxPool2d(3, { stride: 2 }),
    // conv3 is the one convolution whose filters see both GPUs' maps.
    new Conv2d(c2, c3, 3, { padding: 1 }),
    new ReLU(),
    new Conv2d(c3, c4, 3, { padding: 1, groups: 2 }),
    new ReLU(),
    new Conv2d(c4, c5, 3, { padding: 1, groups: 2 }),
    new ReLU(),
    new MaxPool2d(3, { stride: 2 }),
  );
}
