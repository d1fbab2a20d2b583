// Reading an Ultralytics (YOLO) dataset from disk: data.yaml names the splits, each a folder of images (read
// recursively), a .txt list of image paths, or a list of those. Every image's label file is found as
// Ultralytics finds it: the last '/images/' in the image's path becomes '/labels/' and the extension '.txt'.
// A missing or empty label file is a background image. What breaks a training run silently in Ultralytics
// is an error here: a label file with no image beside it, and a split where no label file was found at all.
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDatasetYaml, type DatasetYaml } from '../detect/dataset-yaml.js';
import { parseYoloLabels, type AnnotatedImage } from '../detect/yolo-labels.js';
import { forEachConcurrently } from '../util/concurrently.js';
import { IMAGE_EXTENSIONS } from './image-folder.js';
import { readImageSize } from './image-io.js';
import { listFiles } from './list-files.js';

export type DetectionSplit = 'train' | 'val' | 'test';

/** An annotated image with the path its pixels are read from. */
export interface AnnotatedImageFile extends AnnotatedImage {
  path: string;
}

/** A dataset's images with their objects (boxes normalised cxcywh) and its class names. */
export interface DetectionAnnotations {
  labels: string[];
  images: AnnotatedImageFile[];
}

const IMAGE_EXTENSION_SET = new Set<string>(IMAGE_EXTENSIONS);
const isImage = (path: string): boolean => IMAGE_EXTENSION_SET.has(extname(path).toLowerCase());

/** Ultralytics' img2label_paths: the last /images/ becomes /labels/, the extension .txt. */
export function labelPathFor(imagePath: string): string {
  const marker = `${sep}images${sep}`;
  const at = imagePath.lastIndexOf(marker);
  const moved = at < 0 ? imagePath : `${imagePath.slice(0, at)}${sep}labels${sep}${imagePath.slice(at + marker.length)}`;
  return moved.slice(0, moved.length - extname(moved).length) + '.txt';
}

/** data.yaml parsed, with `root`: its `path` resolved against the YAML file's folder. */
export async function readDatasetYaml(path: string): Promise<DatasetYaml & { root: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`readDatasetYaml: cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
  const yaml = parseDatasetYaml(text, path);
  return { ...yaml, root: resolve(dirname(path), yaml.path ?? '.') };
}

async function kindOf(path: string): Promise<'folder' | 'file' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/** One split source's image paths; folders are also returned, for the label-without-image check. */
async function imagesOf(source: string, root: string, where: string): Promise<{ images: string[]; folder?: string }> {
  const path = resolve(root, source);
  const kind = await kindOf(path);
  if (kind === 'missing') throw new Error(`${where}: '${source}' (resolved to '${path}') does not exist`);
  if (kind === 'folder') return { images: (await listFiles(path)).filter(isImage), folder: path };
  if (extname(path).toLowerCase() !== '.txt') throw new Error(`${where}: '${path}' is neither a folder of images nor a .txt list of image paths`);
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  // Relative entries are relative to the list's folder (Ultralytics' './' convention).
  return { images: lines.map((line) => (isAbsolute(line) ? line : resolve(dirname(path), line))) };
}

/** Label files under an image folder's labels folder that no image accounts for, each with the image it lacks. */
async function orphanLabels(imageFolder: string, images: readonly string[]): Promise<{ label: string; image: string }[]> {
  const labelFolder = dirname(labelPathFor(join(imageFolder, 'x')));
  if (labelFolder === imageFolder || (await kindOf(labelFolder)) !== 'folder') return [];
  const expected = new Set(images.map(labelPathFor));
  return (await listFiles(labelFolder))
    .filter((f) => extname(f) === '.txt' && !expected.has(f))
    .map((label) => ({ label, image: join(imageFolder, relative(labelFolder, label)).replace(/\.txt$/, '.*') }));
}

export interface ReadYoloOptions {
  /** Read only the first `limit` images of the split (sorted by path). */
  limit?: number;
  /** Image headers read at the same time (default 8). */
  concurrency?: number;
}

/**
 * One split of an Ultralytics dataset: every image's objects, checked (errors name the label file and line),
 * and its size in pixels (read from the file's header).
 */
export async function readYoloDataset(dataYaml: string, split: DetectionSplit, options: ReadYoloOptions = {}): Promise<DetectionAnnotations> {
  const { limit, concurrency = 8 } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new Error(`readYoloDataset: limit must be a positive integer, got ${limit}`);
  const yaml = await readDatasetYaml(dataYaml);
  const where = `readYoloDataset: ${dataYaml}`;
  if (yaml[split].length === 0) throw new Error(`${where}: no '${split}' split; it gives ${(['train', 'val', 'test'] as const).filter((s) => yaml[s].length > 0).join(', ')}`);
  const sources = await Promise.all(yaml[split].map((s) => imagesOf(s, yaml.root, where)));
  const all = [...new Set(sources.flatMap((s) => s.images))].sort();
  const folders = sources.flatMap((s) => (s.folder ? [s.folder] : []));
  if (all.length === 0) {
    throw new Error(`${where}: no images found for '${split}' in ${yaml[split].map((s) => `'${resolve(yaml.root, s)}'`).join(', ')} (extensions read: ${IMAGE_EXTENSIONS.join(', ')})`);
  }
  for (const folder of folders) {
    const orphans = await orphanLabels(folder, all);
    if (orphans.length > 0) {
      const more = orphans.length > 1 ? `; ${orphans.length - 1} more label files have none either` : '';
      throw new Error(`${where}: label file '${orphans[0].label}' has no image: expected '${orphans[0].image}' (${IMAGE_EXTENSIONS.join(', ')})${more}`);
    }
  }
  const paths = limit === undefined ? all : all.slice(0, limit);
  const images: AnnotatedImageFile[] = new Array(paths.length);
  let labelled = 0;
  await forEachConcurrently(paths.length, concurrency, async (i) => {
    const labelPath = labelPathFor(paths[i]);
    const text = await readFile(labelPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new Error(`${where}: cannot read '${labelPath}': ${error.message}`, { cause: error });
    });
    if (text !== undefined) labelled++;
    const objects = text === undefined ? { classes: [], boxes: [] } : parseYoloLabels(text, labelPath, yaml.names.length);
    images[i] = { path: paths[i], file: paths[i], ...(await readImageSize(paths[i])), ...objects };
  });
  if (labelled === 0) {
    const example = paths[0];
    throw new Error(
      `${where}: no labels found for the ${paths.length} '${split}' images: looked for ${dirname(labelPathFor(example))}${sep}*.txt ` +
        `(e.g. '${labelPathFor(example)}' for '${example}'). Ultralytics' layout puts each image's labels at the same path with ` +
        `'${sep}images${sep}' replaced by '${sep}labels${sep}' and the extension '.txt', one 'class cx cy w h' line per object ` +
        `(normalised to [0, 1]); an empty file marks a background image.`,
    );
  }
  return { labels: [...yaml.names], images };
}
