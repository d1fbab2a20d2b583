// Anchors for a dataset: every object's size in grid cells of the letterboxed network input (Darknet's unit
// for anchors), clustered by kmeansAnchors (distance 1 - IoU).
import type { AnnotatedImage } from './yolo-labels.js';
import { letterboxTransform } from './letterbox.js';
import { kmeansAnchors, type KmeansAnchors, type KmeansAnchorsOptions } from './anchors.js';

export interface BoxSizeOptions {
  /** The network's input size: each image is letterboxed to it (default 416). */
  size?: number | readonly [number, number];
  /** Pixels per grid cell (default 32, YOLOv2's stride): sizes come back in grid cells, as Darknet writes anchors. */
  stride?: number;
}

/** Every object's [w, h] in grid cells of the letterboxed input (kmeansAnchors' input). */
export function boxSizes(images: readonly AnnotatedImage[], options: BoxSizeOptions = {}): [number, number][] {
  const { size = 416, stride = 32 } = options;
  if (!(stride > 0)) throw new Error(`boxSizes: stride must be positive, got ${stride}`);
  return images.flatMap((image) => {
    const t = letterboxTransform(image.width, image.height, size);
    return image.boxes.map(([, , w, h]) => [(w * image.width * t.scale) / stride, (h * image.height * t.scale) / stride] as [number, number]);
  });
}

/** k anchors in grid cells for the images' objects, with their mean IoU and best possible recall. */
export function datasetAnchors(images: readonly AnnotatedImage[], k: number, options: BoxSizeOptions & KmeansAnchorsOptions = {}): KmeansAnchors {
  const sizes = boxSizes(images, options);
  if (sizes.length < k) throw new Error(`datasetAnchors: the ${images.length} images hold ${sizes.length} objects; k = ${k} anchors need at least ${k}`);
  return kmeansAnchors(sizes, k, options);
}
