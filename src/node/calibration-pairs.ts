// The labelled pairs of a CSV file as distances: given directly, or computed from the two photos of each
// row (one face each; each photo described once however many rows name it). Paths are relative to the CSV.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { LabelledPair } from '../face/calibration.js';
import type { DescriptorMetric } from '../face/gallery.js';
import { descriptorDistance } from '../face/descriptor-distance.js';
import { parsePairsCsv } from '../face/pairs-csv.js';
import { decodePhoto, onlyFace, type FaceDescriber } from './face-photos.js';

export interface PairsFileOptions {
  /** Needed when the CSV names photos instead of giving distances. */
  describe?: () => Promise<FaceDescriber>;
  metric?: DescriptorMetric;
}

export async function readLabelledPairs(path: string, options: PairsFileOptions = {}): Promise<LabelledPair[]> {
  const text = await readFile(path, 'utf8').catch((error: Error) => Promise.reject(new Error(`readLabelledPairs: cannot read '${path}': ${error.message}`)));
  const rows = parsePairsCsv(text, path);
  let describe: FaceDescriber | undefined;
  const descriptors = new Map<string, Float32Array>();
  const descriptorOf = async (image: string, line: number) => {
    const full = resolve(dirname(path), image);
    let descriptor = descriptors.get(full);
    if (!descriptor) {
      describe ??= await options.describe!();
      try {
        descriptor = (await onlyFace(describe, await decodePhoto(await readFile(full)))).descriptor;
      } catch (error) {
        throw new Error(`${path}:${line}: '${image}': ${(error as Error).message}`, { cause: error });
      }
      descriptors.set(full, descriptor);
    }
    return descriptor;
  };
  const pairs: LabelledPair[] = [];
  for (const row of rows) {
    if ('distance' in row) pairs.push({ distance: row.distance, same: row.same });
    else {
      if (!options.describe) throw new Error(`${path}:${row.line}: the CSV names photos, and no face describer was given`);
      pairs.push({ distance: descriptorDistance(await descriptorOf(row.imageA, row.line), await descriptorOf(row.imageB, row.line), options.metric ?? 'euclidean'), same: row.same });
    }
  }
  return pairs;
}
