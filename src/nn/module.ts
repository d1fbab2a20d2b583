// Module: the base of every layer and model. Parameters and child modules are found from the object's own
// properties (like PyTorch's attribute registration), in definition order, so a layer just assigns
// `this.weight = new Parameter(...)` and `this.conv1 = new Conv2d(...)`. Buffers (running statistics) are
// registered explicitly because not every tensor field is state.
// Module<In, Out> types forward's arguments and result: the default (tensors in, one tensor out) is every
// layer's; a multi-scale backbone is a Module<[Tensor], { p3: Tensor; p4: Tensor }>, a detection head a
// Module<[Tensor], [boxes: Tensor, scores: Tensor]>. Sequential only takes single-output children.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Parameter } from './parameter.js';

/**
 * Any module, whatever its inputs and outputs: what containers, hooks and state-dict helpers hold. `any`, not
 * unknown, so that every Module<In, Out> is one and one passes where a plain Module is expected.
 */
export type AnyModule = Module<any[], any>;
export type ForwardHook = (module: AnyModule, inputs: unknown[], output: unknown) => void;
export type StateDict = Record<string, Tensor>;
export type NamePattern = string | RegExp;

export abstract class Module<In extends unknown[] = Tensor[], Out = Tensor> {
  /** Training mode: dropout active, batch norm uses batch statistics. */
  training = true;
  private readonly buffersByName = new Map<string, Tensor>();
  private readonly forwardHooks = new Set<ForwardHook>();

  constructor() {
    // Wrap the subclass's forward so hooks run however the module is called.
    const forward = this.forward;
    Object.defineProperty(this, 'forward', {
      value: (...args: unknown[]) => {
        const out = forward.apply(this, args as never);
        for (const hook of this.forwardHooks) hook(this, args, out);
        return out;
      },
      enumerable: false,
      writable: true,
    });
  }

  abstract forward(...inputs: In): Out;

  /** Print-only description of the non-default settings, as in PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** Register a non-learnable tensor that belongs to the state (saved and loaded, moved by train/eval). */
  registerBuffer(name: string, tensor: Tensor): void {
    this.buffersByName.set(name, tensor);
  }

  /** Call hook(module, inputs, output) after every forward; returns a function that removes it. */
  registerForwardHook(hook: ForwardHook): () => void {
    this.forwardHooks.add(hook);
    return () => this.forwardHooks.delete(hook);
  }

  /** Whether forward hooks are registered (a fused forward would skip them). */
  hasForwardHooks(): boolean {
    return this.forwardHooks.size > 0;
  }

  /**
   * A forward that also applies `next` (the module after this one in a Sequential) as one fused op, or
   * null where this module cannot absorb it. It must give exactly next.forward(this.forward(x)); Sequential
   * uses it only when neither module has forward hooks.
   */
  fuseWith(_next: Module): ((x: Tensor) => Tensor) | null {
    return null;
  }

  /**
   * next.forward(this.forward(x)), as one fused op where this module can absorb next and neither has forward
   * hooks (which must see the intermediate). For models that chain layers by hand (a ResNet block).
   */
  forwardThen(next: Module, x: Tensor): Tensor {
    const self = this as unknown as Module; // only single-tensor modules chain this way
    const fused = fusedPair(self, next);
    return fused ? fused(x) : next.forward(self.forward(x));
  }

  /** Direct children, named by property (arrays of modules are named prop.0, prop.1, ...). */
  namedChildren(): Array<[string, AnyModule]> {
    const out: Array<[string, AnyModule]> = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module) out.push([`${key}.${i}`, v]);
        });
      }
    }
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all descendants with dotted names ('' for this one). */
  namedModules(prefix = ''): Array<[string, AnyModule]> {
    const out: Array<[string, AnyModule]> = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** Parameters owned directly by this module (not by children). */
  private ownParameters(): Array<[string, Parameter]> {
    return Object.entries(this).filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  /** All parameters with dotted names (e.g. 'features.0.weight'), each once. */
  namedParameters(): Array<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const out: Array<[string, Parameter]> = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.buffersByName) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  /** Total number of parameter values (trainable and frozen). */
  numParameters(onlyTrainable = false): number {
    return this.parameters().reduce((n, p) => n + (onlyTrainable && !p.requiresGrad ? 0 : p.size), 0);
  }

  /** Set training mode on this module and all descendants. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Stop (or resume) gradients for parameters whose names match: '*' wildcards, a prefix, or a RegExp. */
  freeze(pattern: NamePattern = '*', frozen = true): this {
    const match = compilePattern(pattern);
    for (const [name, p] of this.namedParameters()) {
      if (match(name)) {
        p.requiresGrad = !frozen;
        if (frozen) p.grad = null;
      }
    }
    return this;
  }

  unfreeze(pattern: NamePattern = '*'): this {
    return this.freeze(pattern, false);
  }

  /** Parameters and buffers by dotted name. The tensors are the live ones: clone to snapshot. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.namedParameters()) out[name] = p;
    for (const [name, b] of this.namedBuffers()) out[name] = b;
    return out;
  }

  /**
   * Copy values from a state dict into this module's tensors. With strict (default), missing and
   * unexpected names are errors; shape mismatches always are. Every problem is reported at once and
   * nothing is changed unless all checks pass.
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): { missing: string[]; unexpected: string[] } {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    const problems: string[] = [];
    for (const [name, t] of Object.entries(own)) {
      const src = state[name];
      if (src && !shapesEqual(src.shape, t.shape)) {
        problems.push(`shape of '${name}': checkpoint has ${formatShape(src.shape)}, model has ${formatShape(t.shape)}`);
      }
    }
    if (strict && missing.length) problems.push(`missing from the state dict: ${missing.join(', ')}`);
    if (strict && unexpected.length) problems.push(`not in the model: ${unexpected.join(', ')}`);
    if (problems.length) {
      throw new Error(`loadStateDict (${this.constructor.name}): ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    }
    for (const [name, t] of Object.entries(own)) if (state[name]) t.copy_(state[name]);
    return { missing, unexpected };
  }

  /** A PyTorch-style tree of the modules with their settings. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.toString().replace(/\n/g, '\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

function compilePattern(pattern: NamePattern): (name: string) => boolean {
  if (pattern instanceof RegExp) return (name) => pattern.test(name);
  if (pattern.includes('*')) {
    const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    return (name) => re.test(name);
  }
  // A plain name matches itself and everything under it ('features' matches 'features.0.weight').
  return (name) => name === pattern || name.startsWith(pattern + '.');
}

/** first.fuseWith(next) where neither module has forward hooks, else null. */
export function fusedPair(first: Module, next: Module): ((x: Tensor) => Tensor) | null {
  return first.hasForwardHooks() || next.hasForwardHooks() ? null : first.fuseWith(next);
}
