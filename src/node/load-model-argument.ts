// "A model argument" as every `convkit viz` command takes it: a zoo name (random weights, seeded), a
// trained-model file from `convkit train`, or 'keras-mobilenet_v2' (nsfwjs's Keras MobileNetV2, ImageNet
// weights up to block 10). Each becomes a VizModel: the module, its input shape and its input scaling.
import { existsSync } from 'node:fs';
import type { Tensor } from '../tensor/tensor.js';
import { createModelForInput, listModels, modelInputShape } from '../models/registry.js';
import { manualSeed } from '../util/random.js';
import { scaleInput } from '../style/feature-network.js';
import type { VizModel } from '../viz/viz-model.js';
import { loadNsfwjsMobileNetV2 } from './import-files.js';
import { loadTrainedModel } from './trained-model-files.js';

/** The name of the imported Keras MobileNetV2 (224x224x3, inputs scaled to [-1, 1]). */
export const KERAS_MOBILENET_V2 = 'keras-mobilenet_v2';

export interface ModelArgumentOptions {
  /** [H, W, C] to build a zoo model for (default: the model's own); files and imports keep theirs. */
  inputShape?: [number, number, number];
  /** Seeds a zoo model's random weights (default 0). */
  seed?: number;
}

/** The model an argument names; an unknown name is an error listing what is valid. */
export async function loadModelArgument(argument: string, options: ModelArgumentOptions = {}): Promise<VizModel> {
  const zoo = listModels().map((m) => m.name);
  if (zoo.includes(argument)) {
    manualSeed(options.seed ?? 0);
    const module = createModelForInput(argument, {}, options.inputShape);
    const inputShape = options.inputShape ?? modelInputShape(argument);
    // Random weights: ImageNet statistics for colour input (as torchvision's weights expect), none for gray.
    const prepare = inputShape[2] === 3 ? (x: Tensor) => scaleInput(x, 'imagenet') : (x: Tensor) => x;
    return { name: argument, module, inputShape, prepare };
  }
  if (argument === KERAS_MOBILENET_V2) {
    return { name: argument, module: loadNsfwjsMobileNetV2(), inputShape: [224, 224, 3], prepare: (x) => scaleInput(x, 'minus-one-to-one') };
  }
  if (existsSync(argument)) {
    const { model, info, inputShape } = await loadTrainedModel(argument);
    const norm = info?.normalization;
    const prepare = norm && (norm.mean !== 0 || norm.std !== 1) ? (x: Tensor) => x.sub(norm.mean).div(norm.std) : (x: Tensor) => x;
    return { name: argument, module: model, inputShape, prepare };
  }
  throw new Error(`loadModelArgument: '${argument}' is not a zoo model (${zoo.join(', ')}), '${KERAS_MOBILENET_V2}', or an existing trained-model file`);
}
