// PASCAL VOC annotations: one XML file per image with <filename>, <size> (width, height) and an <object> per
// box (<name>, <bndbox> xmin ymin xmax ymax in pixels, <difficult>). Coordinates are taken as written, the
// convention of labelme and most tools that write VOC today (the 2007-2012 releases count pixels from 1:
// at most a pixel's difference). Objects marked difficult are kept unless asked otherwise.
import { XMLParser } from 'fast-xml-parser';
import { type AnnotatedImage, normalisePixelBox } from './yolo-labels.js';

export interface VocOptions {
  /** Leave out objects marked <difficult>1</difficult> (default false). */
  skipDifficult?: boolean;
}

const parser = new XMLParser({ isArray: (name) => name === 'object', parseTagValue: false, trimValues: true });

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * Parse one VOC XML file; class ids come from `labels` (an object whose name is not there is an error naming
 * the file, the object and the valid names). `source` (its path) names it in errors.
 */
export function parseVocXml(xml: string, source: string, labels: readonly string[], options: VocOptions = {}): AnnotatedImage {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${source}: not valid XML: ${(error as Error).message}`, { cause: error });
  }
  const annotation = doc.annotation as Record<string, unknown> | undefined;
  if (!annotation || typeof annotation !== 'object') throw new Error(`${source}: no <annotation> element; expected a PASCAL VOC annotation`);
  const size = (annotation.size ?? {}) as Record<string, unknown>;
  const width = Number(text(size.width));
  const height = Number(text(size.height));
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`${source}: <size> must give a positive integer <width> and <height>, got ${JSON.stringify(text(size.width))} x ${JSON.stringify(text(size.height))}`);
  }
  const file = text(annotation.filename);
  if (file === '') throw new Error(`${source}: no <filename>`);
  const image: AnnotatedImage = { file, width, height, classes: [], boxes: [] };
  ((annotation.object ?? []) as Record<string, unknown>[]).forEach((object, i) => {
    const name = text(object.name);
    const where = `${source}: object ${i + 1} ('${name}')`;
    if (options.skipDifficult && text(object.difficult) === '1') return;
    const cls = labels.indexOf(name);
    if (cls < 0) throw new Error(`${where}: class '${name}' is not one of the ${labels.length} labels (${labels.join(', ')})`);
    const box = (object.bndbox ?? {}) as Record<string, unknown>;
    const corners = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => (text(box[k]) === '' ? NaN : Number(text(box[k]))));
    image.boxes.push(normalisePixelBox(corners, width, height, where));
    image.classes.push(cls);
  });
  return image;
}
