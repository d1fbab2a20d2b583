// Trained-model bundles on disk (the format is in src/io/trained-model.ts): written atomically by
// `convkit train --out`, read back by eval and predict.
import type { Module } from '../nn/module.js';
import { serializeTrainedModel, trainedModelInfo, unpackTrainedModel, type TrainedModel, type TrainedModelInfo } from '../io/trained-model.js';
import { atomicWriteFile } from './atomic-write.js';
import { loadSafetensors } from './weights-files.js';

/** Save the model's weights with what they are (model, options, data set, classes, input shape, normalisation). */
export async function saveTrainedModel(path: string, model: Module, info: TrainedModelInfo): Promise<void> {
  await atomicWriteFile(path, serializeTrainedModel(model, info));
}

/** The info stored by saveTrainedModel, or null for weights saved some other way. */
export async function loadTrainedModelInfo(path: string): Promise<TrainedModelInfo | null> {
  return trainedModelInfo((await loadSafetensors(path)).metadata, `'${path}'`);
}

/**
 * Rebuild the model a bundle names and load its weights. Plain weights files and checkpoints load too when
 * options.model names the architecture; naming another model than the bundle's is an error.
 */
export async function loadTrainedModel(path: string, options: { model?: string } = {}): Promise<TrainedModel> {
  return unpackTrainedModel(await loadSafetensors(path), { model: options.model, source: `loadTrainedModel('${path}')` });
}
