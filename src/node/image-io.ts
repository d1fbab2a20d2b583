// Reading and writing image files in Node with sharp (PNG, JPEG, WebP, GIF, TIFF, AVIF in; PNG and JPEG
// out). Errors name the file and what sharp said; writes go through a temporary file and a rename.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { Tensor } from '../tensor/tensor.js';
import { type ImageCodec, type ImageFormat, type RawImage, checkRawImage, convertChannels, imageToTensor, tensorToImage } from '../data/image.js';
import { assertAllocatable } from '../tensor/allocation.js';
import { atomicWriteFile } from './atomic-write.js';

export interface DecodeOptions {
  /** 3 = RGB (alpha dropped, gray spread), 1 = BT.601 luma; default: the file's own channels (1-4). */
  channels?: 1 | 3;
  /** Resize to [height, width] while decoding (sharp's Lanczos filter, which antialiases when shrinking). */
  size?: readonly [number, number];
  /**
   * How the image fits `size`: 'fill' stretches (torchvision's Resize((h, w))), 'cover' crops the centre to
   * keep the aspect, 'inside' shrinks (never enlarges) to fit within size, keeping the aspect.
   */
  fit?: 'fill' | 'cover' | 'inside';
}

/** Decode PNG/JPEG/WebP/... bytes; `source` names them in errors (a path, a URL). EXIF orientation is applied. */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}, source = `${bytes.length} bytes`): Promise<RawImage> {
  const { channels, size, fit = 'fill' } = options;
  if (channels !== undefined && channels !== 1 && channels !== 3) throw new Error(`decodeImage: channels must be 1 or 3, got ${channels}`);
  if (size && !(size.length === 2 && size.every((v) => Number.isInteger(v) && v > 0))) {
    throw new Error(`decodeImage: size must be [height, width] of positive integers, got ${JSON.stringify(size)}`);
  }
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(bytes).autoOrient();
    if (size) pipeline = pipeline.resize(size[1], size[0], { fit, withoutEnlargement: fit === 'inside' });
    // sharp outputs sRGB by default; a gray file keeps its own 1 (or 2, with alpha) channels unless asked otherwise.
    const isGray = channels === undefined && ['b-w', 'grey16'].includes((await sharp(bytes).metadata()).space ?? '');
    if (channels !== undefined) pipeline = pipeline.removeAlpha().toColourspace('srgb');
    else if (isGray) pipeline = pipeline.toColourspace('b-w');
    decoded = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new Error(`decodeImage: ${source} is not an image sharp can decode (sharp: ${(error as Error).message})`, { cause: error });
  }
  const { width, height, channels: decodedChannels } = decoded.info;
  const image: RawImage = { width, height, channels: decodedChannels, data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) };
  checkRawImage(image, 'decodeImage');
  return channels === undefined ? image : convertChannels(image, channels);
}

/** The file's pixels as a RawImage (8-bit HWC). */
export async function readRawImage(path: string, options: DecodeOptions = {}): Promise<RawImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`readImage: cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
  try {
    return await decodeImage(bytes, options, `'${path}'`);
  } catch (error) {
    throw new Error(`readImage: ${(error as Error).message.replace(/^decodeImage: /, '')}`, { cause: error });
  }
}

/** An image file's width and height after EXIF orientation, from its header (nothing is decoded). */
export async function readImageSize(path: string): Promise<{ width: number; height: number }> {
  try {
    const { autoOrient } = await sharp(path).metadata();
    return { width: autoOrient.width, height: autoOrient.height };
  } catch (error) {
    throw new Error(`readImageSize: '${path}' is not an image sharp can read (sharp: ${(error as Error).message})`, { cause: error });
  }
}

/** An image file as a float32 tensor [H, W, C] in [0, 1]; channels default to 3 (RGB). */
export async function readImage(path: string, options: DecodeOptions = {}): Promise<Tensor> {
  // Before sharp is asked: a resize too large for the tensor is the size's fault, not the file's.
  if (options.size) assertAllocatable('readImage (size)', [...options.size, options.channels ?? 3], 'float32');
  return imageToTensor(await readRawImage(path, { channels: 3, ...options }));
}

export async function encodePng(image: RawImage): Promise<Uint8Array> {
  return encodeWith(image, 'png', (pipeline) => pipeline.png());
}

/** JPEG has no alpha channel: alpha is dropped. */
export async function encodeJpeg(image: RawImage, quality = 90): Promise<Uint8Array> {
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new Error(`encodeJpeg: quality must be an integer in 1..100, got ${quality}`);
  return encodeWith(image, 'jpeg', (pipeline) => pipeline.removeAlpha().jpeg({ quality }));
}

async function encodeWith(image: RawImage, format: ImageFormat, finish: (pipeline: Sharp) => Sharp): Promise<Uint8Array> {
  const where = format === 'png' ? 'encodePng' : 'encodeJpeg';
  checkRawImage(image, where);
  const { width, height, channels } = image;
  const input = sharp(image.data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
  // sharp writes sRGB unless told otherwise; keep gray images gray (a third of the size, and decoders see 1 channel).
  const colourspace = channels <= 2 ? input.toColourspace('b-w') : input;
  return new Uint8Array(await finish(colourspace).toBuffer());
}

export interface WriteImageOptions {
  /** Default: from the extension (.png, .jpg, .jpeg). */
  format?: ImageFormat;
  /** JPEG quality 1..100 (default 90). */
  quality?: number;
}

/**
 * Write a tensor ([H, W, C], [1, H, W, C] or [H, W], values in [0, 1]) or a RawImage as PNG or JPEG.
 * Atomic: the path holds the old file or the whole new one, never a partial image.
 */
export async function writeImage(path: string, image: Tensor | RawImage, options: WriteImageOptions = {}): Promise<void> {
  const format = options.format ?? formatFromExtension(path);
  const raw = 'shape' in image ? tensorToImage(image) : image;
  const bytes = format === 'png' ? await encodePng(raw) : await encodeJpeg(raw, options.quality);
  await atomicWriteFile(path, bytes);
}

function formatFromExtension(path: string): ImageFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.png') return 'png';
  if (extension === '.jpg' || extension === '.jpeg') return 'jpeg';
  throw new Error(`writeImage: cannot tell the format of '${path}' from its extension '${extension}'; use .png, .jpg or .jpeg, or pass { format }`);
}

/** ImageCodec backed by sharp, for code written against the browser-safe interface. */
export const sharpCodec: ImageCodec = {
  decode: (bytes) => decodeImage(bytes),
  encode: (image, format) => (format === 'png' ? encodePng(image) : encodeJpeg(image)),
};
