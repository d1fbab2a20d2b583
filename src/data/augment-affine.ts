// Rotation, shear, translation and scale as ONE affine warp about the image centre, sampled once
// (bilinear by default), so combining them blurs no more than any one of them.
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import type { ImageTransform, InterpolationMode } from './transforms-geometry.js';
import { imageSize, mapImages } from './image-tensor.js';

export interface AffineParams {
  /** Rotation in degrees, counter-clockwise as seen on screen (like torchvision's rotate and Keras). */
  angle?: number;
  /** Shift in pixels [right, down] applied after rotation, scale and shear. */
  translate?: readonly [number, number];
  /** Zoom factor about the centre (> 1 enlarges the content). */
  scale?: number;
  /** Shear angle in degrees parallel to x, or [x, y]: x' = x + tan(shearX) * y, y' = y + tan(shearY) * x. */
  shear?: number | readonly [number, number];
}

export interface WarpOptions {
  interpolation?: InterpolationMode;
  /** Value for pixels that come from outside the image (default 0). */
  fill?: number;
}

/**
 * Warp with the forward map p' = A (p - c) + c + t, where c is the centre ((W-1)/2, (H-1)/2) in pixel
 * coordinates and A = scale * Rotation * ShearY * ShearX. Each output pixel reads the input at the
 * inverse map; neighbours outside the image count as `fill`.
 */
export function affine(x: Tensor, params: AffineParams, options: WarpOptions = {}): Tensor {
  const inverse = inverseAffineMatrix(params);
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    throw new Error(`affine: interpolation must be 'bilinear' or 'nearest', got ${JSON.stringify(interpolation)}`);
  }
  const fill = options.fill ?? 0;
  const [tx, ty] = params.translate ?? [0, 0];
  return mapImages(x, 'affine', (image) => {
    const { height, width, channels } = imageSize(image, 'affine');
    const cx = (width - 1) / 2;
    const cy = (height - 1) / 2;
    const src = image.data;
    const out = new Float32Array(image.size);
    const at = (row: number, col: number, c: number): number =>
      row >= 0 && row < height && col >= 0 && col < width ? src[(row * width + col) * channels + c] : fill;
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < width; u++) {
        const dx = u - cx - tx;
        const dy = v - cy - ty;
        const sx = inverse[0] * dx + inverse[1] * dy + cx;
        const sy = inverse[2] * dx + inverse[3] * dy + cy;
        const o = (v * width + u) * channels;
        if (interpolation === 'nearest') {
          const row = Math.round(sy);
          const col = Math.round(sx);
          for (let c = 0; c < channels; c++) out[o + c] = at(row, col, c);
          continue;
        }
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let c = 0; c < channels; c++) {
          const top = at(y0, x0, c) * (1 - fx) + at(y0, x0 + 1, c) * fx;
          const bottom = at(y0 + 1, x0, c) * (1 - fx) + at(y0 + 1, x0 + 1, c) * fx;
          out[o + c] = top * (1 - fy) + bottom * fy;
        }
      }
    }
    return new Tensor(out, image.shape);
  });
}

/** Row-major 2x2 inverse of A = scale * R(angle) * ShearY * ShearX, in image coordinates (y down). */
export function inverseAffineMatrix(params: AffineParams): [number, number, number, number] {
  const { angle = 0, translate = [0, 0], scale = 1, shear = 0 } = params;
  const [shearX, shearY] = typeof shear === 'number' ? [shear, 0] : shear;
  const values = { angle, scale, shearX, shearY, translateX: translate[0], translateY: translate[1] };
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isFinite(v)) throw new Error(`affine: ${name} must be a finite number, got ${v}`);
  }
  if (scale <= 0) throw new Error(`affine: scale must be positive, got ${scale}`);
  if (Math.abs(shearX) >= 90 || Math.abs(shearY) >= 90) throw new Error(`affine: shear angles must lie in (-90, 90) degrees, got [${shearX}, ${shearY}]`);
  const radians = (angle * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const kx = Math.tan((shearX * Math.PI) / 180);
  const ky = Math.tan((shearY * Math.PI) / 180);
  // Counter-clockwise on screen with y pointing down: R = [[cos, sin], [-sin, cos]]; ShearY * ShearX = [[1, kx], [ky, 1 + ky kx]].
  const a = scale * (cos + sin * ky);
  const b = scale * (cos * kx + sin * (1 + ky * kx));
  const c = scale * (-sin + cos * ky);
  const d = scale * (-sin * kx + cos * (1 + ky * kx));
  const det = a * d - b * c;
  return [d / det, -b / det, -c / det, a / det];
}

/** A range [min, max], or a number m meaning [-m, m]. */
export type SymmetricRange = number | readonly [number, number];

export interface RandomAffineOptions extends WarpOptions {
  /** Rotation range in degrees (default 0: no rotation). */
  degrees?: SymmetricRange;
  /** Largest shift as fractions [of width, of height]; shifts are whole pixels, as in torchvision. */
  translate?: readonly [number, number];
  /** Zoom range [min, max] (default: no zoom). */
  scale?: readonly [number, number];
  /** Shear range in degrees along x; or [xMin, xMax, yMin, yMax] to shear along y as well. */
  shear?: SymmetricRange | readonly [number, number, number, number];
}

/** torchvision's RandomAffine: draws angle, translation, scale and shear, then applies one affine warp. */
export function randomAffine(options: RandomAffineOptions): ImageTransform {
  const degrees = range(options.degrees ?? 0, 'degrees');
  const translate = options.translate;
  if (translate && !(translate.length === 2 && translate.every((t) => t >= 0 && t <= 1))) {
    throw new Error(`randomAffine: translate must be [maxFractionX, maxFractionY] in [0, 1], got ${JSON.stringify(translate)}`);
  }
  const scale = options.scale;
  if (scale && !(scale.length === 2 && scale[0] > 0 && scale[0] <= scale[1])) {
    throw new Error(`randomAffine: scale must be [min, max] with 0 < min <= max, got ${JSON.stringify(scale)}`);
  }
  const shear = options.shear ?? 0;
  if (typeof shear !== 'number' && shear.length !== 2 && shear.length !== 4) {
    throw new Error(`randomAffine: shear must be a number, [min, max] or [xMin, xMax, yMin, yMax], got ${JSON.stringify(shear)}`);
  }
  const shearX = range(typeof shear === 'number' ? shear : [shear[0], shear[1]], 'shear');
  const shearY = typeof shear !== 'number' && shear.length === 4 ? range([shear[2], shear[3]], 'shear') : null;
  const warp: WarpOptions = { interpolation: options.interpolation, fill: options.fill };
  return (x, generator) =>
    mapImages(x, 'randomAffine', (image) => {
      const { height, width } = imageSize(image, 'randomAffine');
      const angle = draw(degrees, generator);
      const shift: [number, number] = translate
        ? [Math.round(draw([-translate[0] * width, translate[0] * width], generator)), Math.round(draw([-translate[1] * height, translate[1] * height], generator))]
        : [0, 0];
      const zoom = scale ? draw(scale, generator) : 1;
      const shearAngles: [number, number] = [draw(shearX, generator), shearY ? draw(shearY, generator) : 0];
      return affine(image, { angle, translate: shift, scale: zoom, shear: shearAngles }, warp);
    });
}

function range(value: SymmetricRange, name: string): [number, number] {
  const r: [number, number] = typeof value === 'number' ? [-value, value] : [value[0], value[1]];
  if ((typeof value === 'number' && value < 0) || !r.every(Number.isFinite) || r[0] > r[1]) {
    throw new Error(`randomAffine: ${name} must be a non-negative number or [min, max] with min <= max, got ${JSON.stringify(value)}`);
  }
  return r;
}

/** Uniform in [min, max]; a zero-width range draws nothing, so disabled parts leave the stream alone. */
function draw([min, max]: readonly [number, number], generator: Generator): number {
  return min === max ? min : generator.uniform(min, max);
}
