// The model a visualisation reads: a module, the input it is built for and how images in [0, 1] are scaled
// for it (the normalisation it was trained with). Zoo models, trained-model files and imported Keras models
// all become one of these (src/node/load-model-argument.ts), so every viz function takes the same thing.
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from '../nn/module.js';
import { getLayerOutputs } from '../nn/layer-outputs.js';

export interface VizModel {
  /** What it is, for titles and errors (a zoo name, a file, 'keras-mobilenet_v2'). */
  name: string;
  module: AnyModule;
  /** [height, width, channels] of the images it reads. */
  inputShape: [number, number, number];
  /** Images [N, H, W, C] in [0, 1] scaled as the model was trained on. */
  prepare(images: Tensor): Tensor;
}

/** A VizModel from any module: images are passed on unscaled unless `prepare` says otherwise. */
export function vizModel(module: AnyModule, inputShape: [number, number, number], options: { name?: string; prepare?: (images: Tensor) => Tensor } = {}): VizModel {
  return { name: options.name ?? module.constructor.name, module, inputShape, prepare: options.prepare ?? ((x) => x) };
}

/** The activations of the named layers (namedModules() names) for images [N, H, W, C] in [0, 1], in the autograd graph. */
export function layerActivations(model: VizModel, images: Tensor, layers: readonly string[]): Record<string, Tensor> {
  return getLayerOutputs(model.module, model.prepare(images), layers);
}
