// The edge-detection filters of the course texts, parsing of a custom kernel written "a,b,c;d,e,f;...", and
// filtering a grayscale image into the magnitude of its response (what `convkit filter` writes).
// Kernels are rows of numbers (row 0 on top), applied as cross-correlation like every CNN library.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { conv2d } from '../ops/conv.js';
import type { Padding } from '../ops/geometry.js';

/** A 2-D kernel as rows of numbers, row 0 on top; every row has the same length. */
export type KernelRows = number[][];

const VERTICAL: KernelRows = [
  [1, 0, -1],
  [1, 0, -1],
  [1, 0, -1],
];
const SOBEL_X: KernelRows = [
  [1, 0, -1],
  [2, 0, -2],
  [1, 0, -1],
];
const SCHARR_X: KernelRows = [
  [3, 0, -3],
  [10, 0, -10],
  [3, 0, -3],
];

function transpose(rows: KernelRows): KernelRows {
  return rows[0].map((_, c) => rows.map((row) => row[c]));
}

/** Named kernels: the x versions find vertical edges, their transposes (y) horizontal ones. */
export const EDGE_KERNELS: Readonly<Record<string, KernelRows>> = {
  vertical: VERTICAL,
  horizontal: transpose(VERTICAL),
  'sobel-x': SOBEL_X,
  'sobel-y': transpose(SOBEL_X),
  'scharr-x': SCHARR_X,
  'scharr-y': transpose(SCHARR_X),
};

const FORM = `a name (${Object.keys(EDGE_KERNELS).join(', ')}) or rows of numbers like "1,0,-1;1,0,-1;1,0,-1" (commas between values, semicolons between rows)`;

export interface ParseKernelOptions {
  /** What errors name, e.g. the command-line option the text came from (default 'parseKernel'). */
  source?: string;
}

/** A named kernel (EDGE_KERNELS) or a custom "a,b,c;d,e,f;..." one; errors say what was parsed and the expected form. */
export function parseKernel(text: string, options: ParseKernelOptions = {}): KernelRows {
  const source = options.source ?? 'parseKernel';
  const named = Object.hasOwn(EDGE_KERNELS, text) ? EDGE_KERNELS[text] : undefined;
  if (named) return named;
  if (!/[\d;,]/.test(text)) throw new Error(`${source}: unknown kernel '${text}'; expected ${FORM}`);
  const cells = text.split(';').map((row) => row.split(',').map((cell) => cell.trim()));
  const parsed = cells.map((row) => row.map((cell) => (cell === '' ? NaN : Number(cell))));
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (!Number.isFinite(parsed[r][c])) {
        throw new Error(`${source}: row ${r + 1}, value ${c + 1} is ${cell === '' ? 'empty' : `'${cell}'`}, not a number (parsed "${text}"); expected ${FORM}`);
      }
    }),
  );
  const widths = parsed.map((row) => row.length);
  if (widths.some((w) => w !== widths[0])) {
    throw new Error(`${source}: rows have different lengths (${widths.join(', ')} values in "${text}"); every row needs the same number of values; expected ${FORM}`);
  }
  return parsed;
}

export interface FilterImageOptions {
  /** Step between windows (default 1). */
  stride?: number;
  /** As F.conv2d: 'valid' (default), 'same' or pixels. */
  padding?: Padding;
}

/**
 * |image (*) kernel| / max: a grayscale image [H, W, 1] (values in [0, 1]) -> [H', W', 1] in [0, 1], the
 * strongest response white. A flat image has no edges anywhere: it gives all zeros, not a division by zero.
 */
export function filterImage(image: Tensor, kernel: KernelRows, options: FilterImageOptions = {}): Tensor {
  if (image.shape.length !== 3 || image.shape[2] !== 1) {
    throw new Error(`filterImage: expected a grayscale image [H, W, 1], got ${formatShape(image.shape)}`);
  }
  const width = kernel[0]?.length ?? 0;
  if (width === 0 || kernel.some((row) => row.length !== width)) {
    throw new Error(`filterImage: the kernel needs rows of one non-zero length; got ${kernel.length} row(s) of ${kernel.map((row) => row.length).join(', ') || 'no'} value(s)`);
  }
  const notFinite = kernel.flat().find((v) => !Number.isFinite(v));
  if (notFinite !== undefined) throw new Error(`filterImage: kernel values must be finite numbers, got ${notFinite}`);
  const [h, w] = image.shape;
  const weight = new Tensor(Float32Array.from(kernel.flat()), [kernel.length, width, 1, 1]);
  const response = conv2d(image.reshape([1, h, w, 1]), weight, null, { stride: options.stride ?? 1, padding: options.padding ?? 'valid' });
  const magnitude = response.abs();
  let max = 0;
  for (const v of magnitude.data) if (v > max) max = v;
  const [, outH, outW] = response.shape;
  return (max > 0 ? magnitude.div(max) : magnitude).reshape([outH, outW, 1]);
}
