// Augmentation for detection, after Ultralytics' training pipeline: a mosaic of four images (each placed with a
// corner on a random centre of a 2S x 2S canvas), a random scale and translation about the centre, horizontal
// and vertical flips, then colour jitter. Boxes move with the pixels through the same maps. A box that leaves
// the image is clipped to it, and dropped when what remains is under minVisible of its area or narrower than
// minSize pixels (Ultralytics' box_candidates: 0.1 and 2 px).
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import { affine } from '../data/augment-affine.js';
import { colorJitter, type ColorJitterOptions } from '../data/augment-color.js';
import { hflip, vflip, checkProbability } from '../data/augment-flip.js';
import { centerCrop } from '../data/transforms-geometry.js';
import { imageSize } from '../data/image-tensor.js';

export interface DetectionAugmentOptions {
  /** Probability of a mosaic of four images (default 0.5; Ultralytics trains with 1 and turns it off for the last epochs). */
  mosaic?: number;
  /** Scale drawn from [1 - scale, 1 + scale] (default 0.5, Ultralytics' scale). */
  scale?: number;
  /** Shift drawn from [-translate, translate] times the side, along each axis (default 0.1). */
  translate?: number;
  /** Flip probabilities (default 0.5 left-right, 0 top-bottom). */
  fliplr?: number;
  flipud?: number;
  /** torchvision ColorJitter strengths (default brightness 0.4, saturation 0.7, hue 0.015: Ultralytics' HSV gains). */
  colorJitter?: ColorJitterOptions;
  /** Keep a clipped box when at least this share of its area is left (default 0.1). */
  minVisible?: number;
  /** ... and it is at least this many pixels wide and high (default 2). */
  minSize?: number;
  /** Value of pixels from outside the image (default 114 / 255, the letterbox grey). */
  fill?: number;
}

/** An image [S, S, C] with boxes as pixel [x1, y1, x2, y2] and each box's area before any clipping. */
export interface BoxedImage {
  image: Tensor;
  classes: number[];
  boxes: number[][];
}

interface Tracked extends BoxedImage {
  /** Each box's full area after the geometric maps so far, unclipped: the reference of minVisible. */
  areas: number[];
}

/** The options with their defaults, checked (errors name augmentDetection and the valid range). */
export function detectionAugmentOptions(options: DetectionAugmentOptions = {}): Required<DetectionAugmentOptions> {
  const resolved = {
    mosaic: 0.5, scale: 0.5, translate: 0.1, fliplr: 0.5, flipud: 0, minVisible: 0.1, minSize: 2, fill: 114 / 255,
    colorJitter: { brightness: 0.4, saturation: 0.7, hue: 0.015 },
    ...options,
  };
  for (const key of ['mosaic', 'fliplr', 'flipud', 'minVisible'] as const) checkProbability(resolved[key], `augmentDetection: ${key}`);
  if (!(resolved.scale >= 0 && resolved.scale < 1)) throw new Error(`augmentDetection: scale must lie in [0, 1) (the zoom is drawn from [1 - scale, 1 + scale]), got ${resolved.scale}`);
  if (!(resolved.translate >= 0 && resolved.translate <= 0.5)) throw new Error(`augmentDetection: translate must lie in [0, 0.5] (a share of the side), got ${resolved.translate}`);
  if (!(resolved.minSize >= 0)) throw new Error(`augmentDetection: minSize must be a non-negative number of pixels, got ${resolved.minSize}`);
  return resolved;
}

const area = (b: number[]): number => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/** Boxes clipped to [0, width] x [0, height]; those with too little left are dropped. */
function clipAndDrop(t: Tracked, width: number, height: number, minVisible: number, minSize: number): Tracked {
  const out: Tracked = { image: t.image, classes: [], boxes: [], areas: [] };
  t.boxes.forEach((b, k) => {
    const clipped = [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(width, b[2]), Math.min(height, b[3])];
    if (clipped[2] - clipped[0] < minSize || clipped[3] - clipped[1] < minSize || area(clipped) < minVisible * t.areas[k]) return;
    out.classes.push(t.classes[k]);
    out.boxes.push(clipped);
    out.areas.push(t.areas[k]);
  });
  return out;
}

/**
 * Four images of one size S on a 2S x 2S canvas of `fill`: a centre (xc, yc) is drawn from [S/2, 3S/2]^2 and
 * image i is placed with its bottom-right, bottom-left, top-right or top-left corner on it.
 */
function mosaic(four: readonly BoxedImage[], generator: Generator, fill: number): Tracked {
  const { height: s, width, channels } = imageSize(four[0].image, 'augmentDetection');
  if (width !== s) throw new Error(`augmentDetection: mosaic needs square images (letterbox them), got ${width} x ${s}`);
  const side = 2 * s;
  const canvas = new Float32Array(side * side * channels).fill(fill);
  const xc = Math.floor(generator.uniform(s / 2, (3 * s) / 2));
  const yc = Math.floor(generator.uniform(s / 2, (3 * s) / 2));
  const offsets = [[xc - s, yc - s], [xc, yc - s], [xc - s, yc], [xc, yc]];
  const out: Tracked = { image: new Tensor(canvas, [side, side, channels]), classes: [], boxes: [], areas: [] };
  four.forEach((tile, i) => {
    const { height, width: w } = imageSize(tile.image, 'augmentDetection');
    if (height !== s || w !== s) throw new Error(`augmentDetection: mosaic images must share one size, got ${w} x ${height} and ${s} x ${s}`);
    const [ox, oy] = offsets[i];
    const src = tile.image.data;
    for (let y = Math.max(0, -oy); y < Math.min(s, side - oy); y++) {
      const x0 = Math.max(0, -ox);
      const x1 = Math.min(s, side - ox);
      canvas.set(src.subarray((y * s + x0) * channels, (y * s + x1) * channels), ((y + oy) * side + x0 + ox) * channels);
    }
    tile.boxes.forEach((b, k) => {
      const moved = [b[0] + ox, b[1] + oy, b[2] + ox, b[3] + oy];
      out.classes.push(tile.classes[k]);
      out.boxes.push(moved);
      out.areas.push(area(moved));
    });
  });
  return out;
}

/**
 * Scale about the centre and shift: affine's forward map in pixel-edge coordinates is
 * X' = s (X - W/2) + W/2 + t (its pixel centres sit at X - 0.5), so box corners follow exactly.
 */
function scaleAndShift(t: Tracked, s: number, tx: number, ty: number, fill: number): Tracked {
  const { height, width } = imageSize(t.image, 'augmentDetection');
  const map = (v: number, half: number, shift: number): number => s * (v - half) + half + shift;
  return {
    image: affine(t.image, { scale: s, translate: [tx, ty] }, { fill }),
    classes: t.classes,
    boxes: t.boxes.map((b) => [map(b[0], width / 2, tx), map(b[1], height / 2, ty), map(b[2], width / 2, tx), map(b[3], height / 2, ty)]),
    areas: t.areas.map((a) => a * s * s),
  };
}

/**
 * Augment one training image, or a mosaic of `samples[0..3]` (give four; only the first is used when no
 * mosaic is drawn). Every random draw comes from `generator`. Returns the image at the input size with
 * the boxes (pixel xyxy) that are still visible.
 */
export function augmentDetection(samples: readonly BoxedImage[], generator: Generator, options: DetectionAugmentOptions = {}): BoxedImage {
  const o = detectionAugmentOptions(options);
  if (samples.length !== 1 && samples.length !== 4) throw new Error(`augmentDetection: give 1 image, or 4 for a mosaic, got ${samples.length}`);
  const useMosaic = samples.length === 4 && generator.random() < o.mosaic;
  const { height, width } = imageSize(samples[0].image, 'augmentDetection');
  let t: Tracked = useMosaic
    ? mosaic(samples, generator, o.fill)
    : { ...samples[0], areas: samples[0].boxes.map(area) };
  if (useMosaic) t = clipAndDrop(t, 2 * width, 2 * height, 0, 0); // the canvas edge cuts pixels: boxes follow
  const s = generator.uniform(1 - o.scale, 1 + o.scale);
  const tx = generator.uniform(-o.translate, o.translate) * width;
  const ty = generator.uniform(-o.translate, o.translate) * height;
  t = scaleAndShift(t, s, tx, ty, o.fill);
  if (useMosaic) {
    // The centre S x S of the canvas (offsets S/2, as centerCrop floors them).
    const [left, top] = [Math.floor(width / 2), Math.floor(height / 2)];
    t = { ...t, image: centerCrop(t.image, [height, width]), boxes: t.boxes.map((b) => [b[0] - left, b[1] - top, b[2] - left, b[3] - top]) };
  }
  t = clipAndDrop(t, width, height, o.minVisible, o.minSize);
  if (generator.random() < o.fliplr) t = { ...t, image: hflip(t.image), boxes: t.boxes.map((b) => [width - b[2], b[1], width - b[0], b[3]]) };
  if (generator.random() < o.flipud) t = { ...t, image: vflip(t.image), boxes: t.boxes.map((b) => [b[0], height - b[3], b[2], height - b[1]]) };
  const image = Object.keys(o.colorJitter).length > 0 ? colorJitter(o.colorJitter)(t.image, generator) : t.image;
  return { image, classes: t.classes, boxes: t.boxes };
}
