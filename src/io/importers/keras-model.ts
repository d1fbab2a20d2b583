// KerasModel: a ConvKit module that runs a Keras layer graph. Each layer is a child module under its Keras
// name (so namedModules(), getLayerOutputs and freeze patterns use 'block_10_project_BN'), and forward
// executes the layers in topological order, feeding each the outputs of its inbound layers.
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { Module } from '../../nn/module.js';
import type { KerasShape } from './keras-config.js';
import type { WeightSlot } from './keras-layer-builders.js';

export interface KerasGraphNode {
  name: string;
  className: string;
  /** The layer's module; null for an InputLayer. */
  module: Module | null;
  inbound: string[];
  /** Per-sample output shape inferred from the topology (null where the size is open). */
  outputShape: KerasShape;
}

/** A Keras weight name ('block_1_expand/kernel') with its expected shape and the tensor it fills. */
export interface KerasWeightTarget extends WeightSlot {
  name: string;
  layer: string;
}

export class KerasModel extends Module {
  readonly modelName: string;
  readonly nodes: readonly KerasGraphNode[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Every weight the topology declares, in layer order. */
  readonly weightTargets: readonly KerasWeightTarget[];
  /** For each node index, the names of the outputs that are no longer needed after it runs. */
  private readonly releaseAfter: readonly string[][];

  constructor(modelName: string, nodes: KerasGraphNode[], inputNames: string[], outputNames: string[], weightTargets: KerasWeightTarget[]) {
    super();
    this.modelName = modelName;
    this.nodes = nodes;
    this.inputNames = inputNames;
    this.outputNames = outputNames;
    this.weightTargets = weightTargets;
    this.releaseAfter = releaseSchedule(nodes, outputNames);
    for (const node of nodes) {
      if (!node.module) continue;
      if (node.name in this || node.name.includes('.')) {
        const why = node.name.includes('.') ? 'contains a dot' : 'clashes with a Module property';
        throw new Error(`KerasModel '${modelName}': layer name '${node.name}' ${why}; rename the layer in the topology`);
      }
      (this as unknown as Record<string, Module>)[node.name] = node.module;
    }
  }

  /** The module of the Keras layer with this name. */
  layer(name: string): Module {
    const node = this.nodes.find((n) => n.name === name);
    if (!node?.module) {
      const known = this.nodes.filter((n) => n.module).map((n) => n.name);
      throw new Error(`KerasModel.layer: no layer named '${name}' (input layers have no module); layers: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}`);
    }
    return node.module;
  }

  /** Run the graph on one tensor per model input and return every model output, in output_layers order. */
  forwardAll(...inputs: Tensor[]): Tensor[] {
    this.checkInputs(inputs);
    const values = new Map<string, Tensor>();
    this.inputNames.forEach((name, i) => values.set(name, inputs[i]));
    this.nodes.forEach((node, i) => {
      if (node.module) values.set(node.name, node.module.forward(...node.inbound.map((n) => values.get(n) as Tensor)));
      for (const done of this.releaseAfter[i]) values.delete(done);
    });
    return this.outputNames.map((n) => values.get(n) as Tensor);
  }

  /**
   * The graph up to and including layer `name`, with that layer as the only output: the layers after it
   * never run (feature extraction; heads that need a fixed input size are left out). Shares the modules.
   */
  upTo(name: string): KerasModel {
    const last = this.nodes.findIndex((n) => n.name === name);
    if (last < 0) throw new Error(`KerasModel.upTo: no layer named '${name}' in '${this.modelName}'`);
    const nodes = this.nodes.slice(0, last + 1);
    const kept = new Set(nodes.map((n) => n.name));
    const inputs = this.inputNames.filter((n) => kept.has(n));
    return new KerasModel(this.modelName, [...nodes], inputs, [name], this.weightTargets.filter((t) => kept.has(t.layer)));
  }

  /** The model's output, for models with one output (use forwardAll for several). */
  forward(...inputs: Tensor[]): Tensor {
    if (this.outputNames.length !== 1) {
      throw new Error(`KerasModel '${this.modelName}': forward returns one output but the model has ${this.outputNames.length} (${this.outputNames.join(', ')}); use forwardAll`);
    }
    return this.forwardAll(...inputs)[0];
  }

  private checkInputs(inputs: Tensor[]): void {
    if (inputs.length !== this.inputNames.length) {
      throw new Error(`KerasModel '${this.modelName}': expected ${this.inputNames.length} input(s) (${this.inputNames.join(', ')}), got ${inputs.length}`);
    }
    inputs.forEach((x, i) => {
      const expected = this.nodes.find((n) => n.name === this.inputNames[i])!.outputShape;
      const channels = expected[expected.length - 1];
      if (x.ndim !== expected.length + 1 || (channels !== null && x.shape[x.ndim - 1] !== channels)) {
        const want = `[batch, ${expected.map((d) => d ?? 'any').join(', ')}]`;
        throw new Error(`KerasModel '${this.modelName}': input '${this.inputNames[i]}' has shape ${formatShape(x.shape)}; the topology expects ${want} (channels last)`);
      }
    });
  }

  override extraRepr(): string {
    return `'${this.modelName}', ${this.nodes.length} layers`;
  }
}

/** After which node each intermediate output can be dropped (its last reader), so memory stays bounded. */
function releaseSchedule(nodes: readonly KerasGraphNode[], outputNames: readonly string[]): string[][] {
  const lastUse = new Map<string, number>();
  nodes.forEach((node, i) => node.inbound.forEach((n) => lastUse.set(n, i)));
  const schedule: string[][] = nodes.map(() => []);
  for (const [name, i] of lastUse) if (!outputNames.includes(name)) schedule[i].push(name);
  return schedule;
}
