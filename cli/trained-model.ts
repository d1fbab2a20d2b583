// What a weights file written by `convkit train` says about itself, in its safetensors metadata: the model
// and its options, the data set, the classes and the input normalisation. eval and predict rebuild the
// model and prepare images from it.
import type { Module } from '../src/nn/module.js';
import type { Normalization } from '../src/data/idx-dataset.js';
import type { SafetensorsMetadata } from '../src/io/safetensors.js';
import { createModel, modelInputShape, type CreateModelOptions } from '../src/models/registry.js';
import { loadSafetensors, loadWeights, saveWeights } from '../src/node/weights-files.js';

const KEY = 'convkit.trained';

export interface TrainedModelInfo {
  model: string;
  modelOptions: CreateModelOptions;
  dataset: string;
  classes: readonly string[];
  normalization: Normalization;
  inputShape: [number, number, number];
}

export async function saveTrainedModel(path: string, model: Module, info: TrainedModelInfo): Promise<void> {
  await saveWeights(path, model, { [KEY]: JSON.stringify(info) });
}

/** The info stored by saveTrainedModel, or null for weights saved some other way. */
export async function readTrainedModelInfo(path: string): Promise<TrainedModelInfo | null> {
  const { metadata } = await loadSafetensors(path);
  return parseInfo(metadata, path);
}

function parseInfo(metadata: SafetensorsMetadata, path: string): TrainedModelInfo | null {
  const raw = metadata[KEY];
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as TrainedModelInfo;
  } catch (error) {
    throw new Error(`'${path}': metadata '${KEY}' is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

export interface LoadedModel {
  model: Module;
  info: TrainedModelInfo | null;
  inputShape: [number, number, number];
}

/**
 * Build the model named on the command line (or in the file) and load the weights into it. A --model that
 * differs from the one the file was trained as is an error, not a silent mismatch.
 */
export async function loadTrainedModel(path: string, modelName: string | undefined): Promise<LoadedModel> {
  const info = await readTrainedModelInfo(path);
  const name = modelName ?? info?.model;
  if (!name) throw new Error(`'${path}' does not say which model it holds; pass --model (e.g. --model lenet5)`);
  if (info && modelName && modelName !== info.model) {
    throw new Error(`'${path}' holds ${info.model} weights (trained on ${info.dataset}), not ${modelName}`);
  }
  const options = info?.modelOptions ?? {};
  const model = createModel(name, options);
  await loadWeights(path, model);
  return { model, info, inputShape: info?.inputShape ?? modelInputShape(name, options) };
}
