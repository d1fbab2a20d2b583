// Reading a Keras / TF.js layers-model topology (the `modelTopology` of a model.json, or a Keras
// `model.to_json()`) into a list of layers in execution order, each with the names of the layers that feed
// it. Functional models ('Model', 'Functional') follow inbound_nodes, in the Keras 2 form
// `[[["conv1", 0, 0, {}], ...]]` or the Keras 3 form `[{ args: [keras tensors], kwargs }]`; Sequential
// models chain their layers in order.

export type KerasConfig = Record<string, unknown>;

export interface KerasLayerNode {
  name: string;
  className: string;
  config: KerasConfig;
  /** Names of the layers whose outputs are this layer's inputs, in call order. */
  inbound: string[];
}

export interface KerasGraph {
  name: string;
  /** In an order where every layer comes after the layers it reads. */
  layers: KerasLayerNode[];
  inputs: string[];
  outputs: string[];
}

interface LayerJson {
  class_name?: unknown;
  name?: unknown;
  config?: unknown;
  inbound_nodes?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(caller: string, message: string): never {
  throw new Error(`${caller}: ${message}`);
}

/** The model config: `modelTopology.model_config`, or the topology itself when it has a class_name. */
function modelConfigOf(topology: unknown, caller: string): { className: string; config: unknown } {
  const root = isObject(topology) && isObject(topology.model_config) ? topology.model_config : topology;
  if (!isObject(root) || typeof root.class_name !== 'string') {
    fail(caller, `expected a Keras topology with 'model_config' or 'class_name' (a TF.js layers model's modelTopology); got ${JSON.stringify(topology)?.slice(0, 200)}`);
  }
  return { className: root.class_name, config: root.config };
}

/** One `[layerName, nodeIndex, tensorIndex]` reference, checked: shared layers are not supported. */
function tensorRef(ref: unknown, layer: string, caller: string): string {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string') fail(caller, `layer '${layer}' has an inbound reference ${JSON.stringify(ref)}; expected [layerName, nodeIndex, tensorIndex]`);
  const [name, nodeIndex = 0, tensorIndex = 0] = ref as [string, number?, number?];
  if (nodeIndex !== 0 || tensorIndex !== 0) {
    fail(caller, `layer '${layer}' reads output ${tensorIndex} of call ${nodeIndex} of layer '${name}'; shared layers and multi-output layers are not supported`);
  }
  return name;
}

/** Keras 3 keeps inbound tensors as { class_name: '__keras_tensor__', config: { keras_history } } inside args. */
function collectKerasHistory(value: unknown, layer: string, caller: string, out: string[]): void {
  if (Array.isArray(value)) value.forEach((v) => collectKerasHistory(v, layer, caller, out));
  else if (isObject(value) && value.class_name === '__keras_tensor__' && isObject(value.config)) {
    out.push(tensorRef(value.config.keras_history, layer, caller));
  }
}

function inboundOf(json: LayerJson, name: string, caller: string): string[] {
  const nodes = json.inbound_nodes ?? [];
  if (!Array.isArray(nodes)) fail(caller, `layer '${name}' has inbound_nodes ${JSON.stringify(nodes)}; expected a list`);
  if (nodes.length === 0) return [];
  if (nodes.length > 1) fail(caller, `layer '${name}' is called ${nodes.length} times; shared layers are not supported`);
  const node = nodes[0];
  if (Array.isArray(node)) return node.map((ref) => tensorRef(ref, name, caller));
  if (isObject(node)) {
    const out: string[] = [];
    collectKerasHistory(node.args, name, caller, out);
    return out;
  }
  return fail(caller, `layer '${name}' has an inbound node ${JSON.stringify(node)}; expected a list of [layerName, 0, 0, {}] or { args }`);
}

function layerNode(json: unknown, caller: string): KerasLayerNode {
  const layer = json as LayerJson;
  if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config)) {
    fail(caller, `a layer is not { class_name, config }: ${JSON.stringify(json)?.slice(0, 200)}`);
  }
  const name = typeof layer.name === 'string' ? layer.name : layer.config.name;
  if (typeof name !== 'string' || name === '') fail(caller, `a ${layer.class_name} layer has no name`);
  return { name, className: layer.class_name, config: layer.config, inbound: inboundOf(layer, name, caller) };
}

/** Input/output lists: [[name, 0, 0], ...], or a single [name, 0, 0] (Keras 3 with one input). */
function endpoints(value: unknown, what: string, caller: string): string[] {
  if (!Array.isArray(value) || value.length === 0) fail(caller, `the model config has ${what} ${JSON.stringify(value)}; expected [[layerName, 0, 0], ...]`);
  const list = typeof value[0] === 'string' ? [value] : value;
  return list.map((ref) => tensorRef(ref, what, caller));
}

/** Order layers so that each comes after its inputs (Kahn's algorithm, keeping the file's order on ties). */
function topologicalOrder(layers: KerasLayerNode[], caller: string): KerasLayerNode[] {
  const byName = new Map<string, KerasLayerNode>();
  for (const l of layers) {
    if (byName.has(l.name)) fail(caller, `two layers are named '${l.name}'`);
    byName.set(l.name, l);
  }
  for (const l of layers) {
    const unknown = l.inbound.filter((n) => !byName.has(n));
    if (unknown.length) fail(caller, `layer '${l.name}' reads from ${unknown.map((n) => `'${n}'`).join(', ')}, which the topology does not define`);
  }
  const done = new Set<string>();
  const ordered: KerasLayerNode[] = [];
  while (ordered.length < layers.length) {
    const next = layers.find((l) => !done.has(l.name) && l.inbound.every((n) => done.has(n)));
    if (!next) {
      const stuck = layers.filter((l) => !done.has(l.name)).map((l) => `'${l.name}'`);
      fail(caller, `the layers ${stuck.slice(0, 10).join(', ')} form a cycle or depend on one`);
    }
    done.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

function functionalGraph(config: unknown, caller: string): KerasGraph {
  if (!isObject(config) || !Array.isArray(config.layers)) fail(caller, `a functional model config needs 'layers'; got ${JSON.stringify(config)?.slice(0, 200)}`);
  const layers = topologicalOrder(config.layers.map((l) => layerNode(l, caller)), caller);
  const graph: KerasGraph = {
    name: typeof config.name === 'string' ? config.name : 'model',
    layers,
    inputs: endpoints(config.input_layers, 'input_layers', caller),
    outputs: endpoints(config.output_layers, 'output_layers', caller),
  };
  const names = new Set(layers.map((l) => l.name));
  for (const n of [...graph.inputs, ...graph.outputs]) if (!names.has(n)) fail(caller, `the model's inputs/outputs name '${n}', which is not a layer`);
  return graph;
}

/** Sequential: each layer reads the previous one; an InputLayer is added when the first layer only declares its input shape. */
function sequentialGraph(config: unknown, caller: string): KerasGraph {
  const layersJson = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : null;
  if (!layersJson || layersJson.length === 0) fail(caller, `a Sequential config needs a non-empty 'layers' list; got ${JSON.stringify(config)?.slice(0, 200)}`);
  const layers = layersJson.map((l) => ({ ...layerNode(l, caller), inbound: [] as string[] }));
  if (layers[0].className !== 'InputLayer') {
    const shape = layers[0].config.batch_input_shape ?? layers[0].config.batch_shape;
    if (!Array.isArray(shape)) fail(caller, `the first layer '${layers[0].name}' of the Sequential model declares no batch_input_shape, so the input shape is unknown`);
    layers.unshift({ name: `${layers[0].name}_input`, className: 'InputLayer', config: { batch_input_shape: shape }, inbound: [] });
  }
  for (let i = 1; i < layers.length; i++) layers[i].inbound = [layers[i - 1].name];
  topologicalOrder(layers, caller); // checks for duplicate names
  const name = isObject(config) && typeof config.name === 'string' ? config.name : 'sequential';
  return { name, layers, inputs: [layers[0].name], outputs: [layers[layers.length - 1].name] };
}

export function parseKerasTopology(topology: unknown, caller = 'parseKerasTopology'): KerasGraph {
  const { className, config } = modelConfigOf(topology, caller);
  if (className === 'Model' || className === 'Functional') return functionalGraph(config, caller);
  if (className === 'Sequential') return sequentialGraph(config, caller);
  return fail(caller, `the model's class_name is '${className}'; supported: 'Model', 'Functional', 'Sequential'`);
}
