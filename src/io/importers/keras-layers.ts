// Building a ConvKit module from a Keras / TF.js layers-model topology, and filling it with the model's
// weights. buildKerasModel checks every layer before returning: an unsupported layer class, a bad setting
// or an inconsistent graph throws, and nothing half-built is returned. loadKerasWeights checks every
// weight (missing, unexpected, mis-shaped, non-float) and copies nothing unless all of them fit.
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape, shapesEqual } from '../../tensor/shape.js';
import { parseKerasTopology } from './keras-topology.js';
import { LayerConfigReader, type KerasShape } from './keras-config.js';
import { KERAS_LAYER_BUILDERS } from './keras-layer-builders.js';
import { KerasModel, type KerasGraphNode, type KerasWeightTarget } from './keras-model.js';
import { decodeTfjsWeights, weightSpecsOf, type NamedTensors, type TfjsWeightSpec, type TfjsWeightsManifest } from './tfjs-weights.js';

export const SUPPORTED_KERAS_LAYERS: readonly string[] = Object.keys(KERAS_LAYER_BUILDERS);

export interface BuildKerasModelOptions {
  /** Name used in error messages (e.g. the file path). */
  source?: string;
}

/**
 * Build the ConvKit equivalent of a Keras model from its topology (`modelTopology` of a TF.js model.json, or a
 * Keras model config). The model is returned in eval mode (batch norm uses the stored statistics, dropout
 * is off), and the parameters of layers saved with `trainable: false` are frozen, as in Keras.
 */
export function buildKerasModel(topology: unknown, options: BuildKerasModelOptions = {}): KerasModel {
  const caller = options.source ?? 'buildKerasModel';
  const graph = parseKerasTopology(topology, caller);
  const unsupported = graph.layers.filter((l) => !Object.hasOwn(KERAS_LAYER_BUILDERS, l.className));
  if (unsupported.length) {
    const list = unsupported.map((l) => `'${l.name}' (${l.className})`).join(', ');
    throw new Error(`${caller}: cannot import layer ${list}: unsupported class; supported layer classes: ${SUPPORTED_KERAS_LAYERS.join(', ')}`);
  }
  const shapes = new Map<string, KerasShape>();
  const nodes: KerasGraphNode[] = [];
  const weightTargets: KerasWeightTarget[] = [];
  for (const layer of graph.layers) {
    const reader = new LayerConfigReader(layer, caller);
    if (layer.className === 'InputLayer' && layer.inbound.length) reader.fail('an InputLayer cannot have inputs');
    if (layer.className !== 'InputLayer' && !layer.inbound.length) reader.fail('has no inputs (inbound_nodes is empty)');
    const built = KERAS_LAYER_BUILDERS[layer.className](reader, layer.inbound.map((n) => shapes.get(n) as KerasShape));
    shapes.set(layer.name, built.outputShape);
    nodes.push({ name: layer.name, className: layer.className, module: built.module, inbound: layer.inbound, outputShape: built.outputShape });
    for (const w of built.weights) weightTargets.push({ ...w, name: `${layer.name}/${w.kerasName}`, layer: layer.name });
    if (built.module && reader.config.trainable === false) built.module.freeze();
  }
  for (const name of graph.inputs) {
    if (nodes.find((n) => n.name === name)?.className !== 'InputLayer') throw new Error(`${caller}: model input '${name}' is not an InputLayer`);
  }
  return new KerasModel(graph.name, nodes, graph.inputs, graph.outputs, weightTargets).eval();
}

export interface LoadKerasWeightsOptions {
  /** Missing and unexpected weights are errors (default true); shapes and dtypes must always match. */
  strict?: boolean;
  source?: string;
}

export interface LoadKerasWeightsResult {
  /** Weights the model declares that the tensors did not have (only without strict). */
  missing: string[];
  /** Tensors no layer of the model uses (only without strict). */
  unexpected: string[];
}

/** Copy Keras-named tensors ('block_1_expand/kernel', 'bn_Conv1/gamma', ...) into a built model. */
export function loadKerasWeights(model: KerasModel, tensors: NamedTensors, options: LoadKerasWeightsOptions = {}): LoadKerasWeightsResult {
  const strict = options.strict ?? true;
  const source = options.source ?? 'loadKerasWeights';
  const wanted = new Set(model.weightTargets.map((t) => t.name));
  const missing = model.weightTargets.filter((t) => !Object.hasOwn(tensors, t.name)).map((t) => t.name);
  const unexpected = Object.keys(tensors).filter((name) => !wanted.has(name));
  const problems: string[] = [];
  if (strict) {
    for (const name of missing) problems.push(`missing '${name}': the topology declares it, the weights do not have it`);
    for (const name of unexpected) problems.push(`unexpected '${name}' ${formatShape(tensors[name].shape)}: no layer of the model uses it`);
  }
  for (const t of model.weightTargets) {
    const w: Tensor | undefined = Object.hasOwn(tensors, t.name) ? tensors[t.name] : undefined;
    if (!w) continue;
    if (!shapesEqual(w.shape, t.kerasShape)) problems.push(`shape of '${t.name}': weights have ${formatShape(w.shape)}, layer '${t.layer}' needs ${formatShape(t.kerasShape)}`);
    if (w.dtype === 'int32') problems.push(`dtype of '${t.name}': weights are int32, layer '${t.layer}' needs float values`);
  }
  if (problems.length) {
    throw new Error(`${source}: ${problems.length} problem(s) loading weights into '${model.modelName}'; nothing was loaded:\n  ${problems.join('\n  ')}`);
  }
  for (const t of model.weightTargets) {
    // Same element order, possibly a different shape (depthwise kernels): copy the values.
    if (Object.hasOwn(tensors, t.name)) t.target.copy_(tensors[t.name]);
  }
  return { missing, unexpected };
}

/** A TF.js layers model as in memory: topology, weight specs (or the manifest) and the concatenated shard bytes. */
export interface KerasModelArtifacts {
  modelTopology: unknown;
  weightSpecs?: TfjsWeightSpec[];
  weightsManifest?: TfjsWeightsManifest;
  weightData: Uint8Array | ArrayBuffer;
}

/** Build the model from its topology and load its weights; every check happens before anything is returned. */
export function importKerasModel(artifacts: KerasModelArtifacts, options: LoadKerasWeightsOptions = {}): KerasModel {
  const source = options.source ?? 'importKerasModel';
  if (!artifacts.weightSpecs && !artifacts.weightsManifest) throw new Error(`${source}: needs weightSpecs or weightsManifest beside the topology`);
  const specs = artifacts.weightSpecs ?? weightSpecsOf(artifacts.weightsManifest as TfjsWeightsManifest, source);
  const model = buildKerasModel(artifacts.modelTopology, { source });
  loadKerasWeights(model, decodeTfjsWeights(specs, artifacts.weightData, source), { ...options, source });
  return model;
}
