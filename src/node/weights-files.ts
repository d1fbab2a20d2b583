// Weights and checkpoints on disk, in the safetensors format. Every write is atomic (see atomic-write.ts):
// a crash mid-save leaves the previous file intact.
import type { AnyModule } from '../nn/module.js';
import { serializeSafetensors, parseSafetensors, type SafetensorsContents, type SafetensorsMetadata, type TensorMap } from '../io/safetensors.js';
import { serializeCheckpoint, unpackCheckpoint, stateDictOf, type Checkpoint, type CheckpointInput } from '../io/checkpoint.js';
import { applyStateDict, type ApplyStateDictResult } from '../io/apply-state-dict.js';
import { atomicWriteFile } from './atomic-write.js';
import { readFileBytes } from './read-file-bytes.js';

export async function saveSafetensors(path: string, tensors: TensorMap, metadata?: SafetensorsMetadata): Promise<void> {
  await atomicWriteFile(path, serializeSafetensors(tensors, metadata));
}

export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  return parseSafetensors(await readFileBytes(path, 'loadSafetensors'), path);
}

/** Save a module's parameters and buffers (its stateDict) with optional string metadata. */
export async function saveWeights(path: string, module: AnyModule, metadata?: SafetensorsMetadata): Promise<void> {
  await atomicWriteFile(path, serializeSafetensors(module.stateDict(), metadata));
}

export interface LoadWeightsResult extends ApplyStateDictResult {
  metadata: SafetensorsMetadata;
}

/**
 * Load a weights file (or the model part of a checkpoint) into a module. Names, shapes and dtypes are checked
 * first and every mismatch is reported in one error; with strict: false, missing and unexpected names are
 * returned instead of thrown.
 */
export async function loadWeights(path: string, module: AnyModule, options: { strict?: boolean } = {}): Promise<LoadWeightsResult> {
  const contents = await loadSafetensors(path);
  const result = applyStateDict(module, stateDictOf(contents, path), { strict: options.strict, source: `loadWeights('${path}')` });
  return { ...result, metadata: contents.metadata };
}

/** Save model, optimizer state, epoch, step, RNG and user fields as one safetensors file, atomically. */
export async function saveCheckpoint(path: string, checkpoint: CheckpointInput): Promise<void> {
  await atomicWriteFile(path, serializeCheckpoint(checkpoint));
}

/** Read a checkpoint written by saveCheckpoint; load its parts with applyStateDict and optimizer.loadStateDict. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  return unpackCheckpoint(parseSafetensors(await readFileBytes(path, 'loadCheckpoint'), path), path);
}
