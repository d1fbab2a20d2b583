// Tiling a batch of images into one picture, like torchvision.utils.make_grid, to save as a PNG.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

export interface GridOptions {
  /** Images per row (default 8; fewer when the batch is smaller). */
  nrow?: number;
  /** Pixels between images and around the edge (default 2). */
  padding?: number;
  /** Value of the padding pixels (default 0, black). */
  padValue?: number;
}

/** A batch [N, H, W, C] as one image [rows * (H + p) + p, cols * (W + p) + p, C], filled row by row. */
export function toGrid(batch: Tensor, options: GridOptions = {}): Tensor {
  const { nrow = 8, padding = 2, padValue = 0 } = options;
  if (batch.ndim !== 4 || batch.shape[0] === 0 || batch.dtype === 'int32') {
    throw new Error(`toGrid: expected a non-empty float batch [N, H, W, C], got ${batch.dtype} ${formatShape(batch.shape)}`);
  }
  if (!Number.isInteger(nrow) || nrow < 1) throw new Error(`toGrid: nrow must be a positive integer, got ${nrow}`);
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`toGrid: padding must be a non-negative integer, got ${padding}`);
  const [n, height, width, channels] = batch.shape;
  const cols = Math.min(nrow, n);
  const rows = Math.ceil(n / cols);
  const cellH = height + padding;
  const cellW = width + padding;
  const gridH = rows * cellH + padding;
  const gridW = cols * cellW + padding;
  const out = new Float32Array(gridH * gridW * channels).fill(padValue);
  const rowBytes = width * channels;
  for (let i = 0; i < n; i++) {
    const top = Math.floor(i / cols) * cellH + padding;
    const left = (i % cols) * cellW + padding;
    for (let y = 0; y < height; y++) {
      const from = (i * height + y) * rowBytes;
      out.set(batch.data.subarray(from, from + rowBytes), ((top + y) * gridW + left) * channels);
    }
  }
  return new Tensor(out, [gridH, gridW, channels]);
}
