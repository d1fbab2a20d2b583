// Stacking samples into a batch: the fallback for datasets without getBatch.
import { Tensor } from '../tensor/tensor.js';
import { allocate } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Batch, Sample } from './dataset.js';

/** Stack samples along a new leading axis: x [B, ...xShape], y [B, ...yShape]. All samples must agree. */
export function collate(samples: readonly Sample[]): Batch {
  if (samples.length === 0) throw new Error('collate: cannot make a batch from 0 samples');
  return {
    x: stackField(samples.map((s) => s.x), 'x'),
    y: stackField(samples.map((s) => s.y), 'y'),
  };
}

function stackField(tensors: readonly Tensor[], field: string): Tensor {
  const first = tensors[0];
  const rowSize = first.size;
  const out = allocate(first.dtype, tensors.length * rowSize);
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype || !shapesEqual(t.shape, first.shape)) {
      throw new Error(
        `collate: sample ${i} has ${field} ${t.dtype} ${formatShape(t.shape)} but sample 0 has ` +
          `${first.dtype} ${formatShape(first.shape)}; every sample in a batch must match`,
      );
    }
    out.set(t.data, i * rowSize);
  });
  return new Tensor(out, [tensors.length, ...first.shape]);
}
