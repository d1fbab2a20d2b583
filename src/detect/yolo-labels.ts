// The Ultralytics (YOLO) label format: one text file per image, one object per line as
//   class cx cy w h
// with a 0-based class id and the box centre and size normalised to [0, 1] by the image's width and height.
// An empty file is a background image. Errors name the file and the line, since a bad line in one of
// thousands of files is the usual reason a training run finds no objects.

export interface ImageLabels {
  /** A class id per object. */
  classes: number[];
  /** Normalised [cx, cy, w, h] per object. */
  boxes: [number, number, number, number][];
}

/**
 * Parse one label file's text; `source` (its path) and numClasses (the dataset's class count) appear in the
 * errors. Blank lines are skipped; anything else must be 5 numbers.
 */
export function parseYoloLabels(text: string, source: string, numClasses: number): ImageLabels {
  const labels: ImageLabels = { classes: [], boxes: [] };
  text.split(/\r?\n/).forEach((line, i) => {
    const fields = line.trim().split(/\s+/).filter((f) => f.length > 0);
    if (fields.length === 0) return;
    const where = `${source}:${i + 1}`;
    if (fields.length !== 5) {
      const hint = fields.length > 5 && fields.length % 2 === 1 ? ' (segmentation polygons are not read: give boxes)' : '';
      throw new Error(`${where}: ${fields.length} columns, expected 5 (class cx cy w h)${hint}: '${line.trim()}'`);
    }
    const values = fields.map(Number);
    const bad = fields.find((f, k) => !Number.isFinite(values[k]));
    if (bad !== undefined) throw new Error(`${where}: '${bad}' is not a number: '${line.trim()}'`);
    const [cls, cx, cy, w, h] = values;
    if (!(Number.isInteger(cls) && cls >= 0 && cls < numClasses)) {
      throw new Error(`${where}: class ${fields[0]} is out of range: the dataset has ${numClasses} classes (ids 0..${numClasses - 1})`);
    }
    const outside = ['cx', 'cy', 'w', 'h'].flatMap((name, k) => (values[k + 1] >= 0 && values[k + 1] <= 1 ? [] : [`${name} = ${values[k + 1]}`]));
    if (outside.length > 0) {
      throw new Error(`${where}: ${outside.join(', ')} outside [0, 1]; coordinates are normalised by the image size: '${line.trim()}'`);
    }
    if (!(w > 0 && h > 0)) throw new Error(`${where}: box size ${w} x ${h}; width and height must be positive: '${line.trim()}'`);
    labels.classes.push(cls);
    labels.boxes.push([cx, cy, w, h]);
  });
  return labels;
}

/** Label-file text for objects (the inverse of parseYoloLabels), numbers to 6 decimals as Ultralytics writes them. */
export function formatYoloLabels(labels: ImageLabels): string {
  return labels.boxes.map((box, i) => `${labels.classes[i]} ${box.map((v) => v.toFixed(6)).join(' ')}\n`).join('');
}

/** An annotation file's image: its file name (as the annotation gives it), size in pixels and objects. */
export interface AnnotatedImage extends ImageLabels {
  file: string;
  width: number;
  height: number;
}

/**
 * A pixel box [x1, y1, x2, y2] as normalised [cx, cy, w, h], for the COCO and VOC readers. Corners up to one
 * pixel outside the image (annotation tools round outward) are clipped; beyond that, or with no area left,
 * it is an error naming `where`.
 */
export function normalisePixelBox(box: readonly number[], width: number, height: number, where: string): [number, number, number, number] {
  const [x1, y1, x2, y2] = box;
  if (![x1, y1, x2, y2].every(Number.isFinite)) throw new Error(`${where}: box [${box.join(', ')}] has a coordinate that is not a number`);
  if (x1 < -1 || y1 < -1 || x2 > width + 1 || y2 > height + 1) {
    throw new Error(`${where}: box x ${x1}..${x2}, y ${y1}..${y2} lies outside the ${width} x ${height} image`);
  }
  const [a, b, c, d] = [Math.max(0, x1), Math.max(0, y1), Math.min(width, x2), Math.min(height, y2)];
  if (!(c > a && d > b)) throw new Error(`${where}: box x ${x1}..${x2}, y ${y1}..${y2} has zero or negative size`);
  return [(a + c) / 2 / width, (b + d) / 2 / height, (c - a) / width, (d - b) / height];
}
