// The feature networks `convkit style --network` offers: the seeded random VGG-19, and the ImageNet layers of
// nsfwjs's Keras MobileNetV2 (blocks 1-10) and InceptionV3 (up to mixed5), each with or without SWAG's
// softmax transform; or any Keras layers model.json with layer names of its own.
import { featureNetwork, type FeatureNetwork } from '../style/feature-network.js';
import { randomVgg19Network } from '../style/random-vgg19.js';
import type { KerasModel } from '../io/importers/keras-model.js';
import { loadKerasLayersModel, loadNsfwjsInceptionV3, loadNsfwjsMobileNetV2 } from './import-files.js';

interface KerasLayers {
  load: () => KerasModel;
  contentLayer: string;
  styleLayers: readonly string[];
}

// One layer per resolution, as VGG's relu1_1 ... relu5_1; content at 1/8, as VGG's relu4_2.
const KERAS_NETWORKS: Record<string, KerasLayers> = {
  mobilenetv2: {
    load: loadNsfwjsMobileNetV2,
    contentLayer: 'block_5_expand_relu',
    styleLayers: ['Conv1_relu', 'block_1_expand_relu', 'block_3_expand_relu', 'block_6_expand_relu', 'block_10_expand_relu'],
  },
  inceptionv3: {
    load: loadNsfwjsInceptionV3,
    contentLayer: 'mixed1',
    styleLayers: ['activation_2', 'activation_4', 'mixed0', 'mixed2', 'mixed4'],
  },
};

/** The names loadStyleNetwork knows; '-softmax' adds SWAG's transform. */
export const STYLE_NETWORK_NAMES: readonly string[] = ['vgg19-random', ...Object.keys(KERAS_NETWORKS)].flatMap((n) => [n, `${n}-softmax`]);

export interface StyleNetworkOptions {
  contentLayer?: string;
  styleLayers?: readonly string[];
  /** Seeds the random VGG-19's weights (default 0). */
  seed?: number;
}

/** A built-in feature network by name, or a Keras layers model.json (then contentLayer and styleLayers are needed). */
export async function loadStyleNetwork(name: string, options: StyleNetworkOptions = {}): Promise<FeatureNetwork> {
  const softmax = name.endsWith('-softmax');
  const base = softmax ? name.slice(0, -'-softmax'.length) : name;
  const featureTransform = softmax ? 'softmax' : 'none';
  if (base === 'vgg19-random') return randomVgg19Network({ ...options, featureTransform });
  const known = KERAS_NETWORKS[base];
  if (!known && !name.endsWith('.json')) {
    throw new Error(`loadStyleNetwork: unknown network '${name}'; use one of ${STYLE_NETWORK_NAMES.join(', ')}, or a Keras model.json path with --content-layer and --style-layers`);
  }
  if (!known && (!options.contentLayer || !options.styleLayers?.length)) {
    throw new Error(`loadStyleNetwork: '${name}' is not a built-in network, so give its contentLayer and styleLayers`);
  }
  const contentLayer = options.contentLayer ?? known.contentLayer;
  const styleLayers = options.styleLayers ?? known.styleLayers;
  const full = known ? known.load() : await loadKerasLayersModel(name);
  // Run the graph only as far as the deepest layer used.
  const order = new Map(full.nodes.map((n, i) => [n.name, i]));
  const deepest = [contentLayer, ...styleLayers].reduce((a, b) => ((order.get(b) ?? -1) > (order.get(a) ?? -1) ? b : a));
  const model = order.has(deepest) ? full.upTo(deepest) : full;
  return featureNetwork(model, { name, contentLayer, styleLayers, inputScaling: known ? 'minus-one-to-one' : 'unit', featureTransform });
}
