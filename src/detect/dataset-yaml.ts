// Ultralytics' dataset description (data.yaml):
//   path: ../datasets/coco8   # root; train/val/test are relative to it
//   train: images/train       # a folder of images, a .txt list of image paths, or a list of those
//   val: images/val
//   names: { 0: person, 1: bicycle }   # or a list: [person, bicycle]
// Parsing only (browser-safe); resolving the paths against the file system is the Node loader's job.
import { parse } from 'yaml';

export interface DatasetYaml {
  /** The root the splits are relative to, as written (undefined: the YAML file's folder). */
  path?: string;
  /** Each split's sources (folders or .txt lists), as written. */
  train: string[];
  val: string[];
  test: string[];
  /** Class names; class id i is names[i]. */
  names: string[];
}

function sources(value: unknown, key: string, source: string): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new Error(`${source}: '${key}' must be a path or a list of paths (folders of images or .txt lists), got ${JSON.stringify(value)}`);
  }
  return list as string[];
}

function classNames(value: unknown, source: string): string[] {
  const help = `'names' must be a list ([cat, dog]) or a map from class id to name ({0: cat, 1: dog})`;
  if (value === undefined || value === null) throw new Error(`${source}: no 'names'; ${help}`);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new Error(`${source}: 'names' is empty; ${help}`);
    return value.map((name) => String(name));
  }
  if (typeof value !== 'object') throw new Error(`${source}: ${help}, got ${JSON.stringify(value)}`);
  const entries = Object.entries(value as Record<string, unknown>);
  const names: string[] = [];
  for (const [key, name] of entries) {
    const id = Number(key);
    if (!(Number.isInteger(id) && id >= 0)) throw new Error(`${source}: 'names' key '${key}' is not a class id (0, 1, 2, ...)`);
    names[id] = String(name);
  }
  const missing = Array.from({ length: names.length }, (_, i) => i).filter((i) => names[i] === undefined);
  if (missing.length > 0 || names.length === 0) throw new Error(`${source}: 'names' must number the classes 0..${names.length - 1} with none missing; missing: ${missing.join(', ')}`);
  return names;
}

/** Parse data.yaml text; `source` (its path) names it in errors. */
export function parseDatasetYaml(text: string, source: string): DatasetYaml {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${source}: expected a mapping with path, train, val and names`);
  const data = doc as Record<string, unknown>;
  if (data.path !== undefined && data.path !== null && typeof data.path !== 'string') throw new Error(`${source}: 'path' must be a folder, got ${JSON.stringify(data.path)}`);
  const parsed: DatasetYaml = {
    path: (data.path as string | null | undefined) ?? undefined,
    train: sources(data.train, 'train', source),
    val: sources(data.val, 'val', source),
    test: sources(data.test, 'test', source),
    names: classNames(data.names, source),
  };
  if (parsed.train.length === 0 && parsed.val.length === 0) throw new Error(`${source}: neither 'train' nor 'val' is given; name at least one split (a folder of images, e.g. images/train)`);
  if (data.nc !== undefined && data.nc !== parsed.names.length) throw new Error(`${source}: nc is ${JSON.stringify(data.nc)} but 'names' has ${parsed.names.length} classes`);
  return parsed;
}
