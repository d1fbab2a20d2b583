// Training on some classes of a data set only: "5-9" or "cat,dog" parsed into class indices, and a
// NamedDataset narrowed to those classes (relabelled 0..k-1), with at most perClass training images of each.
import type { NamedDataset } from '../data/named-dataset.js';
import { type Dataset, Subset } from '../data/dataset.js';
import { ClassSubset } from './transfer.js';

export interface ParseClassSelectionOptions {
  /** What errors name, e.g. the command-line option the text came from (default 'parseClassSelection'). */
  source?: string;
}

/**
 * "5-9", "0,2,4", "cat,dog" -> class indices, in the order given. A class's name wins over reading it as an
 * index (classes named '10', '2', '3': "2" is class 1); a class selected twice is an error.
 */
export function parseClassSelection(selection: string, classes: readonly string[], options: ParseClassSelectionOptions = {}): number[] {
  const source = options.source ?? 'parseClassSelection';
  const indices: number[] = [];
  const bad = (item: string, why: string): Error =>
    new Error(`${source}: ${why} in '${selection}' (item '${item}'); give class names or indices 0..${classes.length - 1}, e.g. 5-9 or 0,2,4; classes: ${classes.join(', ')}`);
  for (const raw of selection.split(',')) {
    const item = raw.trim();
    const byName = classes.indexOf(item);
    const range = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (byName >= 0) indices.push(byName);
    else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
      if (to < from) throw bad(item, 'a range that runs backwards');
      if (to >= classes.length) throw bad(item, `index ${to} is out of range`);
      for (let i = from; i <= to; i++) indices.push(i);
    } else throw bad(item, 'not a class name, an index or a range');
  }
  const repeated = indices.find((c, k) => indices.indexOf(c) !== k);
  if (repeated !== undefined) throw new Error(`${source}: '${selection}' selects class ${classes[repeated]} twice`);
  return indices;
}

export interface SelectClassesOptions {
  /** The classes to keep, in their new label order: indices into dataset.classes, or class names. */
  classes?: readonly (number | string)[];
  /** At most this many training images of each class (the first ones); the held-out split keeps all. */
  perClass?: number;
}

/** The first `limit` samples of a dataset (all of them without a limit). */
function firstOf(dataset: Dataset, limit: number | undefined): Dataset {
  return limit === undefined || limit >= dataset.length ? dataset : new Subset(dataset, Array.from({ length: limit }, (_, i) => i));
}

/**
 * The data set narrowed to some classes, relabelled 0..k-1 in the order given; with no options, the data set
 * itself. `load(split, limit)` gives the first `limit` images of the selected classes (the whole split is
 * read to find them), so a small limit never leaves a class out for want of images among the first few.
 */
export function selectClasses(dataset: NamedDataset, options: SelectClassesOptions): NamedDataset {
  const { classes, perClass } = options;
  if (classes === undefined && perClass === undefined) return dataset;
  if (perClass !== undefined && (!Number.isInteger(perClass) || perClass < 1)) throw new Error(`selectClasses: perClass must be a positive integer, got ${perClass}`);
  const indices = classes === undefined ? dataset.classes.map((_, i) => i) : classes.map((c) => classIndex(dataset, c));
  if (indices.length === 0) throw new Error(`selectClasses: no classes selected of ${dataset.name} (classes: ${dataset.classes.join(', ')})`);
  const repeated = indices.find((c, k) => indices.indexOf(c) !== k);
  if (repeated !== undefined) throw new Error(`selectClasses: class ${dataset.classes[repeated]} of ${dataset.name} is selected twice`);
  return {
    ...dataset,
    classes: indices.map((i) => dataset.classes[i]),
    load: (split, limit) => firstOf(new ClassSubset(dataset.load(split), indices, { perClass: split === 'train' ? perClass : undefined }), limit),
  };
}

function classIndex(dataset: NamedDataset, c: number | string): number {
  const index = typeof c === 'string' ? dataset.classes.indexOf(c) : c;
  if (Number.isInteger(index) && index >= 0 && index < dataset.classes.length) return index;
  const what = typeof c === 'string' ? `has no class '${c}'` : `has no class index ${c} (valid: 0..${dataset.classes.length - 1})`;
  throw new Error(`selectClasses: ${dataset.name} ${what}; its classes: ${dataset.classes.join(', ')}`);
}
