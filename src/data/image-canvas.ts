// Browser side of images: ImageData (always RGBA) <-> RawImage, and an ImageCodec built on the canvas.
// Uses only structural types and feature checks, so importing it in Node is harmless.
import { type ImageCodec, type ImageFormat, type RawImage, checkRawImage, convertChannels } from './image.js';

/** What ImageData, and anything shaped like it, provides: RGBA bytes, row-major. */
export interface ImageDataLike {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** Something to read pixels from: a canvas (HTML or Offscreen) or its 2D context. */
export type CanvasSource =
  | { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): ImageDataLike } | null; width: number; height: number }
  | { getImageData(x: number, y: number, w: number, h: number): ImageDataLike; canvas: { width: number; height: number } };

/** RGBA ImageData as a RawImage with 3 channels (alpha dropped, default), 1 (BT.601 luma) or 4. */
export function imageFromImageData(imageData: ImageDataLike, options: { channels?: 1 | 3 | 4 } = {}): RawImage {
  const rgba: RawImage = { width: imageData.width, height: imageData.height, channels: 4, data: imageData.data };
  checkRawImage(rgba, 'imageFromImageData');
  return convertChannels(rgba, options.channels ?? 3);
}

/** The pixels currently on a canvas (or 2D context), as a RawImage with 3 channels by default. */
export function imageDataFromCanvas(source: CanvasSource, options: { channels?: 1 | 3 | 4 } = {}): RawImage {
  if ('getImageData' in source) {
    return imageFromImageData(source.getImageData(0, 0, source.canvas.width, source.canvas.height), options);
  }
  const context = source.getContext('2d');
  if (!context) throw new Error('imageDataFromCanvas: the canvas has no 2D context (it may already hold a WebGL context)');
  return imageFromImageData(context.getImageData(0, 0, source.width, source.height), options);
}

/** RGBA bytes for ctx.putImageData(new ImageData(d.data, d.width, d.height), 0, 0); gray is spread to RGB. */
export function toImageData(image: RawImage): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } {
  checkRawImage(image, 'toImageData');
  const data = new Uint8ClampedArray(image.width * image.height * 4);
  data.set(convertChannels(image, 4).data);
  return { width: image.width, height: image.height, data };
}

/** Decode and encode with the browser's own codecs (createImageBitmap and OffscreenCanvas, in pages and workers). */
export function canvasCodec(): ImageCodec {
  const g = globalThis as { OffscreenCanvas?: typeof OffscreenCanvas; createImageBitmap?: typeof createImageBitmap };
  const Canvas = g.OffscreenCanvas;
  const createBitmap = g.createImageBitmap;
  if (!Canvas || !createBitmap) {
    throw new Error('canvasCodec: needs OffscreenCanvas and createImageBitmap (a browser page or worker); in Node use sharpCodec from convkit/node');
  }
  const context2d = (width: number, height: number): OffscreenCanvasRenderingContext2D => {
    const context = new Canvas(width, height).getContext('2d');
    if (!context) throw new Error('canvasCodec: OffscreenCanvas gave no 2D context');
    return context;
  };
  return {
    async decode(bytes: Uint8Array): Promise<RawImage> {
      let bitmap: ImageBitmap;
      try {
        bitmap = await createBitmap(new Blob([bytes.slice()]));
      } catch (error) {
        throw new Error(`canvasCodec.decode: ${bytes.length} bytes are not an image the browser can decode (${(error as Error).message})`);
      }
      const context = context2d(bitmap.width, bitmap.height);
      context.drawImage(bitmap, 0, 0);
      bitmap.close();
      const pixels = context.getImageData(0, 0, context.canvas.width, context.canvas.height);
      return { width: pixels.width, height: pixels.height, channels: 4, data: pixels.data };
    },
    async encode(image: RawImage, format: ImageFormat): Promise<Uint8Array> {
      const rgba = toImageData(image);
      const context = context2d(image.width, image.height);
      context.putImageData(new ImageData(rgba.data, image.width, image.height), 0, 0);
      const blob = await context.canvas.convertToBlob({ type: format === 'png' ? 'image/png' : 'image/jpeg' });
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}
