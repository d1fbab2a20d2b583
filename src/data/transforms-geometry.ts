// Geometric transforms on image tensors [H, W, C] (or batches [N, H, W, C]): resize, crop, pad.
// Plain loops over typed arrays; no autograd (they prepare data, they are not part of a model).
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import { imageSize, mapImages, sizePair } from './image-tensor.js';

export type InterpolationMode = 'bilinear' | 'nearest';
export type PaddingMode = 'constant' | 'edge' | 'reflect';
/** A transform of one image (or a batch, image by image) drawing any randomness from `generator`. */
export type ImageTransform = (x: Tensor, generator: Generator) => Tensor;

/**
 * Resize to [height, width] with half-pixel centres (align_corners=false), as PyTorch's interpolate and
 * TensorFlow 2's tf.image.resize: source = (dst + 0.5) * in / out - 0.5. 'bilinear' clamps the source
 * to the edge (no antialiasing when shrinking, like PyTorch's default); 'nearest' takes
 * floor((dst + 0.5) * in / out), PyTorch's 'nearest-exact'.
 */
export function resize(x: Tensor, size: number | readonly [number, number], mode: InterpolationMode = 'bilinear'): Tensor {
  const [outH, outW] = sizePair(size, 'size', 'resize');
  if (mode !== 'bilinear' && mode !== 'nearest') throw new Error(`resize: mode must be 'bilinear' or 'nearest', got ${JSON.stringify(mode)}`);
  return mapImages(x, 'resize', (image) => {
    const { height, width, channels } = imageSize(image, 'resize');
    const rows = sourceTaps(height, outH, mode);
    const cols = sourceTaps(width, outW, mode);
    const src = image.data;
    const out = new Float32Array(outH * outW * channels);
    for (let oy = 0; oy < outH; oy++) {
      const r0 = rows.low[oy] * width;
      const r1 = rows.high[oy] * width;
      const wy = rows.weight[oy];
      for (let ox = 0; ox < outW; ox++) {
        const c0 = cols.low[ox];
        const c1 = cols.high[ox];
        const wx = cols.weight[ox];
        const o = (oy * outW + ox) * channels;
        for (let c = 0; c < channels; c++) {
          const top = src[(r0 + c0) * channels + c] * (1 - wx) + src[(r0 + c1) * channels + c] * wx;
          const bottom = src[(r1 + c0) * channels + c] * (1 - wx) + src[(r1 + c1) * channels + c] * wx;
          out[o + c] = top * (1 - wy) + bottom * wy;
        }
      }
    }
    return new Tensor(out, [outH, outW, channels]);
  });
}

/** For each output index along one axis: the two source indices and the weight of the higher one. */
function sourceTaps(inSize: number, outSize: number, mode: InterpolationMode): { low: Int32Array; high: Int32Array; weight: Float64Array } {
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const weight = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    if (mode === 'nearest') {
      low[o] = high[o] = Math.min(Math.floor((o + 0.5) * scale), inSize - 1);
      continue;
    }
    const source = Math.max((o + 0.5) * scale - 0.5, 0);
    low[o] = Math.min(Math.floor(source), inSize - 1);
    high[o] = Math.min(low[o] + 1, inSize - 1);
    weight[o] = source - low[o];
  }
  return { low, high, weight };
}

/**
 * The window [top, top + height) x [left, left + width); parts of it outside the image are `fill`.
 * Negative or overhanging offsets are allowed, so a crop larger than the image pads it.
 */
export function crop(x: Tensor, top: number, left: number, height: number, width: number, fill = 0): Tensor {
  for (const [name, v] of Object.entries({ top, left })) {
    if (!Number.isInteger(v)) throw new Error(`crop: ${name} must be an integer, got ${v}`);
  }
  const [outH, outW] = sizePair([height, width], 'height and width', 'crop');
  return mapImages(x, 'crop', (image) => {
    const { height: inH, width: inW, channels } = imageSize(image, 'crop');
    const out = new Float32Array(outH * outW * channels).fill(fill);
    const src = image.data;
    for (let oy = 0; oy < outH; oy++) {
      const iy = top + oy;
      if (iy < 0 || iy >= inH) continue;
      const x0 = Math.max(0, -left);
      const x1 = Math.min(outW, inW - left);
      if (x1 <= x0) continue;
      const from = (iy * inW + left + x0) * channels;
      out.set(src.subarray(from, from + (x1 - x0) * channels), (oy * outW + x0) * channels);
    }
    return new Tensor(out, [outH, outW, channels]);
  });
}

/** The central [height, width] window (offsets floored); larger than the image pads with zeros, like torchvision. */
export function centerCrop(x: Tensor, size: number | readonly [number, number]): Tensor {
  const [outH, outW] = sizePair(size, 'size', 'centerCrop');
  return mapImages(x, 'centerCrop', (image) => {
    const { height, width } = imageSize(image, 'centerCrop');
    return crop(image, Math.floor((height - outH) / 2), Math.floor((width - outW) / 2), outH, outW);
  });
}

/** Padding widths: one number for every side, or [top, bottom, left, right]. */
export type PaddingWidths = number | readonly [number, number, number, number];

export interface PadOptions {
  /** 'constant' fills with `value`; 'edge' repeats the border pixel; 'reflect' mirrors without repeating it. */
  mode?: PaddingMode;
  value?: number;
}

/** Pad the height and width axes. */
export function pad(x: Tensor, padding: PaddingWidths, options: PadOptions = {}): Tensor {
  const [top, bottom, left, right] = paddingWidths(padding, 'pad');
  const mode = options.mode ?? 'constant';
  if (mode !== 'constant' && mode !== 'edge' && mode !== 'reflect') {
    throw new Error(`pad: mode must be 'constant', 'edge' or 'reflect', got ${JSON.stringify(mode)}`);
  }
  return mapImages(x, 'pad', (image) => {
    const { height, width, channels } = imageSize(image, 'pad');
    if (mode === 'constant') return crop(image, -top, -left, height + top + bottom, width + left + right, options.value ?? 0);
    if (mode === 'reflect' && Math.max(top, bottom) >= height) throw reflectError('top/bottom', Math.max(top, bottom), 'height', height);
    if (mode === 'reflect' && Math.max(left, right) >= width) throw reflectError('left/right', Math.max(left, right), 'width', width);
    const outH = height + top + bottom;
    const outW = width + left + right;
    const out = new Float32Array(outH * outW * channels);
    const src = image.data;
    for (let oy = 0; oy < outH; oy++) {
      const iy = sourceIndex(oy - top, height, mode);
      for (let ox = 0; ox < outW; ox++) {
        const from = (iy * width + sourceIndex(ox - left, width, mode)) * channels;
        out.set(src.subarray(from, from + channels), (oy * outW + ox) * channels);
      }
    }
    return new Tensor(out, [outH, outW, channels]);
  });
}

function reflectError(sides: string, amount: number, axis: string, size: number): Error {
  return new Error(`pad: 'reflect' padding (${sides} ${amount}) must be smaller than the image ${axis} ${size}`);
}

function sourceIndex(i: number, n: number, mode: 'edge' | 'reflect'): number {
  if (mode === 'edge') return Math.min(Math.max(i, 0), n - 1);
  return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}

function paddingWidths(padding: PaddingWidths, where: string): [number, number, number, number] {
  const widths: number[] = typeof padding === 'number' ? [padding, padding, padding, padding] : [...padding];
  if (widths.length !== 4 || !widths.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${where}: padding must be a non-negative integer or [top, bottom, left, right] of them, got ${JSON.stringify(padding)}`);
  }
  return widths as [number, number, number, number];
}

export interface RandomCropOptions {
  /** Padding added before cropping (CIFAR's classic recipe: 32x32 padded by 4, cropped back to 32x32). */
  padding?: PaddingWidths;
  paddingMode?: PaddingMode;
  fill?: number;
}

/** A transform taking a random [height, width] window, each offset uniform over the valid positions. */
export function randomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): ImageTransform {
  const [outH, outW] = sizePair(size, 'size', 'randomCrop');
  const padding = paddingWidths(options.padding ?? 0, 'randomCrop');
  return (x, generator) =>
    mapImages(x, 'randomCrop', (image) => {
      const padded = padding.some((p) => p > 0) ? pad(image, padding, { mode: options.paddingMode, value: options.fill }) : image;
      const { height, width } = imageSize(padded, 'randomCrop');
      if (outH > height || outW > width) {
        throw new Error(`randomCrop: crop ${outH}x${outW} is larger than the (padded) image ${height}x${width}; reduce the size or add padding`);
      }
      const top = generator.randint(height - outH + 1);
      const left = generator.randint(width - outW + 1);
      return crop(padded, top, left, outH, outW);
    });
}
