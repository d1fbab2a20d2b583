// convkit io (browser-safe): safetensors bytes, checkpoints, and checked loading into modules.
// Reading and writing files is in src/node/weights-files.ts.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { serializeSafetensors, parseSafetensors, type TensorMap, type SafetensorsMetadata, type SafetensorsContents } from './safetensors.js';
export {
  serializeCheckpoint,
  parseCheckpoint,
  unpackCheckpoint,
  isCheckpoint,
  stateDictOf,
  CHECKPOINT_METADATA_KEY,
  type Checkpoint,
  type CheckpointInput,
  type OptimizerStateDict,
} from './checkpoint.js';
export { applyStateDict, type ApplyStateDictOptions, type ApplyStateDictResult } from './apply-state-dict.js';
export type { JsonValue } from './json-value.js';
export * as importers from './importers/index.js';
export {
  serializeTrainedModel,
  parseTrainedModel,
  unpackTrainedModel,
  trainedModelInfo,
  TRAINED_MODEL_METADATA_KEY,
  type TrainedModelInfo,
  type TrainedModel,
  type LoadTrainedModelOptions,
} from './trained-model.js';
