// COCO detection annotations (instances_*.json): images (id, file_name, width, height), categories (id, name)
// and annotations (image_id, category_id, bbox = [x, y, width, height] in pixels, iscrowd). Category ids are
// arbitrary numbers (COCO's run 1..90 with gaps); class i here is the i-th category by id. Crowd regions
// (iscrowd 1) are not objects to detect and are left out, as Ultralytics' converter does.
import { type AnnotatedImage, normalisePixelBox } from './yolo-labels.js';

export interface CocoDetection {
  images: AnnotatedImage[];
  /** Class names, by class id (categories sorted by their COCO id). */
  labels: string[];
  /** The COCO category id of each class. */
  categoryIds: number[];
}

type Json = Record<string, unknown>;

function field<T>(object: Json, key: string, check: (v: unknown) => boolean, what: string, where: string): T {
  const value = object[key];
  if (!check(value)) throw new Error(`${where}: '${key}' must be ${what}, got ${JSON.stringify(value)}`);
  return value as T;
}

const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isPositiveInteger = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

/** Parse a COCO annotations document (text or already parsed); `source` (its path) names it in errors. */
export function parseCocoJson(json: string | unknown, source: string): CocoDetection {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (error) {
      throw new Error(`${source}: not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (doc === null || typeof doc !== 'object') throw new Error(`${source}: expected a COCO object with images, annotations and categories`);
  const root = doc as Json;
  for (const key of ['images', 'annotations', 'categories']) {
    if (!Array.isArray(root[key])) throw new Error(`${source}: '${key}' must be a list (a COCO detection file has images, annotations and categories)`);
  }
  const categories = (root.categories as Json[])
    .map((c, i) => ({ id: field<number>(c, 'id', Number.isInteger, 'an integer', `${source}: categories[${i}]`), name: String(c.name) }))
    .sort((a, b) => a.id - b.id);
  const classOf = new Map(categories.map((c, k) => [c.id, k]));
  const images = (root.images as Json[]).map((image, i) => {
    const where = `${source}: images[${i}]`;
    return {
      id: field<number>(image, 'id', (v) => Number.isInteger(v) || typeof v === 'string', 'an id', where),
      file: field<string>(image, 'file_name', (v) => typeof v === 'string' && v.length > 0, 'a file name', where),
      width: field<number>(image, 'width', isPositiveInteger, 'a positive integer', where),
      height: field<number>(image, 'height', isPositiveInteger, 'a positive integer', where),
      classes: [] as number[],
      boxes: [] as [number, number, number, number][],
    };
  });
  const byId = new Map(images.map((image) => [image.id, image]));
  (root.annotations as Json[]).forEach((annotation, i) => {
    const where = `${source}: annotations[${i}]${annotation.id !== undefined ? ` (id ${JSON.stringify(annotation.id)})` : ''}`;
    if (annotation.iscrowd === 1) return;
    const image = byId.get(annotation.image_id as number);
    if (!image) throw new Error(`${where}: image_id ${JSON.stringify(annotation.image_id)} is not in 'images'`);
    const cls = classOf.get(annotation.category_id as number);
    if (cls === undefined) throw new Error(`${where}: category_id ${JSON.stringify(annotation.category_id)} is not in 'categories' (ids ${categories.map((c) => c.id).join(', ')})`);
    const bbox = field<number[]>(annotation, 'bbox', (v) => Array.isArray(v) && v.length === 4 && v.every(isNumber), '[x, y, width, height] in pixels', where);
    image.boxes.push(normalisePixelBox([bbox[0], bbox[1], bbox[0] + bbox[2], bbox[1] + bbox[3]], image.width, image.height, `${where} in '${image.file}'`));
    image.classes.push(cls);
  });
  return {
    images: images.map(({ file, width, height, classes, boxes }) => ({ file, width, height, classes, boxes })),
    labels: categories.map((c) => c.name),
    categoryIds: categories.map((c) => c.id),
  };
}
