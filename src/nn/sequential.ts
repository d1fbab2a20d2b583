import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** Runs its children, each one tensor in and one out, in order. Children are named '0', '1', ... or by the keys of an object. */
export class Sequential extends Module {
  constructor(...layers: Module[] | [Record<string, Module>]) {
    super();
    const named =
      layers.length === 1 && !(layers[0] instanceof Module)
        ? Object.entries(layers[0] as Record<string, Module>)
        : (layers as Module[]).map((m, i) => [String(i), m] as const);
    for (const [name, m] of named) {
      if (!(m instanceof Module)) throw new Error(`Sequential: child '${name}' is not a Module`);
      (this as unknown as Record<string, Module>)[name] = m;
    }
  }

  /** Append a layer named by its position. */
  add(layer: Module, name?: string): this {
    (this as unknown as Record<string, Module>)[name ?? String(this.children().length)] = layer;
    return this;
  }

  get length(): number {
    return this.children().length;
  }

  /** The i-th child. */
  at(i: number): Module {
    const c = this.children();
    const m = c[i < 0 ? c.length + i : i];
    if (!m) throw new Error(`Sequential.at: index ${i} out of range for ${c.length} layers`);
    return m;
  }

  forward(x: Tensor): Tensor {
    for (const layer of this.children() as Module[]) x = layer.forward(x);
    return x;
  }
}
