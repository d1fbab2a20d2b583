// The model zoo by name (torchvision's names), for the command line and for code that picks a model
// from configuration: createModel('resnet18', { numClasses: 10 }).
import type { Module } from '../nn/module.js';
import { lenet5 } from './lenet.js';
import { alexnet } from './alexnet.js';
import { vgg, type VggDepth } from './vgg.js';
import { resnet18, resnet34, resnet50 } from './resnet.js';
import { googlenet } from './googlenet.js';
import { mobilenetV1, mobilenetV2 } from './mobilenet.js';
import type { ModelOptions } from './model-options.js';

/** Options for createModel: the common ones plus whatever the architecture's factory accepts. */
export type CreateModelOptions = ModelOptions & Record<string, unknown>;

export interface ModelInfo {
  name: string;
  description: string;
  /** The input [height, width, channels] the model is built for with default options. */
  inputShape: [number, number, number];
}

interface ModelEntry {
  description: string;
  create: (options: CreateModelOptions) => Module;
  /** Input [H, W, C] the model built with these options expects. */
  inputShape: (options: CreateModelOptions) => [number, number, number];
}

const size = (options: CreateModelOptions, fallback: number): number => (options.inputSize as number | undefined) ?? fallback;
const channels = (options: CreateModelOptions, fallback = 3): number => options.inChannels ?? fallback;
const imageNetShape = (options: CreateModelOptions): [number, number, number] => [224, 224, channels(options)];

function vggEntry(depth: VggDepth, batchNorm: boolean): ModelEntry {
  return {
    description: `VGG-${depth}${batchNorm ? ' with batch norm' : ''} (Simonyan and Zisserman 2014)`,
    create: (options) => vgg(depth, { batchNorm, ...options }),
    inputShape: (options) => [size(options, 224), size(options, 224), channels(options)],
  };
}

const ENTRIES: Record<string, ModelEntry> = {
  lenet5: {
    description: 'LeNet-5 (LeCun et al. 1998), for 28x28 digits by default',
    create: (options) => lenet5(options),
    inputShape: (options) => [size(options, 28), size(options, 28), channels(options, 1)],
  },
  alexnet: {
    description: "AlexNet, torchvision's single tower; { original: true } for the paper's two-group network",
    create: (options) => alexnet(options),
    inputShape: (options) => {
      const s = size(options, options.original ? 227 : 224);
      return [s, s, channels(options)];
    },
  },
  vgg11: vggEntry(11, false),
  vgg11_bn: vggEntry(11, true),
  vgg16: vggEntry(16, false),
  vgg16_bn: vggEntry(16, true),
  vgg19: vggEntry(19, false),
  vgg19_bn: vggEntry(19, true),
  resnet18: { description: 'ResNet-18 (He et al. 2015), basic blocks', create: (options) => resnet18(options), inputShape: imageNetShape },
  resnet34: { description: 'ResNet-34, basic blocks', create: (options) => resnet34(options), inputShape: imageNetShape },
  resnet50: { description: 'ResNet-50 v1.5, bottleneck blocks', create: (options) => resnet50(options), inputShape: imageNetShape },
  googlenet: { description: 'GoogLeNet / Inception v1 (Szegedy et al. 2014), no auxiliary heads', create: (options) => googlenet(options), inputShape: imageNetShape },
  mobilenet_v1: { description: 'MobileNet v1 (Howard et al. 2017), depthwise separable convolutions', create: (options) => mobilenetV1(options), inputShape: imageNetShape },
  mobilenet_v2: { description: 'MobileNet v2 (Sandler et al. 2018), inverted residuals', create: (options) => mobilenetV2(options), inputShape: imageNetShape },
};

function entry(name: string): ModelEntry {
  const found = Object.hasOwn(ENTRIES, name) ? ENTRIES[name] : undefined;
  if (!found) throw new Error(`createModel: unknown model '${name}'; available: ${Object.keys(ENTRIES).join(', ')}`);
  return found;
}

/** Build a zoo model by name; unknown names and options are errors that list the valid ones. */
export function createModel(name: string, options: CreateModelOptions = {}): Module {
  return entry(name).create(options);
}

/** The input [height, width, channels] that the model built with these options expects. */
export function modelInputShape(name: string, options: CreateModelOptions = {}): [number, number, number] {
  return entry(name).inputShape(options);
}

/** Every model in the zoo with its description and default input shape. */
export function listModels(): ModelInfo[] {
  return Object.entries(ENTRIES).map(([name, e]) => ({ name, description: e.description, inputShape: e.inputShape({}) }));
}

/**
 * The model built for an input [H, W, C]: the channel count becomes inChannels, and a size other than the
 * default becomes inputSize for models whose classifier is sized from it (LeNet, AlexNet, VGG); the others
 * take any size.
 */
export function createModelForInput(name: string, options: CreateModelOptions = {}, input?: readonly [number, number, number]): Module {
  if (!input) return createModel(name, options);
  const [h, w, c] = input;
  const [defaultH, defaultW, defaultC] = modelInputShape(name, options);
  const withChannels: CreateModelOptions = c === defaultC ? options : { ...options, inChannels: c };
  if (h === defaultH && w === defaultW) return createModel(name, withChannels);
  const sized = h === w ? tryCreate(name, { ...withChannels, inputSize: h }) : null;
  return sized ?? createModel(name, withChannels);
}

/** The model with an inputSize option, or null when the model has no such option (it adapts to any size). */
function tryCreate(name: string, options: CreateModelOptions): Module | null {
  try {
    return createModel(name, options);
  } catch (error) {
    if (/unknown option\(s\) 'inputSize'/.test((error as Error).message)) return null;
    throw error;
  }
}
