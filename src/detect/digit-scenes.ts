// Synthetic detection scenes: MNIST digits pasted at random sizes, aspect ratios and positions onto procedural
// textures, each in a colour that stands out from the texture under it. The label box is the tight box of the
// digit's ink (mask > INK) after scaling, so boxes are exact. Digits may touch but not hide one another: a
// placement covering more than MAX_COVER of a smaller box is redrawn.
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import { resize } from '../data/transforms-geometry.js';
import { proceduralTexture } from './procedural-texture.js';
import type { ImageLabels } from './yolo-labels.js';

/** A scaled digit pixel counts as ink above this (MNIST strokes are anti-aliased). */
const INK = 0.25;
/** Most of a smaller box another digit may cover. */
const MAX_COVER = 0.1;
/** Placements tried per digit before it is left out. */
const PLACEMENT_TRIES = 30;
/** Least difference in luma between a digit and the texture under it. */
const MIN_CONTRAST = 0.35;

export interface DigitSceneOptions {
  /** Side of the square image in pixels (default 160). */
  size?: number;
  /** Digits per image: 1 to maxObjects, uniformly (default 4). */
  maxObjects?: number;
  /** Side of a pasted 28 x 28 digit as a fraction of the image: uniform in [minScale, maxScale] (default 0.15, 0.5). */
  minScale?: number;
  maxScale?: number;
  /** Share of images with no digit at all, background images with empty label files (default 0.05). */
  backgroundFraction?: number;
}

export interface DigitScene {
  /** float32 [size, size, 3] in [0, 1]. */
  image: Tensor;
  /** The digits' classes and normalised cxcywh boxes. */
  labels: ImageLabels;
}

/** The options with their defaults, checked (errors name digitScene and the valid range). */
export function digitSceneOptions(options: DigitSceneOptions = {}): Required<DigitSceneOptions> {
  const { size = 160, maxObjects = 4, minScale = 0.15, maxScale = 0.5, backgroundFraction = 0.05 } = options;
  if (!(Number.isInteger(size) && size >= 32)) throw new Error(`digitScene: size must be an integer of at least 32 pixels, got ${size}`);
  if (!(Number.isInteger(maxObjects) && maxObjects >= 1)) throw new Error(`digitScene: maxObjects must be a positive integer, got ${maxObjects}`);
  if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
    throw new Error(`digitScene: need 0 < minScale <= maxScale <= 1 (fractions of the image side), got minScale ${minScale}, maxScale ${maxScale}`);
  }
  if (!(backgroundFraction >= 0 && backgroundFraction < 1)) throw new Error(`digitScene: backgroundFraction must lie in [0, 1), got ${backgroundFraction}`);
  return { size, maxObjects, minScale, maxScale, backgroundFraction };
}

const luma = (r: number, g: number, b: number): number => 0.299 * r + 0.587 * g + 0.114 * b;

/** Mean luma of the texture inside [x1, x2) x [y1, y2). */
function meanLuma(image: Float32Array, size: number, [x1, y1, x2, y2]: number[]): number {
  let sum = 0;
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) sum += luma(image[3 * (y * size + x)], image[3 * (y * size + x) + 1], image[3 * (y * size + x) + 2]);
  return sum / ((x2 - x1) * (y2 - y1));
}

/** A random colour at least MIN_CONTRAST away in luma from `background`, or black or white when none is drawn. */
function contrastingColour(background: number, generator: Generator): number[] {
  for (let i = 0; i < 20; i++) {
    const colour = [generator.random(), generator.random(), generator.random()];
    if (Math.abs(luma(colour[0], colour[1], colour[2]) - background) >= MIN_CONTRAST) return colour;
  }
  return background > 0.5 ? [0, 0, 0] : [1, 1, 1];
}

/** The tight box [x1, y1, x2, y2) of the mask's ink, or null if it has none. */
function inkBox(mask: Float32Array, width: number, height: number): number[] | null {
  let [x1, y1, x2, y2] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] <= INK) continue;
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x + 1);
      y2 = Math.max(y2, y + 1);
    }
  }
  return x2 > x1 && y2 > y1 ? [x1, y1, x2, y2] : null;
}

/** Intersection of two [x1, y1, x2, y2] boxes over the smaller one's area. */
function cover(a: number[], b: number[]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]));
}

/**
 * One scene from `digits` (float32 [N, 28, 28, 1] in [0, 1], white ink on black, as loadMnist gives them)
 * with their `classes`; all randomness comes from `generator`, so a seed gives the same scene.
 */
export function digitScene(digits: Tensor, classes: ArrayLike<number>, generator: Generator, options: DigitSceneOptions = {}): DigitScene {
  const { size, maxObjects, minScale, maxScale, backgroundFraction } = digitSceneOptions(options);
  if (!(digits.ndim === 4 && digits.shape[3] === 1 && digits.shape[0] > 0)) {
    throw new Error(`digitScene: digits must be [N, H, W, 1] gray images (N > 0), got ${JSON.stringify(digits.shape)}`);
  }
  const [count, digitH, digitW] = digits.shape;
  if (classes.length !== count) throw new Error(`digitScene: ${classes.length} classes for ${count} digits`);
  const image = proceduralTexture(size, size, generator);
  const pixels = image.data as Float32Array;
  const labels: ImageLabels = { classes: [], boxes: [] };
  const wanted = generator.random() < backgroundFraction ? 0 : 1 + generator.randint(maxObjects);
  const placed: number[][] = [];
  for (let n = 0; n < wanted; n++) {
    const index = generator.randint(count);
    const side = generator.uniform(minScale, maxScale) * size;
    const aspect = Math.sqrt(generator.uniform(0.75, 1.33));
    const w = Math.max(8, Math.min(size, Math.round(side * aspect)));
    const h = Math.max(8, Math.min(size, Math.round(side / aspect)));
    const digit = new Tensor(digits.data.slice(index * digitH * digitW, (index + 1) * digitH * digitW), [digitH, digitW, 1]);
    const mask = resize(digit, [h, w]).data as Float32Array;
    const ink = inkBox(mask, w, h);
    if (!ink) continue;
    let box: number[] | null = null;
    let at: [number, number] = [0, 0];
    for (let t = 0; t < PLACEMENT_TRIES && !box; t++) {
      at = [generator.randint(size - w + 1), generator.randint(size - h + 1)];
      const candidate = [at[0] + ink[0], at[1] + ink[1], at[0] + ink[2], at[1] + ink[3]];
      if (placed.every((other) => cover(candidate, other) <= MAX_COVER)) box = candidate;
    }
    if (!box) continue;
    const colour = contrastingColour(meanLuma(pixels, size, box), generator);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const alpha = Math.min(1, Math.max(0, mask[y * w + x]));
        const o = 3 * ((at[1] + y) * size + at[0] + x);
        for (let ch = 0; ch < 3; ch++) pixels[o + ch] += (colour[ch] - pixels[o + ch]) * alpha;
      }
    }
    placed.push(box);
    labels.classes.push(classes[index]);
    labels.boxes.push([(box[0] + box[2]) / 2 / size, (box[1] + box[3]) / 2 / size, (box[2] - box[0]) / size, (box[3] - box[1]) / size]);
  }
  return { image, labels };
}
