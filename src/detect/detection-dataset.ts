// A detection dataset: decoded images with their objects (class ids and normalised cxcywh boxes), letterboxed
// to one input size when asked. It implements the Dataset interface: a sample's y is [M, 5] rows
// (class, cx, cy, w, h), and a batch's y is [M, 6] rows (image index in the batch, class, cx, cy, w, h),
// Ultralytics' collated layout, since images hold different numbers of objects (batchObjects splits them back).
// Pixels are kept as 8-bit values (a quarter of float32) and made into float tensors in [0, 1] per read.
import { Tensor } from '../tensor/tensor.js';
import { type Dataset, type Indices, checkIndex } from '../data/dataset.js';
import { type RawImage, checkRawImage, convertChannels, imageToTensor, tensorToImage } from '../data/image.js';
import type { AnnotatedImage } from './yolo-labels.js';
import { letterbox, letterboxTransform, type LetterboxTransform } from './letterbox.js';

/** An annotated image with its decoded pixels (any channel count; the dataset converts them). */
export interface DetectionRecord extends AnnotatedImage {
  image: RawImage;
}

export interface DetectionDatasetOptions {
  /** Class names; every class id must be below labels.length. */
  labels: readonly string[];
  /** Letterbox every image to this size (a side, or [height, width]); without it images keep their own size. */
  size?: number | readonly [number, number];
  /** 3 = RGB (default), 1 = gray. */
  channels?: 1 | 3;
}

export interface DetectionSample {
  /** float32 [H, W, C] in [0, 1]. */
  x: Tensor;
  /** float32 [M, 5]: class, cx, cy, w, h (normalised to x's size). */
  y: Tensor;
  /** The same boxes as float32 [M, 4] (normalised cxcywh) and classes, the shape encodeYoloTargets reads. */
  boxes: Tensor;
  classes: Int32Array;
  /** The image file as the annotations name it. */
  file: string;
  /** How the original image was letterboxed (the identity when no size was given): invert predictions with unletterboxBoxes. */
  transform: LetterboxTransform;
}

export interface DetectionBatch {
  /** float32 [B, H, W, C]. */
  x: Tensor;
  /** float32 [M, 6]: image index in the batch, class, cx, cy, w, h. */
  y: Tensor;
}

/** Boxes normalised to the original image -> normalised to the letterboxed one. */
function moveBoxes(boxes: readonly (readonly number[])[], t: LetterboxTransform): [number, number, number, number][] {
  const [outH, outW] = t.size;
  return boxes.map(([cx, cy, w, h]) => [
    (cx * t.width * t.scale + t.left) / outW,
    (cy * t.height * t.scale + t.top) / outH,
    (w * t.width * t.scale) / outW,
    (h * t.height * t.scale) / outH,
  ]);
}

export class DetectionDataset implements Dataset {
  readonly labels: readonly string[];
  /** Per image: the file, the letterbox transform, the objects (boxes normalised to the stored image). */
  readonly files: readonly string[];
  readonly transforms: readonly LetterboxTransform[];
  readonly objects: readonly { classes: Int32Array; boxes: [number, number, number, number][] }[];
  private readonly images: RawImage[];

  constructor(records: readonly DetectionRecord[], options: DetectionDatasetOptions) {
    const { labels, size, channels = 3 } = options;
    if (labels.length === 0) throw new Error('DetectionDataset: labels must name at least one class');
    if (channels !== 1 && channels !== 3) throw new Error(`DetectionDataset: channels must be 1 or 3, got ${channels}`);
    this.labels = Object.freeze([...labels]);
    const files: string[] = [];
    const transforms: LetterboxTransform[] = [];
    const objects: { classes: Int32Array; boxes: [number, number, number, number][] }[] = [];
    this.images = records.map((record) => {
      checkRawImage(record.image, `DetectionDataset: '${record.file}'`);
      const { width, height } = record.image;
      if (width !== record.width || height !== record.height) {
        throw new Error(`DetectionDataset: '${record.file}' is ${width} x ${height} pixels but its annotation says ${record.width} x ${record.height}`);
      }
      record.classes.forEach((c, k) => {
        if (!(Number.isInteger(c) && c >= 0 && c < labels.length)) {
          throw new Error(`DetectionDataset: '${record.file}', object ${k}: class ${c} is out of range for ${labels.length} labels (0..${labels.length - 1})`);
        }
      });
      const image = convertChannels(record.image, channels);
      const transform = letterboxTransform(width, height, size ?? [height, width]);
      files.push(record.file);
      transforms.push(transform);
      objects.push({ classes: Int32Array.from(record.classes), boxes: moveBoxes(record.boxes, transform) });
      return size === undefined ? image : tensorToImage(letterbox(imageToTensor(image), size).image);
    });
    this.files = Object.freeze(files);
    this.transforms = Object.freeze(transforms);
    this.objects = Object.freeze(objects);
  }

  get length(): number {
    return this.images.length;
  }

  /** Objects in the whole dataset. */
  get instances(): number {
    return this.objects.reduce((n, o) => n + o.classes.length, 0);
  }

  get(index: number): DetectionSample {
    checkIndex(index, this.length, 'DetectionDataset.get');
    const { classes, boxes } = this.objects[index];
    const flat = new Float32Array(boxes.length * 4);
    boxes.forEach((box, k) => flat.set(box, 4 * k));
    const rows = new Float32Array(boxes.length * 5);
    boxes.forEach((box, k) => rows.set([classes[k], ...box], 5 * k));
    return {
      x: imageToTensor(this.images[index]),
      y: new Tensor(rows, [boxes.length, 5]),
      boxes: new Tensor(flat, [boxes.length, 4]),
      classes: classes.slice(),
      file: this.files[index],
      transform: this.transforms[index],
    };
  }

  /** Images stacked (they must share a size: give `size` to letterbox them) and all objects as [M, 6] rows. */
  getBatch(indices: Indices): DetectionBatch {
    for (let i = 0; i < indices.length; i++) checkIndex(indices[i], this.length, 'DetectionDataset.getBatch');
    if (indices.length === 0) throw new Error('DetectionDataset.getBatch: no indices');
    const first = this.images[indices[0]];
    const pixels = first.width * first.height * first.channels;
    const x = new Float32Array(indices.length * pixels);
    const rows: number[] = [];
    Array.from(indices).forEach((index, b) => {
      const image = this.images[index];
      if (image.width !== first.width || image.height !== first.height) {
        throw new Error(
          `DetectionDataset.getBatch: '${this.files[index]}' is ${image.width} x ${image.height} but '${this.files[indices[0]]}' is ` +
            `${first.width} x ${first.height}; give the dataset a size to letterbox every image to it`,
        );
      }
      for (let i = 0; i < pixels; i++) x[b * pixels + i] = image.data[i] / 255;
      const { classes, boxes } = this.objects[index];
      boxes.forEach((box, k) => rows.push(b, classes[k], ...box));
    });
    return { x: new Tensor(x, [indices.length, first.height, first.width, first.channels]), y: new Tensor(Float32Array.from(rows), [rows.length / 6, 6]) };
  }
}
