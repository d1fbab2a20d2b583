// COCO JSON and PASCAL VOC XML annotations read from disk, into the same DetectionAnnotations a YOLO dataset
// gives, so any of the three loads with loadDetectionDataset. Image paths are resolved against a folder
// (COCO: the JSON file's folder by default; VOC: the JPEGImages folder beside Annotations by default).
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { parseCocoJson } from '../detect/coco-json.js';
import { parseVocXml, type VocOptions } from '../detect/voc-xml.js';
import { listFiles } from './list-files.js';
import type { DetectionAnnotations } from './yolo-dataset-files.js';

async function readText(path: string, where: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${where}: cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
}

export interface ReadCocoOptions {
  /** The folder image file names are relative to (default: the JSON file's folder). */
  imagesDir?: string;
}

/** A COCO detection file: class i is the i-th category by id; crowd regions are left out. */
export async function readCocoDataset(jsonPath: string, options: ReadCocoOptions = {}): Promise<DetectionAnnotations> {
  const coco = parseCocoJson(await readText(jsonPath, 'readCocoDataset'), jsonPath);
  const imagesDir = options.imagesDir ?? dirname(jsonPath);
  return { labels: coco.labels, images: coco.images.map((image) => ({ ...image, path: resolve(imagesDir, image.file) })) };
}

export interface ReadVocOptions extends VocOptions {
  /** Class names; an object's <name> must be one of them (its index is the class id). */
  labels: readonly string[];
  /** The folder of the images <filename> names (default: JPEGImages beside the annotations folder). */
  imagesDir?: string;
}

/** Every .xml file of a VOC Annotations folder, sorted by name. */
export async function readVocDataset(annotationsDir: string, options: ReadVocOptions): Promise<DetectionAnnotations> {
  if (options.labels.length === 0) throw new Error('readVocDataset: labels must name at least one class');
  let files: string[];
  try {
    files = (await listFiles(annotationsDir)).filter((f) => extname(f).toLowerCase() === '.xml');
  } catch (error) {
    throw new Error(`readVocDataset: cannot read the annotations folder '${annotationsDir}': ${(error as Error).message}`, { cause: error });
  }
  if (files.length === 0) throw new Error(`readVocDataset: no .xml annotation files in '${annotationsDir}' (PASCAL VOC keeps one per image in Annotations/)`);
  const imagesDir = options.imagesDir ?? join(dirname(resolve(annotationsDir)), 'JPEGImages');
  const images = await Promise.all(
    files.map(async (file) => {
      const image = parseVocXml(await readText(file, 'readVocDataset'), file, options.labels, options);
      return { ...image, path: resolve(imagesDir, image.file) };
    }),
  );
  return { labels: [...options.labels], images };
}
