// A seeded random-weight VGG-19 feature stack, named as in the Gatys paper (conv1_1, relu1_1, ..., pool1, ...).
// No ImageNet VGG weights can be had offline; random VGG features still carry style and content (He, Wang &
// Hopcroft, NIPS 2016; Wang et al., CVPR 2021). The stack stops at the deepest layer asked for.
import { Sequential } from '../nn/sequential.js';
import { Conv2d, MaxPool2d, ReLU } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
import { kaimingNormal_, zeros_ } from '../nn/init.js';
import { Generator } from '../util/random.js';
import { featureNetwork, type FeatureNetwork } from './feature-network.js';

/** Convolutions per stage and their widths (VGG-19, configuration E). */
const STAGES: ReadonlyArray<[number, number]> = [[2, 64], [2, 128], [4, 256], [4, 512], [4, 512]];

/** Every layer name of VGG-19's feature stack, in order. */
export const VGG19_LAYER_NAMES: readonly string[] = STAGES.flatMap(([convs], s) => [
  ...Array.from({ length: convs }, (_, i) => [`conv${s + 1}_${i + 1}`, `relu${s + 1}_${i + 1}`]).flat(),
  `pool${s + 1}`,
]);

export interface RandomVgg19Options {
  /** Seed of the weights (default 0). */
  seed?: number;
  /** The deepest layer to build (default relu5_1). */
  upTo?: string;
}

/** VGG-19's feature stack up to `upTo`, Kaiming-normal weights (fan-out, as torchvision) from `seed`, zero biases. */
export function randomVgg19Features(options: RandomVgg19Options = {}): Sequential {
  const { seed = 0, upTo = 'relu5_1' } = options;
  const last = VGG19_LAYER_NAMES.indexOf(upTo);
  if (last < 0) throw new Error(`randomVgg19Features: no layer '${upTo}'; VGG-19's layers: ${VGG19_LAYER_NAMES.join(', ')}`);
  const generator = new Generator(seed);
  const layers: Record<string, Module> = {};
  let channels = 3;
  STAGES.forEach(([, width], s) => {
    for (let i = 0; i < STAGES[s][0]; i++) {
      const conv = new Conv2d(channels, width, 3, { padding: 1 });
      kaimingNormal_(conv.weight, { mode: 'fanOut', generator });
      if (conv.bias) zeros_(conv.bias);
      layers[`conv${s + 1}_${i + 1}`] = conv;
      layers[`relu${s + 1}_${i + 1}`] = new ReLU();
      channels = width;
    }
    layers[`pool${s + 1}`] = new MaxPool2d(2, { stride: 2 });
  });
  const kept = Object.fromEntries(Object.entries(layers).slice(0, last + 1));
  return new Sequential(kept);
}

/** jcjohnson/neural-style's layers: content relu4_2, style relu1_1 ... relu5_1. */
export const VGG19_CONTENT_LAYER = 'relu4_2';
export const VGG19_STYLE_LAYERS: readonly string[] = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1'];

/** The random VGG-19 as a FeatureNetwork, with jcjohnson's layers unless others are given. */
export function randomVgg19Network(options: { seed?: number; contentLayer?: string; styleLayers?: readonly string[]; featureTransform?: 'softmax' | 'none' } = {}): FeatureNetwork {
  const contentLayer = options.contentLayer ?? VGG19_CONTENT_LAYER;
  const styleLayers = options.styleLayers ?? VGG19_STYLE_LAYERS;
  const deepest = [contentLayer, ...styleLayers].reduce((a, b) => (VGG19_LAYER_NAMES.indexOf(b) > VGG19_LAYER_NAMES.indexOf(a) ? b : a));
  const model = randomVgg19Features({ seed: options.seed, upTo: VGG19_LAYER_NAMES.includes(deepest) ? deepest : 'relu5_1' });
  const suffix = options.featureTransform === 'softmax' ? '+softmax' : '';
  return featureNetwork(model, { name: `vgg19-random${suffix}`, contentLayer, styleLayers, inputScaling: 'imagenet', featureTransform: options.featureTransform });
}
