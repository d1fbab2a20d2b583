// A training checkpoint as one safetensors file: model tensors under 'model.', optimizer tensors under 'optim.',
// and the rest (epoch, step, the optimizer's hyper-parameters and scalar state, the RNG, the user's fields) as
// JSON in the metadata entry 'convkit.checkpoint' (safetensors metadata values are strings). Any safetensors
// reader can open it. This file packs and unpacks bytes; src/node/weights-files.ts writes them to disk.
import { Module, type AnyModule, type StateDict } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { serializeSafetensors, parseSafetensors, type SafetensorsContents, type SafetensorsMetadata, type TensorMap } from './safetensors.js';
import { assertJsonValue, isPlainObject, type JsonValue } from './json-value.js';

/** What an optimizer's stateDict() returns and its loadStateDict() takes. */
export interface OptimizerStateDict {
  tensors: TensorMap;
  /** Hyper-parameters and scalar state; must be JSON (checked when saving). */
  meta: unknown;
}

export interface Checkpoint {
  model: StateDict;
  optimizerState?: OptimizerStateDict;
  epoch: number;
  step: number;
  /** The random generator's seed or state, when the run records it. */
  rng?: JsonValue;
  /** The user's own fields. */
  extra?: Record<string, JsonValue>;
}

export interface CheckpointInput extends Omit<Checkpoint, 'model'> {
  model: AnyModule | StateDict;
}

export const CHECKPOINT_METADATA_KEY = 'convkit.checkpoint';
const FORMAT_VERSION = 1;
const MODEL_PREFIX = 'model.';
const OPTIMIZER_PREFIX = 'optim.';

interface CheckpointInfo {
  version: number;
  epoch: number;
  step: number;
  optimizer: { meta: JsonValue } | null;
  rng: JsonValue;
  extra: Record<string, JsonValue>;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function addPrefixed(out: TensorMap, prefix: string, tensors: unknown, what: string): void {
  if (!isPlainObject(tensors)) throw new Error(`saveCheckpoint: ${what} must be an object of name -> Tensor`);
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t instanceof Tensor)) throw new Error(`saveCheckpoint: ${what} '${name}' is not a Tensor`);
    out[prefix + name] = t;
  }
}

/** Encode a checkpoint as safetensors bytes. */
export function serializeCheckpoint(input: CheckpointInput): Uint8Array {
  for (const field of ['epoch', 'step'] as const) {
    if (!isCount(input[field])) throw new Error(`saveCheckpoint: ${field} must be a non-negative integer, got ${input[field]}`);
  }
  const tensors: TensorMap = {};
  addPrefixed(tensors, MODEL_PREFIX, input.model instanceof Module ? input.model.stateDict() : input.model, 'model state');
  if (input.optimizerState) {
    addPrefixed(tensors, OPTIMIZER_PREFIX, input.optimizerState.tensors, 'optimizer state tensors');
    assertJsonValue(input.optimizerState.meta ?? null, 'saveCheckpoint: optimizer state meta');
  }
  assertJsonValue(input.rng ?? null, 'saveCheckpoint: rng');
  assertJsonValue(input.extra ?? {}, 'saveCheckpoint: extra');
  const info: CheckpointInfo = {
    version: FORMAT_VERSION,
    epoch: input.epoch,
    step: input.step,
    optimizer: input.optimizerState ? { meta: (input.optimizerState.meta ?? null) as JsonValue } : null,
    rng: input.rng ?? null,
    extra: input.extra ?? {},
  };
  return serializeSafetensors(tensors, { [CHECKPOINT_METADATA_KEY]: JSON.stringify(info) });
}

/** Whether parsed safetensors metadata marks a ConvKit checkpoint. */
export function isCheckpoint(metadata: SafetensorsMetadata): boolean {
  return CHECKPOINT_METADATA_KEY in metadata;
}

/** Split parsed safetensors contents back into a checkpoint; `source` names the file in errors. */
export function unpackCheckpoint(contents: SafetensorsContents, source: string): Checkpoint {
  const fail = (problem: string): never => {
    throw new Error(`loadCheckpoint(${source}): ${problem}`);
  };
  const text = contents.metadata[CHECKPOINT_METADATA_KEY];
  if (text === undefined) {
    fail(`not a ConvKit checkpoint: its metadata has no '${CHECKPOINT_METADATA_KEY}' entry (for a weights file use loadWeights or loadSafetensors)`);
  }
  let info: Partial<CheckpointInfo> = {};
  try {
    info = JSON.parse(text) as Partial<CheckpointInfo>;
  } catch (error) {
    fail(`the '${CHECKPOINT_METADATA_KEY}' metadata is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(info)) fail(`the '${CHECKPOINT_METADATA_KEY}' metadata must be a JSON object`);
  if (info.version !== FORMAT_VERSION) fail(`checkpoint format version ${info.version}; this ConvKit reads version ${FORMAT_VERSION}`);
  if (!isCount(info.epoch) || !isCount(info.step)) fail(`epoch ${info.epoch} and step ${info.step} must be non-negative integers`);
  if (info.optimizer !== null && !isPlainObject(info.optimizer)) fail(`optimizer must be null or {meta}, got ${JSON.stringify(info.optimizer)}`);

  const model: StateDict = {};
  const optimizerTensors: TensorMap = {};
  for (const [name, t] of Object.entries(contents.tensors)) {
    if (name.startsWith(MODEL_PREFIX)) model[name.slice(MODEL_PREFIX.length)] = t;
    else if (name.startsWith(OPTIMIZER_PREFIX)) optimizerTensors[name.slice(OPTIMIZER_PREFIX.length)] = t;
    else fail(`tensor '${name}' is neither under '${MODEL_PREFIX}' nor under '${OPTIMIZER_PREFIX}'`);
  }
  if (!info.optimizer && Object.keys(optimizerTensors).length > 0) fail(`it has '${OPTIMIZER_PREFIX}' tensors but no optimizer state`);

  const checkpoint: Checkpoint = { model, epoch: info.epoch!, step: info.step! };
  if (info.optimizer) checkpoint.optimizerState = { tensors: optimizerTensors, meta: info.optimizer.meta };
  if (info.rng !== null && info.rng !== undefined) checkpoint.rng = info.rng;
  if (info.extra && Object.keys(info.extra).length > 0) checkpoint.extra = info.extra;
  return checkpoint;
}

/** The model's tensors in parsed safetensors contents: a checkpoint's model part, or a weights file's tensors. */
export function stateDictOf(contents: SafetensorsContents, source: string): StateDict {
  return isCheckpoint(contents.metadata) ? unpackCheckpoint(contents, source).model : contents.tensors;
}

/** Decode checkpoint bytes (see serializeCheckpoint). */
export function parseCheckpoint(bytes: Uint8Array, source = 'bytes'): Checkpoint {
  return unpackCheckpoint(parseSafetensors(bytes, source), source);
}
