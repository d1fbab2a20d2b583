// Overlapping tiles of a large image for tiled detection: origins that cover the image with square tiles
// overlapping by a fraction of their side (the last row and column end flush with the image), and crops.
import { checkRawImage, type RawImage } from '../data/image.js';

function starts(length: number, tile: number, step: number): number[] {
  if (length <= tile) return [0];
  const out: number[] = [];
  for (let s = 0; s + tile < length; s += step) out.push(s);
  out.push(length - tile);
  return out;
}

/** Top-left corners [x, y] of the tiles, row by row. */
export function tileOrigins(width: number, height: number, tile: number, overlap: number): Array<[number, number]> {
  const step = Math.max(1, Math.round(tile * (1 - overlap)));
  const out: Array<[number, number]> = [];
  for (const y of starts(height, tile, step)) for (const x of starts(width, tile, step)) out.push([x, y]);
  return out;
}

/** The part of an image from (x, y), at most width x height pixels (less where the image ends). */
export function cropImage(image: RawImage, x: number, y: number, width: number, height: number): RawImage {
  checkRawImage(image, 'cropImage');
  if (![x, y].every((v) => Number.isInteger(v) && v >= 0) || x >= image.width || y >= image.height) {
    throw new Error(`cropImage: origin (${x}, ${y}) must be integer pixels inside the ${image.width}x${image.height} image`);
  }
  const w = Math.min(width, image.width - x);
  const h = Math.min(height, image.height - y);
  const c = image.channels;
  const data = new Uint8Array(w * h * c);
  for (let r = 0; r < h; r++) data.set(image.data.subarray(((y + r) * image.width + x) * c, ((y + r) * image.width + x + w) * c), r * w * c);
  return { width: w, height: h, channels: c, data };
}
