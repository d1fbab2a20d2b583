// Loading pretrained weights into a model for transfer learning. With newHead, the saved classifier is left
// out (the model keeps its freshly initialised head, sized for the new task's classes; the file may even lack
// a classifier) and every other tensor must be there; without, the file must fit the model exactly.
import type { Module, StateDict } from '../nn/module.js';
import { applyStateDict } from '../io/apply-state-dict.js';
import { shapesEqual } from '../tensor/shape.js';
import { findHead } from './transfer.js';

export interface LoadPretrainedOptions {
  /** Keep the model's own classifier instead of the saved one (default false). */
  newHead?: boolean;
  /** The classifier's module name (default: found by findHead). */
  head?: string;
  /** What errors name, e.g. the file (default 'loadPretrained'). */
  source?: string;
}

/**
 * The saved classifier has another number of outputs than the model's: the weights are for other classes.
 * Load with { newHead: true } to keep everything else and train a fresh head.
 */
export class HeadMismatchError extends Error {
  constructor(
    readonly source: string,
    readonly head: string,
    readonly savedOutputs: number,
    readonly modelOutputs: number,
  ) {
    super(`${source}: its classifier '${head}' has ${savedOutputs} outputs but the model's has ${modelOutputs}; load with { newHead: true } to keep the model's fresh head and the rest of the weights`);
    this.name = 'HeadMismatchError';
  }
}

/** Load `state` (a weights file's tensors) into the model, the classifier replaced by the model's own with newHead. */
export function loadPretrained(model: Module, state: StateDict, options: LoadPretrainedOptions = {}): void {
  const source = options.source ?? 'loadPretrained';
  const head = findHead(model, options.head).name;
  if (!options.newHead) {
    const headWeight = model.stateDict()[`${head}.weight`];
    const savedHeadWeight = state[`${head}.weight`];
    if (savedHeadWeight && !shapesEqual(savedHeadWeight.shape, headWeight.shape)) {
      throw new HeadMismatchError(source, head, savedHeadWeight.shape.at(-1)!, headWeight.shape.at(-1)!);
    }
    applyStateDict(model, state, { source });
    return;
  }
  const isHead = (name: string): boolean => name.startsWith(`${head}.`);
  const body: StateDict = Object.fromEntries(Object.entries(state).filter(([name]) => !isHead(name)));
  const own = Object.keys(model.stateDict()).filter((name) => !isHead(name));
  const missing = own.filter((name) => !(name in body));
  const unexpected = Object.keys(body).filter((name) => !own.includes(name));
  if (missing.length || unexpected.length) {
    const problems = [
      ...(missing.length ? [`missing ${missing.join(', ')} (only the classifier '${head}' may be missing with a new head)`] : []),
      ...(unexpected.length ? [`has tensors the model does not: ${unexpected.join(', ')}`] : []),
    ];
    throw new Error(`${source} does not fit ${model.constructor.name}: ${problems.join('; ')}`);
  }
  applyStateDict(model, body, { strict: false, source });
}
