// A trained detector on disk: a safetensors file of the TinyYolo weights whose metadata entry
// 'convkit.detector' says how to rebuild and use it (labels, anchors, input size, width, depth, ...), written
// by `convkit detect train` and read by `detect val` and `detect predict`. The entry is checked when read,
// so a hand-edited or mismatched file fails naming the field, not with NaN boxes or wrong labels.
import { serializeSafetensors, parseSafetensors, type SafetensorsContents, type SafetensorsMetadata } from '../io/safetensors.js';
import { applyStateDict } from '../io/apply-state-dict.js';
import { readJsonMetadata } from '../io/json-metadata.js';
import { stateDictOf } from '../io/checkpoint.js';
import { TinyYolo } from './tiny-yolo.js';

export const DETECTOR_METADATA_KEY = 'convkit.detector';

export interface DetectorInfo {
  architecture: 'tiny-yolo';
  /** Class names, in class-id order. */
  labels: string[];
  /** Anchors (width, height) in grid cells. */
  anchors: [number, number][];
  /** [height, width] of the network input (images are letterboxed to it). */
  inputSize: [number, number];
  width: number;
  depth: number;
  inChannels: number;
  classActivation: 'softmax' | 'sigmoid';
  numLandmarks: number;
  /** What it was trained on (a data.yaml path), for the record. */
  dataset: string;
}

export interface LoadedDetector {
  model: TinyYolo;
  info: DetectorInfo;
}

/** The detector's description from the model itself plus what the model does not know. */
export function detectorInfoOf(model: TinyYolo, extra: { labels: readonly string[]; inputSize: readonly [number, number]; dataset: string }): DetectorInfo {
  const info: DetectorInfo = {
    architecture: 'tiny-yolo',
    labels: [...extra.labels],
    anchors: model.scale.anchors.map(([w, h]) => [w, h]),
    inputSize: [extra.inputSize[0], extra.inputSize[1]],
    width: model.width,
    depth: model.depth,
    inChannels: model.inChannels,
    classActivation: model.spec.classActivation ?? 'softmax',
    numLandmarks: model.spec.numLandmarks ?? 0,
    dataset: extra.dataset,
  };
  return checkDetectorInfo(info, 'detectorInfoOf', model);
}

/** The weights and their description as safetensors bytes. */
export function serializeDetector(model: TinyYolo, info: DetectorInfo): Uint8Array {
  checkDetectorInfo(info, 'serializeDetector', model);
  return serializeSafetensors(model.stateDict(), { [DETECTOR_METADATA_KEY]: JSON.stringify(info) });
}

/** `raw` as a DetectorInfo, or an error naming every field that is missing or invalid (and, given a model, each disagreement with it). */
export function checkDetectorInfo(raw: unknown, where: string, model?: TinyYolo): DetectorInfo {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where} must be a JSON object, got ${JSON.stringify(raw)}`);
  const info = raw as Record<string, unknown>;
  const problems: string[] = [];
  const field = (name: string, expected: string) => problems.push(`field '${name}' is ${info[name] === undefined ? 'missing' : JSON.stringify(info[name])}; expected ${expected}`);
  const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (info.architecture !== 'tiny-yolo') field('architecture', "'tiny-yolo'");
  const labels = info.labels;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) field('labels', 'a non-empty list of class names');
  const anchors = info.anchors;
  if (!Array.isArray(anchors) || anchors.length === 0 || !anchors.every((a) => Array.isArray(a) && a.length === 2 && a.every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v)))) {
    field('anchors', 'a non-empty list of positive [width, height] pairs');
  }
  const depth = info.depth;
  if (!(Number.isInteger(depth) && (depth as number) >= 1 && (depth as number) <= 6)) field('depth', 'an integer 1..6');
  const size = info.inputSize;
  const stride = Number.isInteger(depth) ? 2 ** (depth as number) : 1;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((s) => positiveInteger(s) && (s as number) % stride === 0 && (s as number) <= 16384)) {
    field('inputSize', `[height, width], positive multiples of the stride ${stride} up to 16384`);
  }
  if (!(typeof info.width === 'number' && info.width > 0 && Number.isFinite(info.width))) field('width', 'a positive number');
  if (!positiveInteger(info.inChannels)) field('inChannels', 'a positive integer');
  if (info.classActivation !== 'softmax' && info.classActivation !== 'sigmoid') field('classActivation', "'softmax' or 'sigmoid'");
  if (!(Number.isInteger(info.numLandmarks) && (info.numLandmarks as number) >= 0)) field('numLandmarks', 'a non-negative integer');
  if (typeof info.dataset !== 'string') field('dataset', 'a string');
  if (problems.length === 0 && model) {
    const mismatch = (name: string, value: unknown, modelValue: unknown) => {
      if (JSON.stringify(value) !== JSON.stringify(modelValue)) problems.push(`field '${name}' is ${JSON.stringify(value)} but the model has ${JSON.stringify(modelValue)}`);
    };
    mismatch('labels (count)', (labels as string[]).length, model.spec.numClasses);
    mismatch('anchors', anchors, model.scale.anchors);
    mismatch('width', info.width, model.width);
    mismatch('depth', depth, model.depth);
    mismatch('inChannels', info.inChannels, model.inChannels);
  }
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
  return info as unknown as DetectorInfo;
}

/** The description stored by serializeDetector, or null for a file without one. */
export function detectorInfo(metadata: SafetensorsMetadata, source: string): DetectorInfo | null {
  return readJsonMetadata(metadata, DETECTOR_METADATA_KEY, source, checkDetectorInfo);
}

/** Rebuild the detector a parsed file describes and load its weights (every name and shape checked). */
export function unpackDetector(contents: SafetensorsContents, source: string): LoadedDetector {
  const info = detectorInfo(contents.metadata, source);
  if (!info) throw new Error(`${source}: not a detector saved by convkit detect train (no '${DETECTOR_METADATA_KEY}' metadata)`);
  const model = new TinyYolo({
    numClasses: info.labels.length,
    anchors: info.anchors,
    width: info.width,
    depth: info.depth,
    inChannels: info.inChannels,
    classActivation: info.classActivation,
    numLandmarks: info.numLandmarks,
  });
  applyStateDict(model, stateDictOf(contents, source), { source });
  return { model, info };
}

/** unpackDetector of safetensors bytes (a fetched file, say). */
export function parseDetector(bytes: Uint8Array, source = 'bytes'): LoadedDetector {
  return unpackDetector(parseSafetensors(bytes, source), source);
}
