// A heat map laid over its image for a picture: the map scaled to [0, 1] by its own minimum and maximum,
// resized bilinearly to the image where it is smaller (a Grad-CAM layer map), coloured and blended.
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
}

/** The map [h, w] scaled to [0, 1]; a constant map becomes zeros. */
export function normalizeMap(map: Tensor): Tensor {
  return noGrad(() => {
    const lo = map.min().item();
    const range = map.max().item() - lo;
    return range > 0 ? map.sub(lo).div(range) : map.mul(0);
  });
}

/**
 * The image (RGB or gray, [H, W, C] or [1, H, W, C], values in [0, 1]) with the heat map [h, w] coloured and
 * blended over it: an RGB image [H, W, 3] in [0, 1].
 */
export function overlayHeatMap(image: Tensor, map: Tensor, options: OverlayOptions = {}): Tensor {
  const { alpha = 0.5, colormap = 'turbo' } = options;
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
    return rgb.to('float32').clamp(0, 1).mul(1 - alpha).add(applyColormap(normalizeMap(sized), colormap).mul(alpha));
  });
}
