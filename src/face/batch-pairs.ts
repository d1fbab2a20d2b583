// Every pair of rows of one batch with whether their labels agree: the pairs a contrastive loss or a
// Siamese binary head trains on, from a P x K batch (PKBatchSampler) that holds both kinds.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

export interface BatchPairs {
  /** Rows i < j: pair t is (first[t], second[t]). */
  first: Int32Array;
  second: Int32Array;
  /** float32 [pairs]: 1 where the two rows share a label, 0 where they do not. */
  same: Tensor;
}

export function batchPairs(labels: Tensor): BatchPairs {
  if (labels.dtype !== 'int32' || labels.ndim !== 1 || labels.shape[0] < 2) {
    throw new Error(`batchPairs: labels must be int32 [B] with B >= 2, got ${labels.dtype} ${formatShape(labels.shape)}`);
  }
  const y = labels.data;
  const n = y.length;
  const count = (n * (n - 1)) / 2;
  const [first, second, same] = [new Int32Array(count), new Int32Array(count), new Float32Array(count)];
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, t++) {
      [first[t], second[t], same[t]] = [i, j, y[i] === y[j] ? 1 : 0];
    }
  }
  return { first, second, same: new Tensor(same, [count]) };
}
