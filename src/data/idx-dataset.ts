// From a pair of parsed IDX arrays (uint8 images, uint8 labels) to a classification TensorDataset.
// Browser-safe: the bytes may come from fs (src/node/datasets.ts) or from fetch.
import { Tensor } from '../tensor/tensor.js';
import type { IdxArray } from './idx.js';
import { TensorDataset } from './dataset.js';

/** Per-channel statistics of pixel values in [0, 1]: x = (pixel / 255 - mean) / std. */
export interface Normalization {
  mean: number;
  std: number;
}

export interface IdxImageOptions {
  /** Keep only the first `limit` samples (all of them when the data set is smaller). */
  limit?: number;
  /** Standardise pixels after scaling to [0, 1]; without it pixels stay in [0, 1]. */
  normalization?: Normalization;
  /** Named in errors, e.g. the file names. */
  source?: string;
}

/**
 * Images uint8 [N, H, W] (or [N, H, W, C]) and labels uint8 [N] as x float32 [N, H, W, C] in [0, 1]
 * (or standardised) and y int32 [N].
 */
export function imageClassificationFromIdx(images: IdxArray, labels: IdxArray, options: IdxImageOptions = {}): TensorDataset {
  const where = `imageClassificationFromIdx${options.source ? ` (${options.source})` : ''}`;
  if (images.dtype !== 'uint8' || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new Error(`${where}: images must be uint8 [N, H, W] or [N, H, W, C], got ${images.dtype} [${images.dims.join(', ')}]`);
  }
  if (labels.dtype !== 'uint8' || labels.dims.length !== 1) {
    throw new Error(`${where}: labels must be uint8 [N], got ${labels.dtype} [${labels.dims.join(', ')}]`);
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`${where}: ${images.dims[0]} images but ${labels.dims[0]} labels`);
  }
  const limit = options.limit ?? images.dims[0];
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`${where}: limit must be a positive integer, got ${limit}`);
  const n = Math.min(limit, images.dims[0]);
  const [, height, width, channels = 1] = images.dims;
  const pixelCount = n * height * width * channels;

  const lookup = pixelLookup(options.normalization, where);
  const pixels = images.data as Uint8Array;
  const x = new Float32Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) x[i] = lookup[pixels[i]];
  const y = Int32Array.from(labels.data.subarray(0, n));
  return new TensorDataset(new Tensor(x, [n, height, width, channels]), new Tensor(y, [n]));
}

/** The float value of each of the 256 byte values, so conversion is one table read per pixel. */
function pixelLookup(normalization: Normalization | undefined, where: string): Float32Array {
  const { mean, std } = normalization ?? { mean: 0, std: 1 };
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
    throw new Error(`${where}: normalization needs a finite mean and a positive std, got mean ${mean}, std ${std}`);
  }
  const lookup = new Float32Array(256);
  for (let v = 0; v < 256; v++) lookup[v] = (v / 255 - mean) / std;
  return lookup;
}
