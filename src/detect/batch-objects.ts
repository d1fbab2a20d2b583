// A detection batch's targets are [M, 6] rows (image index in the batch, class, cx, cy, w, h; normalised),
// Ultralytics' collated layout, because images hold different numbers of objects. Split back per image for
// the loss (encodeYoloTargets) and for evaluation.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

export interface ImageObjects {
  /** Normalised cxcywh rows. */
  boxes: number[][];
  classes: number[];
}

/** Each of the batch's `batchSize` images' objects from the [M, 6] rows; `fn` names the caller in errors. */
export function batchObjects(y: Tensor, batchSize: number, fn: string): ImageObjects[] {
  if (!((y.ndim === 2 && y.shape[1] === 6) || y.size === 0)) {
    throw new Error(`${fn}: detection targets must be [M, 6] rows (image index in the batch, class, cx, cy, w, h), got ${formatShape(y.shape)}`);
  }
  const out = Array.from({ length: batchSize }, (): ImageObjects => ({ boxes: [], classes: [] }));
  const d = y.data;
  for (let m = 0; m < y.size / 6; m++) {
    const image = d[6 * m];
    if (!(Number.isInteger(image) && image >= 0 && image < batchSize)) {
      throw new Error(`${fn}: target row ${m} is for image ${image}, outside the batch of ${batchSize} images (0..${batchSize - 1})`);
    }
    out[image].classes.push(d[6 * m + 1]);
    out[image].boxes.push([d[6 * m + 2], d[6 * m + 3], d[6 * m + 4], d[6 * m + 5]]);
  }
  return out;
}
