// Mirroring: flips (each its own inverse) and their random forms.
import { Tensor } from '../tensor/tensor.js';
import type { ImageTransform } from './transforms-geometry.js';
import { imageSize, mapImages } from './image-tensor.js';

/** Mirror left-right. */
export function hflip(x: Tensor): Tensor {
  return mapImages(x, 'hflip', (image) => {
    const { height, width, channels } = imageSize(image, 'hflip');
    const out = new Float32Array(image.size);
    const src = image.data;
    for (let y = 0; y < height; y++) {
      for (let col = 0; col < width; col++) {
        const from = (y * width + (width - 1 - col)) * channels;
        out.set(src.subarray(from, from + channels), (y * width + col) * channels);
      }
    }
    return new Tensor(out, image.shape);
  });
}

/** Mirror top-bottom. */
export function vflip(x: Tensor): Tensor {
  return mapImages(x, 'vflip', (image) => {
    const { height, width, channels } = imageSize(image, 'vflip');
    const rowSize = width * channels;
    const out = new Float32Array(image.size);
    for (let y = 0; y < height; y++) out.set(image.data.subarray((height - 1 - y) * rowSize, (height - y) * rowSize), y * rowSize);
    return new Tensor(out, image.shape);
  });
}

/** Flip left-right with probability p (default 0.5). */
export function randomHorizontalFlip(p = 0.5): ImageTransform {
  checkProbability(p, 'randomHorizontalFlip');
  return (x, generator) => mapImages(x, 'randomHorizontalFlip', (image) => (generator.random() < p ? hflip(image) : image));
}

/** Flip top-bottom with probability p (default 0.5); for aerial or microscope images, not for most photos. */
export function randomVerticalFlip(p = 0.5): ImageTransform {
  checkProbability(p, 'randomVerticalFlip');
  return (x, generator) => mapImages(x, 'randomVerticalFlip', (image) => (generator.random() < p ? vflip(image) : image));
}

export function checkProbability(p: number, where: string): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`${where}: p must be a probability in [0, 1], got ${p}`);
}
