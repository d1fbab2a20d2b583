// The trained-model metadata is checked when a file is read, so a hand-edited or corrupt bundle fails there,
// naming the field and what is valid, instead of predict printing NaN% or wrong class names.
import type { TrainedModelInfo } from './trained-model.js';

/** The largest image side a bundle may declare (a guard against corrupt sizes, far above any zoo model's). */
const MAX_INPUT_SIDE = 16384;

/** `raw` as TrainedModelInfo, or an error naming every field that is missing or invalid. */
export function checkTrainedModelInfo(raw: unknown, where: string): TrainedModelInfo {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where} must be a JSON object, got ${JSON.stringify(raw)}`);
  const info = raw as Record<string, unknown>;
  const problems: string[] = [];
  const field = (name: string, value: unknown, expected: string) => problems.push(`field '${name}' is ${value === undefined ? 'missing' : JSON.stringify(value)}; expected ${expected}`);
  for (const name of ['model', 'dataset']) {
    if (typeof info[name] !== 'string' || info[name] === '') field(name, info[name], 'a non-empty string');
  }
  if (info.modelOptions !== undefined && (info.modelOptions === null || typeof info.modelOptions !== 'object' || Array.isArray(info.modelOptions))) {
    field('modelOptions', info.modelOptions, 'an object of model options');
  }
  const classes = info.classes;
  if (!Array.isArray(classes) || classes.length === 0 || !classes.every((c) => typeof c === 'string')) field('classes', classes, 'a non-empty list of class names (strings)');
  const normalization = info.normalization as Record<string, unknown> | undefined;
  if (normalization === null || typeof normalization !== 'object') {
    field('normalization', normalization, '{ mean, std } with numbers');
  } else {
    if (typeof normalization.mean !== 'number' || !Number.isFinite(normalization.mean)) field('normalization.mean', normalization.mean, 'a finite number');
    if (typeof normalization.std !== 'number' || !(normalization.std > 0) || !Number.isFinite(normalization.std)) field('normalization.std', normalization.std, 'a finite number > 0');
  }
  const shape = info.inputShape;
  const side = (d: unknown) => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= MAX_INPUT_SIDE;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(side)) field('inputShape', shape, `[height, width, channels] of integers from 1 to ${MAX_INPUT_SIDE}`);
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
  return { ...info, modelOptions: info.modelOptions ?? {} } as unknown as TrainedModelInfo;
}

/** The classes must name every output of the model: one name for ten outputs would print wrong labels. */
export function checkClassCount(info: TrainedModelInfo, outputs: number | null, where: string): void {
  if (outputs !== null && info.classes.length !== outputs) {
    throw new Error(`${where}: field 'classes' names ${info.classes.length} class(es) but the model has ${outputs} outputs; expected one name per output`);
  }
}
