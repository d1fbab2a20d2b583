// convkit/nn: modules, layers, initialisation.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { Module, type AnyModule, type ForwardHook, type StateDict, type NamePattern } from './module.js';
export { Parameter } from './parameter.js';
export * from './layers.js';
export { Sequential } from './sequential.js';
export { getLayerOutputs } from './layer-outputs.js';
export * as init from './init.js';
export { summary, formatSummary, registerMacCounter, type ModelSummary, type LayerSummary, type MacCounter } from './summary.js';
