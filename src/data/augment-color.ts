// Colour shifting with torchvision's semantics: brightness, contrast, saturation and hue adjustments
// (each a blend or an HSV rotation, results clamped to [0, 1]) and ColorJitter, which applies them with
// random factors in a random order.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { Generator } from '../util/random.js';
import type { ImageTransform } from './transforms-geometry.js';
import { lumaB, lumaG, lumaR } from './image.js';
import { imageSize, mapImages } from './image-tensor.js';

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** x * factor, clamped: 0 gives black, 1 the original. */
export function adjustBrightness(x: Tensor, factor: number): Tensor {
  checkFactor(factor, 'adjustBrightness');
  return mapImages(x, 'adjustBrightness', (image) => {
    imageSize(image, 'adjustBrightness');
    return mapValues(image, (v) => clamp01(v * factor));
  });
}

/** Blend with the mean gray level of the image: 0 gives flat gray, 1 the original, 2 doubles contrast. */
export function adjustContrast(x: Tensor, factor: number): Tensor {
  checkFactor(factor, 'adjustContrast');
  return mapImages(x, 'adjustContrast', (image) => {
    const gray = lumaOf(image, 'adjustContrast');
    let mean = 0;
    for (let i = 0; i < gray.length; i++) mean += gray[i];
    mean /= gray.length;
    return mapValues(image, (v) => clamp01(factor * v + (1 - factor) * mean));
  });
}

/** Blend each pixel with its own gray level: 0 gives grayscale, 1 the original. 1-channel images are unchanged. */
export function adjustSaturation(x: Tensor, factor: number): Tensor {
  checkFactor(factor, 'adjustSaturation');
  return mapImages(x, 'adjustSaturation', (image) => {
    const gray = lumaOf(image, 'adjustSaturation');
    const channels = image.shape[2];
    return mapValues(image, (v, i) => clamp01(factor * v + (1 - factor) * gray[Math.floor(i / channels)]));
  });
}

/** Rotate the hue by hueFactor turns, in [-0.5, 0.5], through HSV. 1-channel images are unchanged. */
export function adjustHue(x: Tensor, hueFactor: number): Tensor {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new Error(`adjustHue: hueFactor must lie in [-0.5, 0.5], got ${hueFactor}`);
  return mapImages(x, 'adjustHue', (image) => {
    lumaOf(image, 'adjustHue');
    if (image.shape[2] === 1) return image;
    const out = new Float32Array(image.size);
    const src = image.data;
    const hsv: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < out.length; i += 3) {
      rgbToHsv(clamp01(src[i]), clamp01(src[i + 1]), clamp01(src[i + 2]), hsv);
      hsvToRgb((((hsv[0] + hueFactor) % 1) + 1) % 1, hsv[1], hsv[2], out, i);
    }
    return new Tensor(out, image.shape);
  });
}

/** torchvision's _rgb2hsv: hue in turns [0, 1), saturation and value in [0, 1]. */
function rgbToHsv(r: number, g: number, b: number, out: [number, number, number]): void {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const chroma = max - min;
  let hue = 0;
  if (chroma > 0) {
    if (max === r) hue = (g - b) / chroma;
    else if (max === g) hue = 2 + (b - r) / chroma;
    else hue = 4 + (r - g) / chroma;
  }
  out[0] = (((hue / 6) % 1) + 1) % 1;
  out[1] = max === 0 ? 0 : chroma / max;
  out[2] = max;
}

/** HSV to RGB without branches (Wikipedia's alternative form): channel n is v - v s clamp(min(k, 4 - k)), k = (n + 6h) mod 6. */
function hsvToRgb(h: number, s: number, v: number, out: Float32Array, at: number): void {
  out[at] = hsvChannel(5, h, s, v);
  out[at + 1] = hsvChannel(3, h, s, v);
  out[at + 2] = hsvChannel(1, h, s, v);
}

function hsvChannel(n: number, h: number, s: number, v: number): number {
  const k = (n + h * 6) % 6;
  return clamp01(v - v * s * Math.max(0, Math.min(k, 4 - k, 1)));
}

/** Per-pixel BT.601 luma of an RGB image (or the values of a 1-channel one). */
function lumaOf(image: Tensor, where: string): Float32Array {
  const { height, width, channels } = imageSize(image, where);
  if (channels !== 3 && channels !== 1) throw new Error(`${where}: expected an RGB (3 channels) or gray (1 channel) image, got ${formatShape(image.shape)}`);
  const src = image.data;
  const gray = new Float32Array(height * width);
  for (let p = 0; p < gray.length; p++) gray[p] = channels === 1 ? src[p] : lumaR * src[3 * p] + lumaG * src[3 * p + 1] + lumaB * src[3 * p + 2];
  return gray;
}

function mapValues(image: Tensor, fn: (v: number, i: number) => number): Tensor {
  const out = new Float32Array(image.size);
  const src = image.data;
  for (let i = 0; i < out.length; i++) out[i] = fn(src[i], i);
  return new Tensor(out, image.shape);
}

function checkFactor(factor: number, where: string): void {
  if (!(factor >= 0 && Number.isFinite(factor))) throw new Error(`${where}: factor must be a finite non-negative number, got ${factor}`);
}

/** A jitter strength j (factor drawn from [max(0, 1 - j), 1 + j]; hue: [-j, j]) or an explicit [min, max]. */
export type JitterRange = number | readonly [number, number];

export interface ColorJitterOptions {
  brightness?: JitterRange;
  contrast?: JitterRange;
  saturation?: JitterRange;
  /** At most 0.5 (half a turn of the colour wheel). */
  hue?: JitterRange;
}

/** torchvision's ColorJitter: random factors for the adjustments given, applied in a random order. */
export function colorJitter(options: ColorJitterOptions): ImageTransform {
  const adjustments: Array<{ range: [number, number] | null; apply: (x: Tensor, f: number) => Tensor }> = [
    { range: factorRange(options.brightness, 'brightness'), apply: adjustBrightness },
    { range: factorRange(options.contrast, 'contrast'), apply: adjustContrast },
    { range: factorRange(options.saturation, 'saturation'), apply: adjustSaturation },
    { range: hueRange(options.hue), apply: adjustHue },
  ];
  return (x, generator) =>
    mapImages(x, 'colorJitter', (image) => {
      const order = [0, 1, 2, 3];
      generator.shuffle(order);
      const factors = adjustments.map(({ range }) => (range ? drawFactor(range, generator) : null));
      return order.reduce((result, k) => (factors[k] === null ? result : adjustments[k].apply(result, factors[k])), image);
    });
}

function drawFactor([min, max]: [number, number], generator: Generator): number {
  return min === max ? min : generator.uniform(min, max);
}

function factorRange(value: JitterRange | undefined, name: string): [number, number] | null {
  if (value === undefined || value === 0) return null;
  const range: [number, number] = typeof value === 'number' ? [Math.max(0, 1 - value), 1 + value] : [value[0], value[1]];
  if ((typeof value === 'number' && !(value > 0)) || !(range[0] >= 0 && range[0] <= range[1] && Number.isFinite(range[1]))) {
    throw new Error(`colorJitter: ${name} must be a non-negative number or [min, max] with 0 <= min <= max, got ${JSON.stringify(value)}`);
  }
  return range;
}

function hueRange(value: JitterRange | undefined): [number, number] | null {
  if (value === undefined || value === 0) return null;
  const range: [number, number] = typeof value === 'number' ? [-value, value] : [value[0], value[1]];
  if (!(range[0] >= -0.5 && range[0] <= range[1] && range[1] <= 0.5)) {
    throw new Error(`colorJitter: hue must be a number in [0, 0.5] or [min, max] within [-0.5, 0.5], got ${JSON.stringify(value)}`);
  }
  return range;
}
