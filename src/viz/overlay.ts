// A heat map laid over its image for a picture: the map scaled to [0, 1] from its minimum to its maximum (or
// to a percentile: gradient maps have a few extreme pixels that would leave the rest dark, so the SmoothGrad
// authors' code clips at the 99th), resized bilinearly to the image where it is smaller (a Grad-CAM layer map), coloured and blended.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { interpolate } from '../ops/interpolate.js';
import { applyColormap, type ColormapName } from './colormap.js';

export interface OverlayOptions {
  /** The heat map's weight in the blend, in [0, 1] (default 0.5). */
  alpha?: number;
  /** Default 'turbo'. */
  colormap?: ColormapName;
  /** The map's percentile that becomes 1 (values above it are clipped), in (0, 100] (default 100: the maximum). */
  clipPercentile?: number;
}

/** The p-th percentile of the values, interpolated linearly between the closest ranks (numpy's default). */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** The map scaled to [0, 1] from its minimum to its clipPercentile-th percentile (default 100, the maximum); a constant map becomes zeros. */
export function normalizeMap(map: Tensor, clipPercentile = 100): Tensor {
  if (!(clipPercentile > 0 && clipPercentile <= 100)) throw new Error(`normalizeMap: clipPercentile must be in (0, 100], got ${clipPercentile}`);
  return noGrad(() => {
    const lo = map.min().item();
    const range = (clipPercentile === 100 ? map.max().item() : percentile(map.data, clipPercentile)) - lo;
    return range > 0 ? map.sub(lo).div(range).clamp(0, 1) : map.mul(0);
  });
}

/**
 * The image (RGB or gray, [H, W, C] or [1, H, W, C], values in [0, 1]) with the heat map [h, w] coloured and
 * blended over it: an RGB image [H, W, 3] in [0, 1].
 */
export function overlayHeatMap(image: Tensor, map: Tensor, options: OverlayOptions = {}): Tensor {
  const { alpha = 0.5, colormap = 'turbo', clipPercentile = 100 } = options;
  const hwc = image.ndim === 4 && image.shape[0] === 1 ? image.reshape(image.shape.slice(1)) : image;
  if (hwc.ndim !== 3 || (hwc.shape[2] !== 1 && hwc.shape[2] !== 3)) {
    throw new Error(`overlayHeatMap: the image must be RGB or gray, [H, W, 3 or 1] or [1, H, W, 3 or 1], got ${formatShape(image.shape)}`);
  }
  if (map.ndim !== 2) throw new Error(`overlayHeatMap: the heat map must be [h, w], got ${formatShape(map.shape)}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`overlayHeatMap: alpha must be in [0, 1], got ${alpha}`);
  return noGrad(() => {
    const [h, w] = hwc.shape;
    const map32 = map.to('float32');
    const sized = map.shape[0] === h && map.shape[1] === w ? map32 : interpolate(map32.reshape([1, ...map.shape, 1]), { size: [h, w], mode: 'bilinear' }).reshape([h, w]);
    const rgb = hwc.shape[2] === 3 ? hwc : hwc.broadcastTo([h, w, 3]);
    return rgb.to('float32').clamp(0, 1).mul(1 - alpha).add(applyColormap(normalizeMap(sized, clipPercentile), colormap).mul(alpha));
  });
}
