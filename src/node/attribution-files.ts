// `convkit viz saliency|gradcam|occlusion` without the argument parsing: read the image at the model's input
// size, scale it as the model expects, attribute the class, write the heat map over the image as a PNG and
// return the figures the CLI prints (its --json contract: {files, figures}).
import { extname } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import type { VizModel } from '../viz/viz-model.js';
import type { Attribution } from '../viz/attribution.js';
import { saliency, smoothGrad } from '../viz/saliency.js';
import { gradCam } from '../viz/grad-cam.js';
import { occlusion } from '../viz/occlusion.js';
import { overlayHeatMap, type OverlayOptions } from '../viz/overlay.js';
import { readImage, writeImage, type DecodeOptions } from './image-io.js';

export type AttributionMethod = 'saliency' | 'smoothgrad' | 'gradcam' | 'occlusion';
export const ATTRIBUTION_METHODS: readonly AttributionMethod[] = ['saliency', 'smoothgrad', 'gradcam', 'occlusion'];

export interface AttributionFilesOptions extends OverlayOptions {
  /** The class explained (default: the model's top one). */
  target?: number;
  /** gradcam: the layer (required). */
  layer?: string;
  /** smoothgrad: noisy copies, noise level and seed (see smoothGrad). */
  samples?: number;
  noise?: number;
  seed?: number;
  /** occlusion: window, stride and baseline (see occlusion). */
  window?: number;
  stride?: number;
  baseline?: number;
  /** How the image fits the model's input size: 'cover' crops the centre to keep the aspect (default), 'fill' stretches. */
  fit?: 'cover' | 'fill';
}

export interface AttributionFigures {
  model: string;
  method: AttributionMethod;
  layer?: string;
  /** The class explained and the model's output for it. */
  target: number;
  score: number;
  inputShape: [number, number, number];
  /** The map's resolution before upsampling (Grad-CAM's layer; the image's otherwise). */
  mapShape: [number, number];
  /** [row, column] of the map's maximum, in the input's pixels. */
  peak: [number, number];
  seconds: number;
}

function attribute(model: VizModel, x: Tensor, method: AttributionMethod, o: AttributionFilesOptions): Attribution & { layerMap?: Tensor } {
  const { target } = o;
  if (method === 'saliency') return saliency(model.module, x, { target });
  if (method === 'smoothgrad') return smoothGrad(model.module, x, { target, samples: o.samples, noise: o.noise, seed: o.seed });
  if (method === 'occlusion') return occlusion(model.module, x, { target, window: o.window, stride: o.stride, baseline: o.baseline });
  if (method === 'gradcam') {
    if (!o.layer) throw new Error(`attributionFiles: gradcam needs a layer (a convolutional one of ${model.name}; list them with --list-layers)`);
    return gradCam(model.module, x, o.layer, { target });
  }
  throw new Error(`attributionFiles: method must be one of ${ATTRIBUTION_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
}

function argmax2d(map: Tensor): [number, number] {
  let best = 0;
  for (let i = 1; i < map.size; i++) if (map.data[i] > map.data[best]) best = i;
  return [Math.floor(best / map.shape[1]), best % map.shape[1]];
}

/** Attribute the model's class on the image file and write the overlay to `out` (.png or .jpg). */
export async function attributionFiles(model: VizModel, imagePath: string, out: string, method: AttributionMethod, options: AttributionFilesOptions = {}): Promise<AttributionFigures> {
  if (!['.png', '.jpg', '.jpeg'].includes(extname(out).toLowerCase())) throw new Error(`attributionFiles: the output '${out}' must end in .png, .jpg or .jpeg`);
  const started = performance.now();
  const [h, w, c] = model.inputShape;
  const fit: DecodeOptions['fit'] = options.fit ?? 'cover';
  const image = await readImage(imagePath, { size: [h, w], channels: c === 1 ? 1 : 3, fit });
  if (image.shape[2] !== c) throw new Error(`attributionFiles: ${model.name} takes ${c} channels; an image file gives 1 (gray) or 3 (RGB)`);
  const result = attribute(model, model.prepare(image.unsqueeze(0)), method, options);
  // Gradient maps are clipped at their 99th percentile for the picture, as the SmoothGrad authors' code does.
  const clipPercentile = options.clipPercentile ?? (method === 'saliency' || method === 'smoothgrad' ? 99 : 100);
  await writeImage(out, overlayHeatMap(image, result.map, { alpha: options.alpha, colormap: options.colormap, clipPercentile }));
  const coarse = result.layerMap ?? result.map;
  return {
    model: model.name,
    method,
    ...(method === 'gradcam' ? { layer: options.layer } : {}),
    target: result.target,
    score: result.score,
    inputShape: model.inputShape,
    mapShape: [coarse.shape[0], coarse.shape[1]],
    peak: argmax2d(result.map),
    seconds: (performance.now() - started) / 1000,
  };
}
