// Random erasing (Zhong et al. 2017; torchvision's RandomErasing): blank out a random rectangle so the
// model learns from the rest of the object.
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import type { ImageTransform } from './transforms-geometry.js';
import { imageSize, mapImages } from './image-tensor.js';
import { checkProbability } from './augment-flip.js';

/** One value for every channel, one per channel, or 'random': standard normal noise per value (as torchvision). */
export type EraseValue = number | readonly number[] | 'random';

/** Set the rectangle [top, top + height) x [left, left + width) to value (clipped to the image). */
export function erase(x: Tensor, top: number, left: number, height: number, width: number, value: number | readonly number[] = 0): Tensor {
  return eraseWith(x, top, left, height, width, value, 'erase', null);
}

function eraseWith(x: Tensor, top: number, left: number, height: number, width: number, value: EraseValue, where: string, generator: Generator | null): Tensor {
  if (![top, left, height, width].every(Number.isInteger) || height < 0 || width < 0) {
    throw new Error(`${where}: top, left, height and width must be integers (sizes non-negative), got ${[top, left, height, width].join(', ')}`);
  }
  return mapImages(x, where, (image) => {
    const size = imageSize(image, where);
    const fillFor = fillFunction(value, size.channels, where, generator);
    const out = Float32Array.from(image.data);
    for (let y = Math.max(top, 0); y < Math.min(top + height, size.height); y++) {
      for (let col = Math.max(left, 0); col < Math.min(left + width, size.width); col++) {
        const o = (y * size.width + col) * size.channels;
        for (let c = 0; c < size.channels; c++) out[o + c] = fillFor(c);
      }
    }
    return new Tensor(out, image.shape);
  });
}

function fillFunction(value: EraseValue, channels: number, where: string, generator: Generator | null): (c: number) => number {
  if (value === 'random') {
    if (!generator) throw new Error(`${where}: value 'random' needs a generator`);
    return () => generator.normal();
  }
  if (typeof value === 'number') return () => value;
  if (value.length !== channels) throw new Error(`${where}: value has ${value.length} entries but the image has ${channels} channels`);
  return (c) => value[c];
}

export interface RandomErasingOptions {
  /** Probability of erasing at all (default 0.5). */
  p?: number;
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the rectangle's aspect ratio height/width, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  value?: EraseValue;
}

/** torchvision's RandomErasing: up to 10 tries to fit a rectangle of random area and aspect; unchanged if none fits. */
export function randomErasing(options: RandomErasingOptions = {}): ImageTransform {
  const { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 } = options;
  checkProbability(p, 'randomErasing');
  if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1)) throw new Error(`randomErasing: scale must be [min, max] with 0 < min <= max <= 1, got ${JSON.stringify(scale)}`);
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1] && Number.isFinite(ratio[1]))) throw new Error(`randomErasing: ratio must be [min, max] with 0 < min <= max, got ${JSON.stringify(ratio)}`);
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  return (x, generator) =>
    mapImages(x, 'randomErasing', (image) => {
      if (generator.random() >= p) return image;
      const { height, width } = imageSize(image, 'randomErasing');
      const area = height * width;
      for (let attempt = 0; attempt < 10; attempt++) {
        const eraseArea = area * generator.uniform(scale[0], scale[1]);
        const aspect = Math.exp(generator.uniform(logRatio[0], logRatio[1]));
        const h = Math.round(Math.sqrt(eraseArea * aspect));
        const w = Math.round(Math.sqrt(eraseArea / aspect));
        if (!(h < height && w < width)) continue;
        const top = generator.randint(height - h + 1);
        const left = generator.randint(width - w + 1);
        return eraseWith(image, top, left, h, w, value, 'randomErasing', generator);
      }
      return image;
    });
}
