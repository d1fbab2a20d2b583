// receptiveField: the window of input pixels that one unit of a named layer sees, from the layers' kernel,
// stride, padding and dilation (Araujo, Norris & Sim, Distill 2019). The model runs once on a zero input with
// hooks on its windowed layers; the autograd graph links them, so branches, residual additions and
// concatenations are followed, and a unit's window is the union over the paths that reach it.
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { enableGrad } from '../autograd/grad-mode.js';
import type { AnyModule } from '../nn/module.js';
import { Conv2d, MaxPool2d, AvgPool2d, SumPool2d, GlobalAvgPool2d, ZeroPad2d, ReflectionPad2d, ReplicationPad2d } from '../nn/layers.js';
import { conv2dParams } from '../ops/conv.js';
import { pool2dParams } from '../ops/pool.js';
import { formatShape } from '../tensor/shape.js';

/** Per axis [height, width]. */
export interface ReceptiveField {
  /** Input pixels across one unit's window. */
  size: [number, number];
  /** Input pixels between neighbouring units (the product of the strides): the "jump". */
  stride: [number, number];
  /** Input coordinate of the first pixel of unit (0, 0)'s window; negative where padding reaches outside. */
  offset: [number, number];
  /** Input coordinate of the centre of unit (0, 0)'s window (offset + (size - 1) / 2). */
  center: [number, number];
}

/** One axis: unit i sees input pixels [offset + i * jump, offset + i * jump + size - 1]. */
interface Axis {
  size: number;
  jump: number;
  offset: number;
}
type Field = [Axis, Axis];

/** A windowed layer as it ran: kernel extent (dilated), stride and the padding before, per axis. */
interface Window {
  extent: [number, number];
  stride: [number, number];
  padBefore: [number, number];
}

/** The window of a layer on an input of this shape, or null for a layer that does not change geometry. */
function windowOf(m: AnyModule, inputShape: readonly number[]): Window | 'global' | null {
  if (m instanceof Conv2d) {
    const p = conv2dParams(inputShape, m.weight.shape, m.options, 'receptiveField');
    return { extent: [(p.kH - 1) * p.dilationH + 1, (p.kW - 1) * p.dilationW + 1], stride: [p.strideH, p.strideW], padBefore: [p.padTop, p.padLeft] };
  }
  if (m instanceof MaxPool2d || m instanceof AvgPool2d || m instanceof SumPool2d) {
    const p = pool2dParams(inputShape, m.kernelSize, m.options, 'receptiveField');
    return { extent: [p.kH, p.kW], stride: [p.strideH, p.strideW], padBefore: [p.padTop, p.padLeft] };
  }
  if (m instanceof ZeroPad2d || m instanceof ReflectionPad2d || m instanceof ReplicationPad2d) {
    return { extent: [1, 1], stride: [1, 1], padBefore: [m.padding[0], m.padding[2]] };
  }
  if (m instanceof GlobalAvgPool2d) return 'global';
  return null;
}

function through(f: Field, w: Window): Field {
  return f.map((a, i) => ({
    size: a.size + (w.extent[i] - 1) * a.jump,
    jump: a.jump * w.stride[i],
    offset: a.offset - w.padBefore[i] * a.jump,
  })) as Field;
}

function union(where: string, fields: Field[]): Field {
  return [0, 1].map((i) => {
    const axes = fields.map((f) => f[i]);
    if (axes.some((a) => a.jump !== axes[0].jump)) {
      throw new Error(`receptiveField: paths meeting at ${where} have different strides (${axes.map((a) => a.jump).join(' vs ')}); their units do not line up`);
    }
    const lo = Math.min(...axes.map((a) => a.offset));
    const hi = Math.max(...axes.map((a) => a.offset + a.size - 1));
    return { size: hi - lo + 1, jump: axes[0].jump, offset: lo };
  }) as Field;
}

/** Ops that move pixels; inside a model they must come from a layer module so their geometry can be read. */
const GEOMETRIC_OPS = new Set(['conv2d', 'maxPool2d', 'avgPool2d', 'sumPool2d', 'pad', 'interpolate', 'convTranspose2d', 'slice']);

/**
 * The receptive field of one unit of `layerName` (a name from model.namedModules()) for an input of shape
 * `inputShape` ([H, W, C] or [1, H, W, C]).
 */
export function receptiveField(model: AnyModule, layerName: string, inputShape: readonly number[]): ReceptiveField {
  const shape = inputShape.length === 3 ? [1, ...inputShape] : [...inputShape];
  if (shape.length !== 4 || shape[0] !== 1 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`receptiveField: inputShape must be [H, W, C] or [1, H, W, C] of positive integers, got ${formatShape(inputShape)}`);
  }
  const modules = new Map(model.namedModules());
  const target = modules.get(layerName);
  if (!target || layerName === '') {
    const known = [...modules.keys()].filter(Boolean).slice(0, 30).join(', ');
    throw new Error(`receptiveField: no layer named '${layerName}'; layers include: ${known}`);
  }
  // Each windowed layer's output -> its input tensor and window, recorded as the model runs.
  const windowed = new Map<Tensor, { input: Tensor; window: Window | 'global'; name: string }>();
  const captured: { output: Tensor | null } = { output: null };
  const removers = [...modules].map(([name, m]) =>
    m.registerForwardHook((_m, inputs, out) => {
      if (m === target) captured.output = out as Tensor;
      const input = inputs[0] as Tensor;
      const w = input instanceof Tensor ? windowOf(m, input.shape) : null;
      if (w) windowed.set(out as Tensor, { input, window: w, name });
    }),
  );
  const x = zeros(shape).requiresGrad_();
  try {
    enableGrad(() => model.forward(x));
  } finally {
    removers.forEach((r) => r());
  }
  const targetOutput = captured.output;
  if (!(targetOutput instanceof Tensor) || targetOutput.ndim !== 4) {
    const got = targetOutput instanceof Tensor ? formatShape(targetOutput.shape) : 'nothing';
    throw new Error(`receptiveField: layer '${layerName}' gave ${got}; it needs a feature map [1, H, W, C]`);
  }

  const memo = new Map<Tensor, Field | null>();
  const fieldOf = (t: Tensor): Field | null => {
    if (t === x) return [{ size: 1, jump: 1, offset: 0 }, { size: 1, jump: 1, offset: 0 }];
    if (memo.has(t)) return memo.get(t)!;
    let field: Field | null;
    const layer = windowed.get(t);
    if (layer) {
      const from = fieldOf(layer.input);
      if (from && layer.window === 'global') {
        const [, h, w] = layer.input.shape;
        field = from.map((a, i) => ({ size: a.size + ((i === 0 ? h : w) - 1) * a.jump, jump: a.jump, offset: a.offset })) as Field;
      } else field = from && through(from, layer.window as Window);
    } else if (!t.node) {
      field = null; // a parameter or constant: not derived from the input
    } else {
      if (GEOMETRIC_OPS.has(t.node.op)) {
        throw new Error(`receptiveField: the model applies '${t.node.op}' outside a layer module (a functional call in forward); its window cannot be read`);
      }
      const inputs = t.node.inputs.map(fieldOf).filter((f): f is Field => f !== null);
      field = inputs.length === 0 ? null : inputs.length === 1 ? inputs[0] : union(`'${t.node.op}'`, inputs);
    }
    memo.set(t, field);
    return field;
  };
  const field = fieldOf(targetOutput);
  if (!field) throw new Error(`receptiveField: layer '${layerName}' does not depend on the input`);
  return {
    size: [field[0].size, field[1].size],
    stride: [field[0].jump, field[1].jump],
    offset: [field[0].offset, field[1].offset],
    center: [field[0].offset + (field[0].size - 1) / 2, field[1].offset + (field[1].size - 1) / 2],
  };
}
