import type { Tensor } from '../tensor/tensor.js';
import { Module, fusedPair } from './module.js';

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

  /**
   * Runs the children in order. A child that can absorb the next one (a Conv2d followed by a ReLU) runs
   * both as one fused op, with identical results, unless either has forward hooks (which then see the
   * unfused intermediate).
   */
  forward(x: Tensor): Tensor {
    const layers = this.children() as Module[];
    for (let i = 0; i < layers.length; i++) {
      const next = layers[i + 1];
      const fused = next ? fusedPair(layers[i], next) : null;
      if (fused) {
        x = fused(x);
        i++;
      } else {
        x = layers[i].forward(x);
      }
    }
    return x;
  }
}
