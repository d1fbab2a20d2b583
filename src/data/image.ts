// Images as decoders give them (8-bit, interleaved HWC) and their conversion to and from float tensors.
// Browser-safe: decoding and encoding sit behind ImageCodec (sharp in Node, canvas in the browser).
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

/** ITU-R BT.601 luma weights (as PIL's convert('L') and torchvision's rgb_to_grayscale). */
export const lumaR = 0.299;
export const lumaG = 0.587;
export const lumaB = 0.114;

/** Decoded pixels, row-major, channels interleaved (HWC): 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA. */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Uint8ClampedArray;
}

export type ImageFormat = 'png' | 'jpeg';

/** The one place an image format is parsed or written; implementations: sharpCodec (Node), canvasCodec (browser). */
export interface ImageCodec {
  decode(bytes: Uint8Array): Promise<RawImage>;
  encode(image: RawImage, format: ImageFormat): Promise<Uint8Array>;
}

export interface ImageToTensorOptions {
  /** Divide by 255 so values lie in [0, 1] (default true); false keeps 0..255. */
  scale?: boolean;
  /** Add a leading batch axis: [1, H, W, C] instead of [H, W, C] (default false). */
  batch?: boolean;
}

/** Throw unless image has positive integer sizes, 1-4 channels and exactly width*height*channels bytes. */
export function checkRawImage(image: RawImage, where: string): void {
  const { width, height, channels, data } = image;
  const sizesOk = [width, height].every((n) => Number.isInteger(n) && n > 0);
  if (!sizesOk || !Number.isInteger(channels) || channels < 1 || channels > 4) {
    throw new Error(`${where}: image must have positive integer width and height and 1-4 channels, got ${width}x${height}x${channels}`);
  }
  if (data.length !== width * height * channels) {
    throw new Error(`${where}: image ${width}x${height}x${channels} needs ${width * height * channels} bytes, got ${data.length}`);
  }
}

/** Pixels as a float32 tensor [H, W, C] (or [1, H, W, C]), in [0, 1] unless scale is false. */
export function imageToTensor(image: RawImage, options: ImageToTensorOptions = {}): Tensor {
  checkRawImage(image, 'imageToTensor');
  const factor = options.scale === false ? 1 : 1 / 255;
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i] * factor;
  const shape = [image.height, image.width, image.channels];
  return new Tensor(out, options.batch ? [1, ...shape] : shape);
}

export interface TensorToImageOptions {
  /** The tensor holds values in [0, 1] to be multiplied by 255 (default true); false means 0..255 already. */
  scale?: boolean;
}

/**
 * A tensor [H, W, C], [1, H, W, C] or [H, W] (gray) as 8-bit pixels: values scaled to 0..255, rounded and
 * clamped (out-of-range values from augmentation or normalisation saturate instead of wrapping).
 */
export function tensorToImage(x: Tensor, options: TensorToImageOptions = {}): RawImage {
  const shape = x.shape;
  const hwc =
    shape.length === 2 ? [shape[0], shape[1], 1] : shape.length === 3 ? [...shape] : shape.length === 4 && shape[0] === 1 ? shape.slice(1) : null;
  if (!hwc || hwc[2] < 1 || hwc[2] > 4) {
    throw new Error(`tensorToImage: expected [H, W], [H, W, C] or [1, H, W, C] with C in 1..4, got ${formatShape(shape)}`);
  }
  const [height, width, channels] = hwc;
  const factor = options.scale === false ? 1 : 255;
  const data = new Uint8Array(x.size);
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(x.data[i] * factor);
    data[i] = Number.isNaN(v) ? 0 : v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { width, height, channels, data };
}

/** The same pixels with a different channel count: RGB(A) <-> gray, alpha dropped or set opaque. */
export function convertChannels(image: RawImage, channels: 1 | 3 | 4): RawImage {
  checkRawImage(image, 'convertChannels');
  if (image.channels === channels) return image;
  const n = image.width * image.height;
  const src = image.data;
  const inC = image.channels;
  const out = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) {
    const s = p * inC;
    const isColor = inC >= 3;
    const r = src[s];
    const g = isColor ? src[s + 1] : r;
    const b = isColor ? src[s + 2] : r;
    const o = p * channels;
    if (channels === 1) {
      out[o] = Math.round(lumaR * r + lumaG * g + lumaB * b);
    } else {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      if (channels === 4) out[o + 3] = inC === 4 ? src[s + 3] : inC === 2 ? src[s + 1] : 255;
    }
  }
  return { width: image.width, height: image.height, channels, data: out };
}
