// Occlusion sensitivity (Zeiler & Fergus 2014): slide a window of a baseline value over the image and record
// how much the class score drops. As Captum's Occlusion, a pixel's value is the mean drop over the windows
// that cover it, so the map has the image's size; the last window on each axis is placed flush with the
// edge, so every pixel is covered.
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { AnyModule } from '../nn/module.js';
import { type Attribution, type AttributionOptions, asBatchOfOne, inAttributionMode, outputsPerImage, scoreImage } from './attribution.js';

export interface OcclusionOptions extends AttributionOptions {
  /** The occluding window, pixels [height, width] or one number for both (default: an eighth of the image's shorter side, at least 1). */
  window?: number | readonly [number, number];
  /** Pixels between window positions (default: half the window, at least 1). */
  stride?: number | readonly [number, number];
  /** The value the window holds, in the model's input units (default 0). */
  baseline?: number;
  /** Occluded images per forward pass (default 16). */
  batchSize?: number;
}

function pairOf(name: string, v: number | readonly [number, number], limit: readonly [number, number]): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : [NaN, NaN];
  if (p.some((d, i) => !Number.isInteger(d) || d < 1 || d > limit[i])) {
    throw new Error(`occlusion: ${name} must be a positive integer or [height, width] of them, at most the image's ${limit[0]}x${limit[1]}, got ${JSON.stringify(v)}`);
  }
  return p as [number, number];
}

/** Window starts along one axis: 0, stride, 2 stride, ... and the one flush with the end. */
export function windowStarts(size: number, window: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + window <= size; s += stride) starts.push(s);
  if (starts[starts.length - 1] !== size - window) starts.push(size - window);
  return starts;
}

/** The mean score drop over the windows covering each pixel: a map [H, W] (positive where occluding hurts the class). */
export function occlusion(model: AnyModule, image: Tensor, options: OcclusionOptions = {}): Attribution {
  const x = asBatchOfOne(image, 'occlusion');
  const [, h, w, c] = x.shape;
  const side = Math.max(1, Math.round(Math.min(h, w) / 8));
  const window = pairOf('window', options.window ?? side, [h, w]);
  const stride = pairOf('stride', options.stride ?? [Math.max(1, Math.floor(window[0] / 2)), Math.max(1, Math.floor(window[1] / 2))], [h, w]);
  const { baseline = 0, batchSize = 16 } = options;
  if (!Number.isFinite(baseline)) throw new Error(`occlusion: baseline must be a finite number, got ${baseline}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`occlusion: batchSize must be an integer >= 1, got ${batchSize}`);
  const positions = windowStarts(h, window[0], stride[0]).flatMap((top) => windowStarts(w, window[1], stride[1]).map((left) => [top, left] as const));
  return inAttributionMode(model, () => {
    const { target, score } = scoreImage(model, x, options.target, 'occlusion');
    const drop = new Float64Array(h * w);
    const covered = new Float64Array(h * w);
    const pixels = x.data;
    for (let first = 0; first < positions.length; first += batchSize) {
      const chunk = positions.slice(first, first + batchSize);
      const data = new (pixels.constructor as Float32ArrayConstructor)(chunk.length * x.size);
      chunk.forEach(([top, left], b) => {
        data.set(pixels as Float32Array, b * x.size);
        for (let r = top; r < top + window[0]; r++) data.fill(baseline, b * x.size + (r * w + left) * c, b * x.size + (r * w + left + window[1]) * c);
      });
      const scores = noGrad(() => outputsPerImage(model.forward(new Tensor(data, [chunk.length, h, w, c])), chunk.length, 'occlusion'));
      const units = scores.shape[1];
      chunk.forEach(([top, left], b) => {
        const d = score - Number(scores.data[b * units + target]);
        for (let r = top; r < top + window[0]; r++) {
          for (let col = left; col < left + window[1]; col++) (drop[r * w + col] += d), (covered[r * w + col] += 1);
        }
      });
    }
    const map = x.dtype === 'float64' ? new Float64Array(h * w) : new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) map[p] = drop[p] / covered[p];
    return { map: new Tensor(map, [h, w]), target, score };
  });
}
