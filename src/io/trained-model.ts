// The trained-model bundle: a safetensors file whose metadata says what the weights are (written by
// `convkit train`, read by eval and predict): the zoo model and its options, the data set, the class names,
// the input shape and the normalisation its images got. From it the model is rebuilt by name and images
// are prepared exactly as in training. A plain weights file (or checkpoint) loads too, given the model name.
import type { Module } from '../nn/module.js';
import type { Normalization } from '../data/idx-dataset.js';
import { createModel, modelInputShape, type CreateModelOptions } from '../models/registry.js';
import { serializeSafetensors, parseSafetensors, type SafetensorsContents, type SafetensorsMetadata } from './safetensors.js';
import { applyStateDict } from './apply-state-dict.js';
import { readJsonMetadata } from './json-metadata.js';
import { stateDictOf } from './checkpoint.js';
import { checkClassCount, checkTrainedModelInfo } from './check-trained-model-info.js';
import { Linear } from '../nn/layers.js';

/** The safetensors metadata entry holding the TrainedModelInfo, as JSON. */
export const TRAINED_MODEL_METADATA_KEY = 'convkit.trained';

export interface TrainedModelInfo {
  /** The zoo name createModel takes, e.g. 'lenet5'. */
  model: string;
  modelOptions: CreateModelOptions;
  /** The data set it was trained on: a registry name or a folder. */
  dataset: string;
  /** Class names, in output order. */
  classes: readonly string[];
  /** The standardisation its input images got after scaling to [0, 1]. */
  normalization: Normalization;
  /** [height, width, channels] of its input images. */
  inputShape: [number, number, number];
}

/** The model's weights with the info in their metadata, as safetensors bytes. */
export function serializeTrainedModel(model: Module, info: TrainedModelInfo): Uint8Array {
  return serializeSafetensors(model.stateDict(), { [TRAINED_MODEL_METADATA_KEY]: JSON.stringify(info) });
}

/** The info stored by serializeTrainedModel, or null for weights saved some other way; `source` names the file in errors. */
export function trainedModelInfo(metadata: SafetensorsMetadata, source = 'bytes'): TrainedModelInfo | null {
  return readJsonMetadata(metadata, TRAINED_MODEL_METADATA_KEY, source, checkTrainedModelInfo);
}

export interface LoadTrainedModelOptions {
  /** The zoo model the weights are for; required when the file does not say, an error when it says another. */
  model?: string;
  /** What errors name (default 'bytes'). */
  source?: string;
}

export interface TrainedModel {
  model: Module;
  /** The stored info, or null for weights saved without it. */
  info: TrainedModelInfo | null;
  /** [height, width, channels] the model reads. */
  inputShape: [number, number, number];
}

/**
 * Rebuild the model a parsed bundle names (or options.model for plain weights) and load its weights, every
 * name, shape and dtype checked. A model name that differs from the one the file was trained as is an error,
 * not a silent mismatch.
 */
export function unpackTrainedModel(contents: SafetensorsContents, options: LoadTrainedModelOptions = {}): TrainedModel {
  const source = options.source ?? 'bytes';
  const info = trainedModelInfo(contents.metadata, source);
  const name = options.model ?? info?.model;
  if (!name) throw new Error(`${source}: the weights do not say which model they are for (no '${TRAINED_MODEL_METADATA_KEY}' metadata); name the model, e.g. lenet5`);
  if (info && options.model && options.model !== info.model) {
    throw new Error(`${source}: it holds ${info.model} weights (trained on ${info.dataset}), not ${options.model}`);
  }
  const modelOptions = info?.modelOptions ?? {};
  const model = createModel(name, modelOptions);
  applyStateDict(model, stateDictOf(contents, source), { source });
  if (info) checkClassCount(info, classifierOutputs(model), `${source}: metadata '${TRAINED_MODEL_METADATA_KEY}'`);
  return { model, info, inputShape: info?.inputShape ?? modelInputShape(name, modelOptions) };
}

/** unpackTrainedModel of safetensors bytes (a fetched file, say). */
export function parseTrainedModel(bytes: Uint8Array, options: LoadTrainedModelOptions = {}): TrainedModel {
  return unpackTrainedModel(parseSafetensors(bytes, options.source), options);
}

/** Outputs of the model's last Linear layer (the zoo's classifiers end with one), or null without one. */
function classifierOutputs(model: Module): number | null {
  const linears = model.namedModules().filter((entry): entry is [string, Linear] => entry[1] instanceof Linear);
  return linears.length ? linears[linears.length - 1][1].weight.shape[1] : null;
}
