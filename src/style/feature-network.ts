// The network whose activations define content and style. Any module works: give the names of its
// sub-modules (namedModules()) for the content and style layers and how it expects its input scaled.
// `featureTransform: 'softmax'` applies Wang et al.'s (CVPR 2021, "SWAG") softmax over each whole activation
// before the costs, which they propose for networks whose residual features are too peaky for Gatys' costs.
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from '../nn/module.js';
import { getLayerOutputs } from '../nn/layer-outputs.js';
import { tensor } from '../tensor/create.js';

/** How an RGB image in [0, 1] is scaled for the network. */
export type InputScaling = 'imagenet' | 'minus-one-to-one' | 'unit';

export interface FeatureNetwork {
  name: string;
  contentLayer: string;
  styleLayers: readonly string[];
  /** The activations of `layers` for an RGB image [1, H, W, 3] in [0, 1], in the autograd graph. */
  extract(image: Tensor, layers: readonly string[]): Record<string, Tensor>;
}

export interface FeatureNetworkOptions {
  name?: string;
  contentLayer: string;
  styleLayers: readonly string[];
  /** Default 'imagenet' (torchvision's mean and std); Keras MobileNetV2 and InceptionV3 take 'minus-one-to-one'. */
  inputScaling?: InputScaling;
  /** 'softmax' (SWAG) or 'none' (default). */
  featureTransform?: 'softmax' | 'none';
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** An RGB image in [0, 1] scaled as the network expects. */
export function scaleInput(image: Tensor, scaling: InputScaling): Tensor {
  if (scaling === 'unit') return image;
  if (scaling === 'minus-one-to-one') return image.mul(2).sub(1);
  return image.sub(tensor(IMAGENET_MEAN, [3], { dtype: image.dtype })).div(tensor(IMAGENET_STD, [3], { dtype: image.dtype }));
}

/** Softmax over all the values of one activation (SWAG's transform, temperature 1). */
export function softmaxFeatures(a: Tensor): Tensor {
  return a.reshape([1, a.size]).softmax(-1).reshape(a.shape);
}

/** A FeatureNetwork from any module and the names of its layers. */
export function featureNetwork(model: AnyModule, options: FeatureNetworkOptions): FeatureNetwork {
  const { contentLayer, styleLayers, inputScaling = 'imagenet', featureTransform = 'none' } = options;
  if (!['imagenet', 'minus-one-to-one', 'unit'].includes(inputScaling)) {
    throw new Error(`featureNetwork: inputScaling must be 'imagenet', 'minus-one-to-one' or 'unit', got ${JSON.stringify(inputScaling)}`);
  }
  if (featureTransform !== 'softmax' && featureTransform !== 'none') {
    throw new Error(`featureNetwork: featureTransform must be 'softmax' or 'none', got ${JSON.stringify(featureTransform)}`);
  }
  if (styleLayers.length === 0) throw new Error('featureNetwork: give at least one style layer');
  const known = new Set([...model.namedModules()].map(([n]) => n));
  const missing = [contentLayer, ...styleLayers].filter((n) => !known.has(n));
  if (missing.length) {
    const some = [...known].filter(Boolean).slice(0, 40).join(', ');
    throw new Error(`featureNetwork: no layer named ${missing.map((n) => `'${n}'`).join(', ')} in the model; its layers include: ${some}`);
  }
  model.eval();
  for (const p of model.parameters()) p.requiresGrad = false; // only the image is optimised
  return {
    name: options.name ?? 'custom',
    contentLayer,
    styleLayers,
    extract(image, layers) {
      const outputs = getLayerOutputs(model, scaleInput(image, inputScaling), layers);
      if (featureTransform === 'none') return outputs;
      return Object.fromEntries(Object.entries(outputs).map(([k, a]) => [k, softmaxFeatures(a)]));
    },
  };
}
