// The crops face-api feeds its nets: a box cut from the image at whole pixels, padded with zeros to a square
// and resized to the net's input by TF.js's resizeBilinear (alignCorners false, halfPixelCenters false: the
// source of output pixel i is i * in / out, not PyTorch's (i + 0.5) * in / out - 0.5). Matching it keeps the
// nets' outputs within rounding of face-api's. Plain loops over the pixels: preprocessing, not an op.
import type { RawImage } from '../data/image.js';
import { Tensor } from '../tensor/tensor.js';

/** A rectangle of whole pixels: x, y the top-left pixel, width and height in pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a crop's square input came from, to map the net's [0, 1] coordinates back to image pixels. */
export interface SquareCrop {
  /** RGB pixels 0..255 [size, size, 3] (float32). */
  pixels: Tensor;
  /** The image rectangle that was cut out. */
  rect: PixelRect;
  /** Zero columns (left) and rows (top) added before the crop to make it square, in crop pixels. */
  padLeft: number;
  padTop: number;
  /** The padded square's side in crop pixels. */
  side: number;
}

export type PadPlacement = 'centre' | 'end';

/**
 * face-api's box clipped to the image and floored (Box.clipAtImageBorders): x, y, width, height each floored
 * after clipping; null when nothing of it is inside the image.
 */
export function clipToImage(box: readonly [number, number, number, number], width: number, height: number): PixelRect | null {
  const [x1, y1, x2, y2] = box;
  const x = Math.max(x1, 0);
  const y = Math.max(y1, 0);
  const rect = { x: Math.floor(x), y: Math.floor(y), width: Math.floor(Math.min(x2 - x, width - x)), height: Math.floor(Math.min(y2 - y, height - y)) };
  return rect.width > 0 && rect.height > 0 ? rect : null;
}

/**
 * The rectangle of `image` (3 channels) padded to a square and resized to `size` x `size`. 'centre' puts
 * round(diff / 2) zeros after the crop and the rest before it (face-api's padToSquare for the landmark and
 * descriptor nets), 'end' all after (its detector input).
 */
export function squareCrop(image: RawImage, rect: PixelRect, size: number, placement: PadPlacement): SquareCrop {
  if (image.channels !== 3) throw new Error(`squareCrop: expects an RGB image (3 channels), got ${image.channels}`);
  const side = Math.max(rect.width, rect.height);
  const after = placement === 'centre' ? Math.round((side - Math.min(rect.width, rect.height)) * 0.5) : side - Math.min(rect.width, rect.height);
  const before = side - Math.min(rect.width, rect.height) - after;
  const padLeft = rect.width < rect.height ? before : 0;
  const padTop = rect.height < rect.width ? before : 0;
  // The two source rows and columns of every output row and column are found once (a 1920 px photo to 416
  // took 4 bounds-checked reads per value before); the arithmetic per value is unchanged.
  const cols = resizeTaps(size, side, padLeft, rect.width);
  const rows = resizeTaps(size, side, padTop, rect.height);
  const data = image.data;
  const out = new Float32Array(size * size * 3);
  const rowStart = (cy: number) => (cy < 0 ? -1 : ((rect.y + cy) * image.width + rect.x) * 3);
  for (let oy = 0; oy < size; oy++) {
    const r0 = rowStart(rows.first[oy]);
    const r1 = rowStart(rows.second[oy]);
    const fy = rows.weight[oy];
    for (let ox = 0; ox < size; ox++) {
      const c0 = cols.first[ox] * 3;
      const c1 = cols.second[ox] * 3;
      const fx = cols.weight[ox];
      const o = (oy * size + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const v00 = r0 < 0 || c0 < 0 ? 0 : data[r0 + c0 + c];
        const v01 = r0 < 0 || c1 < 0 ? 0 : data[r0 + c1 + c];
        const v10 = r1 < 0 || c0 < 0 ? 0 : data[r1 + c0 + c];
        const v11 = r1 < 0 || c1 < 0 ? 0 : data[r1 + c1 + c];
        const top = v00 + (v01 - v00) * fx;
        const bottom = v10 + (v11 - v10) * fx;
        out[o + c] = top + (bottom - top) * fy;
      }
    }
  }
  return { pixels: new Tensor(out, [size, size, 3]), rect, padLeft, padTop, side };
}

/**
 * TF's legacy bilinear taps along one axis of the padded square: output i reads source s = i * side / size,
 * positions floor(s) and min(side - 1, ceil(s)) with weight s - floor(s); as crop offsets, -1 in the padding.
 */
function resizeTaps(size: number, side: number, pad: number, extent: number): { first: Int32Array; second: Int32Array; weight: Float64Array } {
  const first = new Int32Array(size);
  const second = new Int32Array(size);
  const weight = new Float64Array(size);
  const scale = side / size;
  const inCrop = (p: number) => (p - pad >= 0 && p - pad < extent ? p - pad : -1);
  for (let i = 0; i < size; i++) {
    const s = i * scale;
    const p0 = Math.floor(s);
    first[i] = inCrop(p0);
    second[i] = inCrop(Math.min(side - 1, Math.ceil(s)));
    weight[i] = s - p0;
  }
  return { first, second, weight };
}

/** A point in the crop's net input, as fractions [0, 1] of its side, in image pixels. */
export function cropToImage(crop: SquareCrop, fx: number, fy: number): [number, number] {
  return [crop.rect.x + fx * crop.side - crop.padLeft, crop.rect.y + fy * crop.side - crop.padTop];
}
