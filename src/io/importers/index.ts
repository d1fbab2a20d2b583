// Importers (browser-safe): TF.js weights manifests, Keras / TF.js layers models, PyTorch/ONNX layouts.
// Reading the files from disk is in src/node/import-files.ts.
export { float16BitsToNumber, float16ToFloat32 } from './float16.js';
export {
  decodeTfjsWeights,
  weightSpecsOf,
  storedByteLength,
  concatBytes,
  type TfjsWeightSpec,
  type TfjsWeightsGroup,
  type TfjsWeightsManifest,
  type TfjsQuantization,
  type NamedTensors,
} from './tfjs-weights.js';
export { parseKerasTopology, type KerasGraph, type KerasLayerNode } from './keras-topology.js';
export {
  buildKerasModel,
  loadKerasWeights,
  importKerasModel,
  SUPPORTED_KERAS_LAYERS,
  type BuildKerasModelOptions,
  type LoadKerasWeightsOptions,
  type LoadKerasWeightsResult,
  type KerasModelArtifacts,
} from './keras-layers.js';
export { KerasModel, type KerasGraphNode, type KerasWeightTarget } from './keras-model.js';
export { Add, Concatenate, Reshape, SeparableConv2d, ClampedReLU, GlobalMaxPool2d, Conv2dWithActivation, LinearWithActivation } from './keras-modules.js';
export { fromOIHW, fromOutIn } from './torch-layout.js';
export { loadTorchStateDict, torchToConvKitName, type LoadTorchStateDictOptions } from './torch-state-dict.js';
