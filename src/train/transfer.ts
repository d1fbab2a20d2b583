// Transfer learning: take a trained network, give it a new head for the new task's classes, train the head
// with the body frozen, then optionally unfreeze everything and fine-tune with a lower learning rate.
// Frozen parameters (requiresGrad false) get no update and no gradient: the ops that read only frozen
// tensors record no graph, so a frozen body keeps no activations for backward either.
import { Tensor } from '../tensor/tensor.js';
import { type Batch, type Dataset, type Indices, type Sample, Subset, checkIndex } from '../data/dataset.js';
import type { Module, NamePattern } from '../nn/module.js';
import { BatchNorm2d, Linear } from '../nn/layers.js';
import type { Parameter } from '../nn/parameter.js';
import { Adam } from '../optim/adam.js';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import type { Generator } from '../util/random.js';
import type { Callback } from './callbacks.js';
import { fit } from './fit.js';
import type { History } from './history.js';
import type { Loader } from './loader.js';
import type { AnyOptimizer } from './training-context.js';

/** Where the zoo's models keep their classifier: a Linear, or a Sequential whose last Linear is the head. */
const HEAD_NAMES = ['fc', 'classifier', 'head'] as const;

export interface HeadLayer {
  /** Dotted module name, e.g. 'fc' or 'classifier.fc3'. */
  name: string;
  layer: Linear;
}

/**
 * The final Linear classifier of a model: the module named `head` (a Linear, or a container whose last
 * Linear is taken), or by default the first of 'fc', 'classifier', 'head' that the model has.
 */
export function findHead(model: Module, head?: string): HeadLayer {
  const modules = new Map(model.namedModules());
  const candidates = head === undefined ? HEAD_NAMES.filter((name) => modules.has(name)) : [head];
  for (const name of candidates) {
    const found = modules.get(name);
    if (found instanceof Linear) return { name, layer: found };
    const last = found ? lastLinear(found, name) : undefined;
    if (last) return last;
  }
  const linears = model.namedModules().filter(([, m]) => m instanceof Linear).map(([name]) => name);
  const where = head === undefined ? `it has none of the modules ${HEAD_NAMES.join(', ')} holding a Linear layer` : `'${head}' is not a Linear layer nor holds one`;
  throw new Error(
    `findHead (${model.constructor.name}): ${where}; pass { head } naming its classifier ` +
      (linears.length ? `(its Linear layers: ${linears.join(', ')})` : '(it has no Linear layer)'),
  );
}

function lastLinear(container: Module, prefix: string): HeadLayer | undefined {
  const linears = container.namedModules(prefix).filter((e): e is [string, Linear] => e[1] instanceof Linear);
  const last = linears.at(-1);
  return last && { name: last[0], layer: last[1] };
}

export interface ReplaceHeadOptions {
  /** The classifier to replace (default: found by findHead). */
  head?: string;
  /** Initialises the new head (default: the global generator, see manualSeed). */
  generator?: Generator;
}

/**
 * Swap the model's final Linear for a freshly initialised one with the same input features and numClasses
 * outputs; every other weight is kept. Returns the new head and its name.
 */
export function replaceHead(model: Module, numClasses: number, options: ReplaceHeadOptions = {}): HeadLayer {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`replaceHead: numClasses must be a positive integer, got ${numClasses}`);
  const old = findHead(model, options.head);
  const layer = new Linear(old.layer.inFeatures, numClasses, { bias: old.layer.bias !== null, generator: options.generator });
  setModule(model, old.layer, layer);
  // Models that record their class count (LeNet5 prints it) must not report the old one.
  if (typeof (model as unknown as { numClasses?: unknown }).numClasses === 'number') {
    (model as unknown as { numClasses: number }).numClasses = numClasses;
  }
  return { name: old.name, layer };
}

/** Put `replacement` where `target` sits in the module tree (a property, or an element of an array property). */
function setModule(root: Module, target: Module, replacement: Module): void {
  for (const [, parent] of root.namedModules()) {
    for (const [key, child] of parent.namedChildren()) {
      if (child !== target) continue;
      const fields = parent as unknown as Record<string, unknown>;
      const [property, index] = key.split('.');
      if (index === undefined) fields[property] = replacement;
      else (fields[property] as Module[])[Number(index)] = replacement;
      return;
    }
  }
  throw new Error(`replaceHead: the head is not a child of any module of ${root.constructor.name}`);
}

/**
 * Freeze the parameters matching `pattern` (Module.freeze's patterns: '*' wildcards, a module name and what
 * is under it, or a RegExp). Returns the names it froze, so a pattern that matches nothing can be reported.
 */
export function freezeMatching(model: Module, pattern: NamePattern): string[] {
  const trainable = new Set(trainableParameters(model));
  model.freeze(pattern);
  return model.namedParameters().filter(([, p]) => trainable.has(p) && !p.requiresGrad).map(([name]) => name);
}

/** Freeze everything except the head (default: the classifier findHead finds); returns the frozen names. */
export function freezeFeatures(model: Module, options: { except?: string } = {}): string[] {
  const except = options.except ?? findHead(model).name;
  if (!model.namedModules().some(([name]) => name === except)) {
    throw new Error(`freezeFeatures: ${model.constructor.name} has no module '${except}' to keep trainable`);
  }
  model.freeze('*');
  model.unfreeze(except);
  return model.namedParameters().filter(([, p]) => !p.requiresGrad).map(([name]) => name);
}

/**
 * Make the batch norms whose parameters are all frozen normalise with their running statistics in training
 * too, and leave them unchanged (Keras's rule for a frozen layer; PyTorch users call bn.eval()), so a
 * frozen body does not drift towards the new data. frozen = false lets every batch norm follow train()
 * again. Returns the names of the batch norms it set.
 */
export function freezeBatchNorm(model: Module, frozen = true): string[] {
  const set: string[] = [];
  for (const [name, m] of model.namedModules()) {
    if (!(m instanceof BatchNorm2d)) continue;
    const params = m.parameters();
    const keep = frozen && params.length > 0 && params.every((p) => !p.requiresGrad);
    if (keep) set.push(name);
    m.frozenStatistics = keep;
  }
  return set;
}

/** Parameters that still learn (requiresGrad true). */
export function trainableParameters(model: Module): Parameter[] {
  return model.parameters().filter((p) => p.requiresGrad);
}

export interface PhaseOptions {
  epochs: number;
  lr: number;
  /** Builds the optimiser over the trainable parameters (default Adam). */
  optimizer?: (params: Parameter[], lr: number) => AnyOptimizer;
  /** Builds the learning-rate schedule (default none). */
  scheduler?: (optimizer: AnyOptimizer, epochs: number) => LRScheduler;
  validation?: Loader;
  callbacks?: readonly Callback[];
  seed?: number;
}

/** One fit() over the parameters that are trainable now, with a fresh optimiser (and schedule). */
export async function trainPhase(model: Module, trainLoader: Loader, options: PhaseOptions): Promise<History> {
  const params = trainableParameters(model);
  if (params.length === 0) throw new Error(`trainPhase: every parameter of ${model.constructor.name} is frozen: nothing to train`);
  const optimizer = (options.optimizer ?? defaultOptimizer)(params, options.lr);
  return fit(model, trainLoader, {
    epochs: options.epochs,
    optimizer,
    scheduler: options.scheduler?.(optimizer, options.epochs),
    validation: options.validation,
    callbacks: options.callbacks,
    seed: options.seed,
  });
}

function defaultOptimizer(params: Parameter[], lr: number): AnyOptimizer {
  return new Adam(params, { lr });
}

/** The second phase: unfreeze every parameter and train them all (at a learning rate below the head's). */
export async function fineTune(model: Module, trainLoader: Loader, options: PhaseOptions): Promise<History> {
  model.unfreeze('*');
  freezeBatchNorm(model, false);
  return trainPhase(model, trainLoader, options);
}

export interface TransferTrainingOptions extends Omit<PhaseOptions, 'epochs'> {
  /** Epochs of the first phase: the head (and whatever `freeze` leaves trainable) learns at `lr`. */
  headEpochs: number;
  /** Epochs of the second phase with every parameter trainable (default 0: no fine-tuning). */
  fineTuneEpochs?: number;
  /** Learning rate of the second phase (default lr / 10: small steps keep the pretrained features). */
  fineTuneLr?: number;
  /** What to freeze in the first phase (default: everything but the head; [] freezes nothing). */
  freeze?: readonly NamePattern[];
  /** The head for the default freeze (default: found by findHead). */
  head?: string;
  /** Frozen batch norms keep their running statistics in the first phase (freezeBatchNorm; default true). */
  freezeBatchNorm?: boolean;
}

export interface TransferHistory {
  head: History;
  /** null when fineTuneEpochs is 0. */
  fineTune: History | null;
}

/**
 * The two-phase recipe: train the head on frozen features, then optionally fine-tune all layers at a lower
 * rate. The second phase is seeded seed + 1 so that it does not replay the first phase's batch order.
 */
export async function trainTransfer(model: Module, trainLoader: Loader, options: TransferTrainingOptions): Promise<TransferHistory> {
  const { headEpochs, fineTuneEpochs = 0, fineTuneLr = options.lr / 10, freeze, head: headName, freezeBatchNorm: keepStatistics = true, ...phase } = options;
  if (!Number.isInteger(fineTuneEpochs) || fineTuneEpochs < 0) throw new Error(`trainTransfer: fineTuneEpochs must be a non-negative integer, got ${fineTuneEpochs}`);
  if (!(fineTuneLr > 0)) throw new Error(`trainTransfer: fineTuneLr must be a positive number, got ${fineTuneLr}`);
  if (freeze === undefined) freezeFeatures(model, { except: findHead(model, headName).name });
  else for (const pattern of freeze) model.freeze(pattern);
  if (trainableParameters(model).length === 0) throw new Error('trainTransfer: the freeze patterns leave no parameter to train');
  if (keepStatistics) freezeBatchNorm(model);
  const head = await trainPhase(model, trainLoader, { ...phase, epochs: headEpochs });
  if (fineTuneEpochs === 0) return { head, fineTune: null };
  const seed = phase.seed === undefined ? undefined : phase.seed + 1;
  return { head, fineTune: await fineTune(model, trainLoader, { ...phase, epochs: fineTuneEpochs, lr: fineTuneLr, seed }) };
}

/**
 * The samples of some classes of a labelled dataset, relabelled 0..k-1 in the order the classes are given
 * (classes [5, 6, 7, 8, 9] of MNIST become labels 0..4), optionally only the first perClass of each: the
 * small labelled set of a transfer experiment.
 */
export class ClassSubset implements Dataset {
  /** The original label of each new label. */
  readonly classes: readonly number[];
  /** Indices into the source dataset, in source order. */
  readonly indices: Int32Array;
  /** The new label of each sample. */
  readonly targets: Int32Array;
  private readonly subset: Subset;

  constructor(dataset: Dataset, classes: readonly number[], options: { perClass?: number } = {}) {
    const { perClass } = options;
    if (classes.length === 0) throw new Error('ClassSubset: classes must not be empty');
    if (new Set(classes).size !== classes.length) throw new Error(`ClassSubset: classes [${classes.join(', ')}] lists a class twice`);
    if (perClass !== undefined && (!Number.isInteger(perClass) || perClass < 1)) throw new Error(`ClassSubset: perClass must be a positive integer, got ${perClass}`);
    const newLabel = new Map(classes.map((c, i) => [c, i]));
    const counts = classes.map(() => 0);
    const indices: number[] = [];
    const targets: number[] = [];
    for (let i = 0; i < dataset.length; i++) {
      const label = newLabel.get(labelOf(dataset.get(i), i));
      if (label === undefined || (perClass !== undefined && counts[label] >= perClass)) continue;
      counts[label]++;
      indices.push(i);
      targets.push(label);
    }
    const short = classes.filter((_, k) => counts[k] < (perClass ?? 1));
    if (short.length) {
      throw new Error(
        `ClassSubset: ${perClass === undefined ? 'no samples' : `fewer than ${perClass} samples`} of class(es) ${short.join(', ')} ` +
          `among ${dataset.length} (counts: ${classes.map((c, k) => `${c}: ${counts[k]}`).join(', ')})`,
      );
    }
    this.classes = Object.freeze([...classes]);
    this.indices = Int32Array.from(indices);
    this.targets = Int32Array.from(targets);
    this.subset = new Subset(dataset, this.indices);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): Sample {
    checkIndex(index, this.length, 'ClassSubset.get');
    return { x: this.subset.get(index).x, y: new Tensor(Int32Array.of(this.targets[index]), []) };
  }

  getBatch(indices: Indices): Batch {
    const { x } = this.subset.getBatch(indices);
    return { x, y: new Tensor(Int32Array.from(indices, (i) => this.targets[i]), [indices.length]) };
  }
}

function labelOf(sample: Sample, index: number): number {
  if (sample.y.size !== 1) throw new Error(`ClassSubset: sample ${index} has a label of ${sample.y.size} values; class labels are single integers`);
  return sample.y.data[0];
}
