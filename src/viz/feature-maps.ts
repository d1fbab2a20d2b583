// What a layer computes for one image, as a picture: each channel of its feature map scaled to its own
// minimum..maximum and coloured (viridis by default), one labelled tile per channel; and the first layer's
// filters as tiles (RGB for a colour input), each filter scaled to its own range.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { AnyModule } from '../nn/module.js';
import { Conv2d } from '../nn/layers.js';
import { applyColormap, type ColormapName } from './colormap.js';
import { imageGrid, type ImageGrid } from './image-grid.js';
import { layerActivations, type VizModel } from './viz-model.js';

export interface ChannelStats {
  channel: number;
  min: number;
  max: number;
  mean: number;
}

export interface FeatureMapsOptions {
  colormap?: ColormapName;
  /** Show channels 0..maxChannels-1 at most (default 64). */
  maxChannels?: number;
  /** Tiles per row (default 8). */
  columns?: number;
  /** Tiles are upscaled to at least this many pixels (default 48). */
  minTile?: number;
}

const chunk = <T>(items: T[], n: number): T[][] => Array.from({ length: Math.ceil(items.length / n) }, (_, i) => items.slice(i * n, (i + 1) * n));

/** The channels of `layer`'s output for `image` ([H, W, C] or [1, H, W, C] in [0, 1]) as a grid, with each channel's range. */
export function featureMaps(model: VizModel, image: Tensor, layer: string, options: FeatureMapsOptions = {}): { grid: ImageGrid; channels: ChannelStats[]; shape: number[] } {
  const { colormap = 'viridis', maxChannels = 64, columns = 8, minTile = 48 } = options;
  const batch = image.ndim === 3 ? image.reshape([1, ...image.shape]) : image;
  if (batch.ndim !== 4 || batch.shape[0] !== 1 || batch.shape.slice(1).some((d, i) => d !== model.inputShape[i])) {
    throw new Error(`featureMaps: the image must be [${model.inputShape.join(', ')}] for ${model.name}, got ${formatShape(image.shape)}`);
  }
  if (!Number.isInteger(maxChannels) || maxChannels < 1) throw new Error(`featureMaps: maxChannels must be a positive integer, got ${maxChannels}`);
  model.module.eval();
  const a = noGrad(() => layerActivations(model, batch, [layer])[layer]);
  if (a.ndim !== 4) throw new Error(`featureMaps: layer '${layer}' gives ${formatShape(a.shape)}; it needs a feature map [1, H, W, C]`);
  const [, h, w, c] = a.shape;
  const data = a.to('float32').data;
  const shown = Math.min(c, maxChannels);
  const channels: ChannelStats[] = [];
  const tiles: Tensor[] = [];
  for (let k = 0; k < shown; k++) {
    const values = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) values[p] = data[p * c + k];
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    for (const v of values) (lo = Math.min(lo, v)), (hi = Math.max(hi, v)), (sum += v);
    channels.push({ channel: k, min: lo, max: hi, mean: sum / values.length });
    const range = hi - lo;
    tiles.push(applyColormap(new Tensor(values.map((v) => (range > 0 ? (v - lo) / range : 0)), [h, w]), colormap));
  }
  const grid = imageGrid(chunk(tiles, columns), {
    title: `${layer}: ${h}x${w}x${c}${shown < c ? `, channels 0-${shown - 1}` : ''}, each scaled to its own min..max (${colormap})`,
    tileLabels: channels.map((s) => `${s.channel}`),
    scale: Math.max(1, Math.ceil(minTile / Math.max(h, w))),
  });
  return { grid, channels, shape: [h, w, c] };
}

/** The first Conv2d in namedModules() order, or the named one. */
function convLayer(module: AnyModule, layer: string | undefined): [string, Conv2d] {
  const modules = module.namedModules();
  if (layer !== undefined) {
    const found = modules.find(([n]) => n === layer);
    if (!found) throw new Error(`filters: no layer named '${layer}'; layers include: ${modules.map(([n]) => n).filter(Boolean).slice(0, 30).join(', ')}`);
    if (!(found[1] instanceof Conv2d)) throw new Error(`filters: layer '${layer}' is a ${found[1].constructor.name}, not a Conv2d`);
    return [layer, found[1]];
  }
  const first = modules.find(([, m]) => m instanceof Conv2d);
  if (!first) throw new Error(`filters: ${module.constructor.name} has no Conv2d layer`);
  return first as [string, Conv2d];
}

/** A convolution's filters (default: the first layer's) as tiles, RGB for 3 input channels, each scaled to its own range. */
export function filters(module: AnyModule, options: { layer?: string; columns?: number; minTile?: number } = {}): { grid: ImageGrid; layer: string; shape: number[] } {
  const { columns = 8, minTile = 32 } = options;
  const [name, conv] = convLayer(module, options.layer);
  const [kh, kw, inC, outC] = conv.weight.shape;
  if (inC !== 1 && inC !== 3) {
    throw new Error(`filters: layer '${name}' has weights [${kh}, ${kw}, ${inC}, ${outC}]; only filters over 1 or 3 input channels (a first layer) are pictures`);
  }
  const wdata = conv.weight.to('float32').data;
  const tiles: Tensor[] = [];
  for (let o = 0; o < outC; o++) {
    const values = new Float32Array(kh * kw * inC);
    for (let i = 0; i < values.length; i++) values[i] = wdata[i * outC + o];
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    const range = hi - lo;
    tiles.push(new Tensor(values.map((v) => (range > 0 ? (v - lo) / range : 0.5)), [kh, kw, inC]));
  }
  const grid = imageGrid(chunk(tiles, columns), {
    title: `${name}: ${outC} filters ${kh}x${kw}x${inC}, each scaled to its own min..max`,
    tileLabels: tiles.map((_, o) => `${o}`),
    scale: Math.max(1, Math.ceil(minTile / Math.max(kh, kw))),
  });
  return { grid, layer: name, shape: [kh, kw, inC, outC] };
}
