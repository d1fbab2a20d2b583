// The course texts' "what are deep ConvNets learning?" (Zeiler & Fergus 2014): for chosen units of chosen
// layers, scan a set of images once and keep the k largest activations of each unit with the image and the
// position they came from; each one's receptive field, cropped from its image, shows what the unit responds to.
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { receptiveField, type ReceptiveField } from './receptive-field.js';
import { layerActivations, type VizModel } from './viz-model.js';
import { imageGrid, type ImageGrid } from './image-grid.js';

export interface TopPatch {
  /** The unit's activation there. */
  value: number;
  /** Index of the image in the scanned set. */
  image: number;
  /** [row, column] of the unit in the layer's feature map. */
  position: [number, number];
}

export interface LayerTopPatches {
  layer: string;
  receptiveField: ReceptiveField;
  /** One entry per unit asked for: its top k, largest first (ties: the earlier image, then position). */
  units: Array<{ unit: number; patches: TopPatch[] }>;
}

export interface TopPatchesOptions {
  /** Patches per unit (default 9). */
  k?: number;
  /** Images per forward pass (default 64). */
  batchSize?: number;
  /** Keep at most one patch per image for a unit (its largest activation there), as Zeiler & Fergus show (default true). */
  distinctImages?: boolean;
}

/** A unit's best k so far, sorted by value (descending), then scan order (ascending). */
class TopK {
  readonly items: Array<TopPatch & { order: number }> = [];
  constructor(private readonly k: number) {}

  offer(value: number, order: number, image: number, row: number, col: number): void {
    const items = this.items;
    if (items.length === this.k && !(value > items[items.length - 1].value)) return; // later ties lose
    let i = items.length;
    while (i > 0 && value > items[i - 1].value) i--;
    items.splice(i, 0, { value, order, image, position: [row, col] });
    if (items.length > this.k) items.pop();
  }
}

/**
 * The top k activations of each unit (channel) in `units` (layer name -> channels) over `images` [N, H, W, C]
 * in [0, 1], read in one pass of batches without a graph.
 */
export function topPatches(model: VizModel, units: Readonly<Record<string, readonly number[]>>, images: Tensor, options: TopPatchesOptions = {}): LayerTopPatches[] {
  const { k = 9, batchSize = 64, distinctImages = true } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`topPatches: k must be a positive integer, got ${k}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`topPatches: batchSize must be a positive integer, got ${batchSize}`);
  const [, ...imageShape] = images.shape;
  if (images.ndim !== 4 || images.shape[0] === 0 || imageShape.some((d, i) => d !== model.inputShape[i])) {
    throw new Error(`topPatches: images must be [N, ${model.inputShape.join(', ')}] (N > 0) for ${model.name}, got ${formatShape(images.shape)}`);
  }
  const layers = Object.keys(units);
  if (layers.length === 0) throw new Error('topPatches: name at least one layer');
  const heaps = new Map<string, TopK[]>();
  model.module.eval();
  noGrad(() => {
    for (let start = 0; start < images.shape[0]; start += batchSize) {
      const batch = images.narrow(0, start, Math.min(batchSize, images.shape[0] - start));
      const outputs = layerActivations(model, batch, layers);
      for (const layer of layers) {
        const a = outputs[layer];
        if (a.ndim !== 4) throw new Error(`topPatches: layer '${layer}' gives ${formatShape(a.shape)}; it needs a feature map [N, H, W, C]`);
        const [n, h, w, c] = a.shape;
        const chosen = units[layer];
        const bad = chosen.filter((u) => !Number.isInteger(u) || u < 0 || u >= c);
        if (bad.length || chosen.length === 0) throw new Error(`topPatches: layer '${layer}' has units 0..${c - 1}; got [${chosen.join(', ')}]`);
        if (!heaps.has(layer)) heaps.set(layer, chosen.map(() => new TopK(k)));
        const data = a.to('float32').data;
        chosen.forEach((unit, j) => {
          const heap = heaps.get(layer)![j];
          for (let b = 0; b < n; b++) {
            const image = start + b;
            let best = -Infinity;
            let bestAt = -1;
            for (let p = 0; p < h * w; p++) {
              const v = data[(b * h * w + p) * c + unit];
              if (distinctImages) {
                if (v > best) (best = v), (bestAt = p);
              } else heap.offer(v, image * h * w + p, image, Math.floor(p / w), p % w);
            }
            if (distinctImages && bestAt >= 0) heap.offer(best, image, image, Math.floor(bestAt / w), bestAt % w);
          }
        });
      }
    }
  });
  return layers.map((layer) => ({
    layer,
    receptiveField: receptiveField(model.module, layer, model.inputShape),
    units: units[layer].map((unit, j) => ({ unit, patches: heaps.get(layer)![j].items.map(({ value, image, position }) => ({ value, image, position })) })),
  }));
}

/**
 * The receptive field of the unit at `position` cut from `image` [H, W, C]: [size, size, C], where the window
 * reaches past the border filled with `fill`.
 */
export function cropReceptiveField(image: Tensor, rf: ReceptiveField, position: readonly [number, number], fill = 0): Tensor {
  if (image.ndim !== 3) throw new Error(`cropReceptiveField: the image must be [H, W, C], got ${formatShape(image.shape)}`);
  const [H, W, C] = image.shape;
  const [sh, sw] = rf.size;
  const top = rf.offset[0] + position[0] * rf.stride[0];
  const left = rf.offset[1] + position[1] * rf.stride[1];
  const src = image.to('float32').data;
  const out = new Float32Array(sh * sw * C).fill(fill);
  for (let y = 0; y < sh; y++) {
    const r = top + y;
    if (r < 0 || r >= H) continue;
    for (let x = 0; x < sw; x++) {
      const col = left + x;
      if (col < 0 || col >= W) continue;
      for (let ch = 0; ch < C; ch++) out[(y * sw + x) * C + ch] = src[(r * W + col) * C + ch];
    }
  }
  return tensor(out, [sh, sw, C]);
}

/** One picture per layer: a row per unit, its top patches left to right (largest first), patches upscaled to at least `minTile` pixels. */
export function topPatchesGrid(result: LayerTopPatches, images: Tensor, options: { minTile?: number; fill?: number } = {}): ImageGrid {
  const { minTile = 48, fill = 0 } = options;
  const rf = result.receptiveField;
  const rows = result.units.map((u) => u.patches.map((p) => cropReceptiveField(images.narrow(0, p.image, 1).reshape(images.shape.slice(1)), rf, p.position, fill)));
  return imageGrid(rows, {
    title: `${result.layer}: top ${Math.max(...result.units.map((u) => u.patches.length))} patches per unit (receptive field ${rf.size.join('x')})`,
    rowLabels: result.units.map((u) => `unit ${u.unit}`),
    scale: Math.max(1, Math.ceil(minTile / Math.max(...rf.size))),
  });
}
