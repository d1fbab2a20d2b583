// Model summary: each layer's output shape, parameter count and multiply-accumulates (MACs), found by one
// forward pass on a shape-only input of batch 1 (no values: every op only infers its output's shape, so no
// activation is allocated and no kernel runs, whatever the input size) with forward hooks on the layers.
// The result is plain data (JSON as it is); formatSummary() prints it as a Keras-like table.
import { Tensor } from '../tensor/tensor.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { Module } from './module.js';
import { Conv2d, ConvTranspose2d, Linear } from './layers.js';

export interface LayerSummary {
  /** Dotted name from namedModules() ('' for the model itself). */
  name: string;
  type: string;
  /** Output shape per sample (batch dimension left out); one shape per tensor for modules returning several. */
  outputShape: number[] | number[][] | null;
  /** Parameters the module owns directly, counted at its first call only (a module called twice shares them). */
  params: number;
  trainableParams: number;
  /** Multiply-accumulates per sample for this call. */
  macs: number;
}

export interface ModelSummary {
  /** Per-sample input shape, e.g. [H, W, C]. */
  inputShape: number[];
  /** One row per call of a leaf module (or of a module owning parameters directly), in call order. */
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  totalMacs: number;
}

/** Multiply-accumulates per sample of one call, from the module, its output and its inputs (batch 1). */
export type MacCounter<M extends Module = Module> = (module: M, output: Tensor, inputs: readonly unknown[]) => number;

const macCounters = new Map<abstract new (...args: never[]) => Module, MacCounter>();

/** Teach summary() the MACs of a layer type (subclasses inherit it). Layers without a counter count 0. */
export function registerMacCounter<M extends Module>(type: abstract new (...args: never[]) => M, counter: MacCounter<M>): void {
  macCounters.set(type, counter as MacCounter);
}

// Conv2d: outH * outW * outC * kH * kW * (inC / groups), i.e. per output value one MAC per weight of its filter.
// Bias additions are not multiply-accumulates and are left out (the texts' convention).
registerMacCounter(Conv2d, (m, out) => perSample(out) * (m.weight.size / m.outChannels));
// ConvTranspose2d: the MACs of the convolution it transposes, inH * inW * inC * (outC / groups) * kH * kW: every
// input value is multiplied by each weight of its group's filters once (the weight holds kH * kW * outC/groups * inC).
registerMacCounter(ConvTranspose2d, (m, _out, [x]) => (x instanceof Tensor ? perSample(x) / m.inChannels : 0) * m.weight.size);
// Linear: inFeatures * outFeatures per row; bias additions left out as for Conv2d.
registerMacCounter(Linear, (m, out) => perSample(out) * m.inFeatures);

function perSample(t: Tensor): number {
  return t.size / t.shape[0];
}

function macCounterFor(module: Module): MacCounter | undefined {
  for (let proto = Object.getPrototypeOf(module); proto && proto !== Module.prototype; proto = Object.getPrototypeOf(proto)) {
    const counter = macCounters.get(proto.constructor);
    if (counter) return counter;
  }
  return undefined;
}

/**
 * Summarise `model` on one sample of `inputShape` ([H, W, C] for images, [features] for a dense model; batch 1
 * is prepended). Runs in eval mode (the inference graph); modes are restored afterwards. The model may have
 * real parameters or shape-only ones (built inside buildShapeOnly(), which allocates no weights either).
 */
export function summary(model: Module, inputShape: readonly number[]): ModelSummary {
  if (!(model instanceof Module)) throw new Error(`summary: expected a Module, got ${String(model)}`);
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`summary: inputShape must be a non-empty list of positive integers such as [28, 28, 1] (H, W, C), got ${JSON.stringify(inputShape)}`);
  }
  const layers: LayerSummary[] = [];
  const counted = new Set<Module>();
  const removers = modulesToReport(model).map(([name, module, ownParams]) =>
    module.registerForwardHook((_m, inputs, output) => {
      const first = !counted.has(module);
      counted.add(module);
      const counter = macCounterFor(module);
      layers.push({
        name,
        type: module.constructor.name,
        outputShape: outputShapeOf(output),
        params: first ? ownParams.reduce((n, p) => n + p.size, 0) : 0,
        trainableParams: first ? ownParams.reduce((n, p) => n + (p.requiresGrad ? p.size : 0), 0) : 0,
        macs: counter && output instanceof Tensor ? counter(module, output, inputs) : 0,
      });
    }),
  );
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    model.forward(shapeOnly([1, ...inputShape]));
  } catch (e) {
    throw new Error(`summary: the forward pass of ${model.constructor.name} on input 1x${inputShape.join('x')} failed: ${(e as Error).message}`);
  } finally {
    removers.forEach((remove) => remove());
    for (const [m, training] of modes) m.training = training;
  }
  const totalParams = model.numParameters();
  const trainableParams = model.numParameters(true);
  for (const layer of layers) checkCount(layer.macs, `layer '${layer.name}' (${layer.type}) has`, 'MACs', inputShape);
  const totalMacs = layers.reduce((n, l) => n + l.macs, 0);
  checkCount(totalMacs, `${model.constructor.name} has`, 'MACs', inputShape);
  checkCount(totalParams, `${model.constructor.name} has`, 'parameters', inputShape);
  return {
    inputShape: [...inputShape],
    layers,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    totalMacs,
  };
}

/** Counts past 2^53 are no longer exact: an error rather than a rounded figure. */
function checkCount(count: number, who: string, what: string, inputShape: readonly number[]): void {
  if (!Number.isSafeInteger(count)) {
    throw new Error(
      `summary: ${who} ${count.toExponential(3)} ${what} for input ${inputShape.join('x')}, more than a count holds exactly ` +
        '(2^53 - 1, about 9.007e15): summarise a smaller input',
    );
  }
}

/** Leaf modules, and containers that own parameters directly, with those parameters. */
function modulesToReport(model: Module): Array<[string, Module, Tensor[]]> {
  const out: Array<[string, Module, Tensor[]]> = [];
  for (const [name, module] of model.namedModules()) {
    const children = module.children();
    const inChildren = new Set(children.flatMap((c) => c.parameters()));
    const own = module.parameters().filter((p) => !inChildren.has(p));
    if (children.length === 0 || own.length > 0) out.push([name, module, own]);
  }
  return out;
}

function outputShapeOf(output: unknown): number[] | number[][] | null {
  if (output instanceof Tensor) return output.shape.slice(1);
  if (Array.isArray(output) && output.length > 0 && output.every((o) => o instanceof Tensor)) return output.map((o: Tensor) => o.shape.slice(1));
  return null;
}

/** A Keras-like table: layer (type), output shape, params, MACs, then the totals, with thousands separators. */
export function formatSummary(result: ModelSummary): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const header = ['Layer (type)', 'Output shape', 'Params', 'MACs'];
  const rows = result.layers.map((l) => [l.name ? `${l.name} (${l.type})` : l.type, formatOutputShape(l.outputShape), n(l.params), n(l.macs)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ').trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  return [
    `Input: ${result.inputShape.join('x')} (batch 1)`,
    '_'.repeat(total),
    line(header),
    '='.repeat(total),
    ...rows.map(line),
    '='.repeat(total),
    `Total params: ${n(result.totalParams)}`,
    `Trainable params: ${n(result.trainableParams)}`,
    `Non-trainable params: ${n(result.nonTrainableParams)}`,
    `Total MACs: ${n(result.totalMacs)}${result.totalMacs >= 1000 ? ` (${humanCount(result.totalMacs)})` : ''}`,
  ].join('\n');
}

function formatOutputShape(shape: number[] | number[][] | null): string {
  if (shape === null) return '-';
  const one = (s: number[]): string => (s.length ? s.join('x') : 'scalar');
  return shape.length > 0 && Array.isArray(shape[0]) ? (shape as number[][]).map(one).join(', ') : one(shape as number[]);
}

function humanCount(v: number): string {
  const units: Array<[number, string]> = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  const [scale, unit] = units.find(([s]) => v >= s)!;
  return `${(v / scale).toPrecision(3)} ${unit}`;
}
