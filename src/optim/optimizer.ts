// Optimizer: the state holder shared by SGD, Adam, AdamW and RMSprop. It owns parameter groups (each with its
// own hyper-parameters, as in PyTorch) and per-parameter state; the update maths lives in a pure function per
// optimiser that works on typed arrays in place.
import { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';

/** Hyper-parameters every optimiser has; schedulers change `lr`. */
export interface BaseHyperParams {
  lr: number;
}

/** A group of parameters sharing hyper-parameters. */
export type ParamGroup<H> = H & { params: Tensor[] };

/** What a user passes for one group: the parameters plus any hyper-parameters that differ from the defaults. */
export type ParamGroupInput<H> = { params: Iterable<Tensor> } & Partial<H>;

/** `model.parameters()` or a list of groups `[{ params, lr }, ...]`. */
export type OptimizerParams<H> = Iterable<Tensor> | ReadonlyArray<ParamGroupInput<H>>;

/** Per-parameter state: tensors (buffers the size of the parameter) and scalars (step counts). */
export type ParamState = Record<string, Tensor | number | undefined>;

/** A serialisable snapshot: state tensors by `${paramIndex}.${name}`, everything else as JSON-able meta. */
export interface OptimizerStateDict {
  tensors: Record<string, Tensor>;
  meta: OptimizerMeta;
}

export interface OptimizerMeta {
  optimizer: string;
  /** Hyper-parameters per group, with the indices of its parameters (numbered across groups in order). */
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
  /** Scalar state per parameter index, e.g. { '0': { step: 3 } }. */
  state: Record<string, Record<string, number>>;
}

/** What a subclass declares about itself. */
export interface OptimizerSpec<H> {
  /** Stored in state dicts (not taken from the class name, which bundlers mangle). */
  name: string;
  /** Every option with its default value; other option names are rejected. */
  defaults: H;
  /** Names of the tensors in a parameter's state, and of its numbers, for state dict checks. */
  stateTensors: readonly string[];
  stateScalars: readonly string[];
}

export abstract class Optimizer<H extends BaseHyperParams, S extends ParamState = ParamState> {
  readonly name: string;
  /** The hyper-parameters a new group starts from (the spec's defaults overridden by the user's options). */
  readonly defaults: Readonly<H>;
  readonly paramGroups: Array<ParamGroup<H>> = [];
  protected readonly state = new Map<Tensor, S>();
  private readonly spec: OptimizerSpec<H>;

  /** `options` are the user's defaults for every group; the spec says what the subclass accepts. */
  protected constructor(params: OptimizerParams<H>, options: Partial<H>, spec: OptimizerSpec<H>) {
    this.name = spec.name;
    this.spec = spec;
    this.checkOptionNames(options);
    this.defaults = { ...spec.defaults, ...definedOnly(options) };
    const groups = toGroupInputs(params, this.name);
    if (groups.length === 0) throw new Error(`${this.name}: got an empty parameter list (pass model.parameters())`);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Check one group's hyper-parameters; throw an error naming the optimiser, the value and the valid range. */
  protected abstract validate(hyper: H): void;

  /** Update one parameter in place from its gradient (same number of values, checked by step()). */
  protected abstract updateParameter(param: Tensor, grad: Tensor, state: S, group: ParamGroup<H>): void;

  /** Add a group (e.g. a new head's parameters during fine-tuning); unset hyper-parameters take the defaults. */
  addParamGroup(input: ParamGroupInput<H>): void {
    const { params: given, ...overrides } = input;
    const params = [...given];
    if (params.length === 0) throw new Error(`${this.name}.addParamGroup: the group has no parameters`);
    const already = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${this.name}: params[${i}] is not a Tensor (got ${describeValue(p)})`);
      if (p.dtype === 'int32') throw new Error(`${this.name}: params[${i}] is int32; only float tensors can be optimised`);
      if (already.has(p)) throw new Error(`${this.name}: params[${i}] ${formatShape(p.shape)} already belongs to another parameter group`);
    });
    if (new Set(params).size !== params.length) throw new Error(`${this.name}: a parameter group lists the same parameter twice`);
    this.checkOptionNames(overrides);
    const group = { ...this.defaults, ...definedOnly(overrides), params } as ParamGroup<H>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  private checkOptionNames(options: object): void {
    const unknown = Object.keys(options).filter((k) => !(k in this.spec.defaults));
    if (unknown.length) {
      throw new Error(`${this.name}: unknown option(s) ${unknown.join(', ')}; valid: ${Object.keys(this.spec.defaults).join(', ')}`);
    }
  }

  /** Forget all gradients (sets them to null, like PyTorch's default set_to_none). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /**
   * One update of every parameter that has a gradient. Frozen parameters (requiresGrad false) and parameters
   * without a gradient are left alone, and get no state.
   */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.requiresGrad || p.grad === null) continue;
          if (p.grad.size !== p.size) {
            throw new Error(`${this.name}.step: gradient ${formatShape(p.grad.shape)} does not match parameter ${formatShape(p.shape)}`);
          }
          this.updateParameter(p, p.grad, this.stateOf(p), group);
        }
      }
    });
  }

  /** The state of `param`, empty until its first update. */
  private stateOf(param: Tensor): S {
    let s = this.state.get(param);
    if (!s) {
      s = {} as S;
      this.state.set(param, s);
    }
    return s;
  }

  /** The state tensor `name` of `param`, created as zeros the first time it is asked for. */
  protected stateTensor(state: S, name: string, param: Tensor): Tensor {
    let t = state[name];
    if (!(t instanceof Tensor)) {
      t = zerosLike(param);
      (state as ParamState)[name] = t;
    }
    return t;
  }

  /** A snapshot (copies) of the hyper-parameters and state, for checkpoints. */
  stateDict(): OptimizerStateDict {
    const tensors: Record<string, Tensor> = {};
    const meta: OptimizerMeta = { optimizer: this.name, paramGroups: [], state: {} };
    let index = 0;
    for (const group of this.paramGroups) {
      const { params, ...hyper } = group;
      const indices: number[] = [];
      for (const p of params) {
        const s = this.state.get(p);
        if (s) {
          const scalars: Record<string, number> = {};
          for (const [key, value] of Object.entries(s)) {
            if (value instanceof Tensor) tensors[`${index}.${key}`] = value.clone();
            else if (typeof value === 'number') scalars[key] = value;
          }
          if (Object.keys(scalars).length) meta.state[index] = scalars;
        }
        indices.push(index++);
      }
      meta.paramGroups.push({ ...structuredClone(hyper), params: indices });
    }
    return { tensors, meta };
  }

  /**
   * Restore hyper-parameters and state saved by stateDict() from an optimiser of the same kind over parameters
   * of the same shapes, grouped the same way. Every problem is reported at once; nothing changes unless all
   * checks pass. The tensors are copied, so the state dict can be reused.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    const { tensors, meta } = stateDict ?? ({} as OptimizerStateDict);
    if (!meta || typeof meta !== 'object' || !Array.isArray(meta.paramGroups) || typeof meta.state !== 'object' || !tensors) {
      throw new Error(`${where}: expected { tensors, meta: { optimizer, paramGroups, state } } as made by stateDict()`);
    }
    if (meta.optimizer !== this.name) throw new Error(`${where}: the state dict is from ${String(meta.optimizer)}, not ${this.name}`);
    const problems: string[] = [];
    const params = this.paramGroups.flatMap((g) => g.params);
    if (meta.paramGroups.length !== this.paramGroups.length) {
      problems.push(`${meta.paramGroups.length} parameter group(s) saved, ${this.paramGroups.length} in this optimiser`);
    }
    const newHyper: H[] = [];
    meta.paramGroups.forEach((saved, gi) => {
      const own = this.paramGroups[gi];
      if (!own) return;
      if (saved === null || typeof saved !== 'object') {
        problems.push(`group ${gi}: expected an object of hyper-parameters, got ${describeValue(saved)}`);
        return;
      }
      const { params: savedIndices, ...hyper } = saved;
      if (!Array.isArray(savedIndices) || savedIndices.length !== own.params.length) {
        problems.push(`group ${gi}: ${Array.isArray(savedIndices) ? savedIndices.length : 'no'} parameters saved, ${own.params.length} in this optimiser`);
      }
      const keys = Object.keys(hyper);
      const missing = Object.keys(this.defaults).filter((k) => !keys.includes(k));
      const unknown = keys.filter((k) => !(k in this.defaults));
      if (missing.length) problems.push(`group ${gi}: missing hyper-parameter(s) ${missing.join(', ')}`);
      if (unknown.length) problems.push(`group ${gi}: unknown hyper-parameter(s) ${unknown.join(', ')}`);
      try {
        this.validate(hyper as unknown as H);
      } catch (e) {
        problems.push(`group ${gi}: ${(e as Error).message}`);
      }
      newHyper.push(structuredClone(hyper) as unknown as H);
    });
    const parsedTensors: Array<[number, string, Tensor]> = [];
    for (const [key, t] of Object.entries(tensors)) {
      const match = /^(\d+)\.(\w+)$/.exec(key);
      const index = match ? Number(match[1]) : -1;
      if (!match || index >= params.length) {
        problems.push(`tensor '${key}': expected '<parameter index 0..${params.length - 1}>.<${this.spec.stateTensors.join('|')}>'`);
      } else if (!this.spec.stateTensors.includes(match[2])) {
        problems.push(`tensor '${key}': unknown state '${match[2]}', valid: ${this.spec.stateTensors.join(', ')}`);
      } else if (!(t instanceof Tensor) || !shapesEqual(t.shape, params[index].shape)) {
        const got = t instanceof Tensor ? formatShape(t.shape) : describeValue(t);
        problems.push(`tensor '${key}': saved ${got}, parameter ${index} has shape ${formatShape(params[index].shape)}`);
      } else parsedTensors.push([index, match[2], t]);
    }
    for (const [key, scalars] of Object.entries(meta.state)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= params.length) {
        problems.push(`state of parameter '${key}': no such parameter (0..${params.length - 1})`);
        continue;
      }
      for (const [name, value] of Object.entries(scalars ?? {})) {
        if (!this.spec.stateScalars.includes(name)) problems.push(`state '${key}.${name}': unknown, valid: ${this.spec.stateScalars.join(', ') || 'none'}`);
        else if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`state '${key}.${name}': ${describeValue(value)} is not a finite number`);
      }
    }
    if (problems.length) throw new Error(`${where}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);

    this.paramGroups.forEach((group, gi) => Object.assign(group, newHyper[gi]));
    this.state.clear();
    for (const [index, name, t] of parsedTensors) (this.stateOf(params[index]) as ParamState)[name] = zerosLike(params[index]).copy_(t);
    for (const [key, scalars] of Object.entries(meta.state)) Object.assign(this.stateOf(params[Number(key)]), scalars);
  }
}

function toGroupInputs<H>(params: OptimizerParams<H>, name: string): Array<ParamGroupInput<H>> {
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
    throw new Error(`${name}: params must be model.parameters() or a list of groups [{ params, lr }], got ${describeValue(params)}`);
  }
  const items = [...(params as Iterable<unknown>)];
  if (items.length === 0) return [];
  if (items.every((item) => !(item instanceof Tensor) && typeof item === 'object' && item !== null && 'params' in item)) {
    return items as Array<ParamGroupInput<H>>;
  }
  return [{ params: items as Tensor[] } as unknown as ParamGroupInput<H>];
}

/** Options without keys set to undefined, so they do not override the defaults. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}
