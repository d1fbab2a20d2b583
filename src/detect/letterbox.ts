// Letterbox resizing, as Ultralytics' LetterBox: scale the image to fit the network's input keeping its aspect
// ratio, centre it, and pad the rest with grey 114. Boxes move with the same scale and offset; the inverse
// takes predictions back to the original image's pixels (Ultralytics' scale_boxes), clipped to it.
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { sizePair, imageSize } from '../data/image-tensor.js';
import { pad, resize } from '../data/transforms-geometry.js';
import { asBoxes, checkFormat, clipBoxes, convertBoxes, type BoxFormat } from './boxes.js';

export interface LetterboxTransform {
  /** The original image's size in pixels. */
  width: number;
  height: number;
  /** The output [height, width]. */
  size: [number, number];
  /** Scale from original to output pixels (the same along both axes). */
  scale: number;
  /** Size of the scaled image inside the output, in pixels. */
  resizedWidth: number;
  resizedHeight: number;
  /** Padding before the image: columns on the left, rows on top. */
  left: number;
  top: number;
}

/** Python's round(): halves to even (Ultralytics' rounding of the scaled size and the padding), and never -0. */
function roundHalfEven(x: number): number {
  const r = Math.round(x) + 0;
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The geometry of letterboxing a width x height image into size (a side, or [height, width]). */
export function letterboxTransform(width: number, height: number, size: number | readonly [number, number]): LetterboxTransform {
  const [outH, outW] = sizePair(size, 'size', 'letterboxTransform');
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`letterboxTransform: the image size must be positive integers, got ${width} x ${height}`);
  }
  const scale = Math.min(outH / height, outW / width);
  const resizedWidth = roundHalfEven(width * scale);
  const resizedHeight = roundHalfEven(height * scale);
  // Ultralytics: top = round(dh - 0.1), bottom = round(dh + 0.1) for dh = (outH - resizedHeight) / 2.
  const left = roundHalfEven((outW - resizedWidth) / 2 - 0.1);
  const top = roundHalfEven((outH - resizedHeight) / 2 - 0.1);
  return { width, height, size: [outH, outW], scale, resizedWidth, resizedHeight, left, top };
}

export interface LetterboxOptions {
  /** Padding value (default 114 / 255: Ultralytics' grey, for images in [0, 1]). */
  fill?: number;
}

/** Letterbox an image tensor [H, W, C] (values in [0, 1]): bilinear resize, then padding. */
export function letterbox(image: Tensor, size: number | readonly [number, number], options: LetterboxOptions = {}): { image: Tensor; transform: LetterboxTransform } {
  if (image.ndim !== 3) throw new Error(`letterbox: image must be [H, W, C], got ${JSON.stringify(image.shape)}`);
  const { height, width } = imageSize(image, 'letterbox');
  const transform = letterboxTransform(width, height, size);
  const { resizedWidth, resizedHeight, left, top, size: [outH, outW] } = transform;
  const resized = resizedWidth === width && resizedHeight === height ? image : resize(image, [resizedHeight, resizedWidth]);
  const padded = pad(resized, [top, outH - resizedHeight - top, left, outW - resizedWidth - left], { value: options.fill ?? 114 / 255 });
  return { image: padded, transform };
}

export interface LetterboxBoxesOptions {
  /** Box format (default 'xyxy'); boxes are in pixels. */
  format?: BoxFormat;
}

/** Scale and shift per coordinate: positions get the offset, sizes only the scale. */
function affine(boxes: Tensor, format: BoxFormat, scale: number, dx: number, dy: number): Tensor {
  const shift = format === 'xyxy' ? [dx, dy, dx, dy] : [dx, dy, 0, 0];
  return boxes.mul(scale).add(tensor(shift, [4], { dtype: boxes.dtype === 'float64' ? 'float64' : 'float32' }));
}

/** Boxes in the original image's pixels -> the letterboxed image's pixels. */
export function letterboxBoxes(boxes: Tensor | readonly (readonly number[])[], transform: LetterboxTransform, options: LetterboxBoxesOptions = {}): Tensor {
  const format = checkFormat(options.format ?? 'xyxy', 'letterboxBoxes');
  return affine(asBoxes(boxes, 'letterboxBoxes'), format, transform.scale, transform.left, transform.top);
}

/** Boxes in the letterboxed image's pixels (a detector's output) -> the original image's pixels, clipped to it. */
export function unletterboxBoxes(boxes: Tensor | readonly (readonly number[])[], transform: LetterboxTransform, options: LetterboxBoxesOptions = {}): Tensor {
  const format = checkFormat(options.format ?? 'xyxy', 'unletterboxBoxes');
  const { scale, left, top, width, height } = transform;
  const original = affine(asBoxes(boxes, 'unletterboxBoxes'), format, 1 / scale, -left / scale, -top / scale);
  return convertBoxes(clipBoxes(convertBoxes(original, format, 'xyxy'), width, height), 'xyxy', format);
}
