// Resolving convolution and pooling attributes (stride, padding, dilation) into explicit geometry, with
// the texts' formula: out = floor((n + 2p - f) / s) + 1, and 'same' padding p = (f - 1) / 2 at stride 1.
import { formatShape } from '../tensor/shape.js';

export type Pair = number | readonly [number, number];
/** 'valid' = no padding; 'same' = output size ceil(n / stride) (TensorFlow's rule); a number or per-side list. */
export type Padding = 'valid' | 'same' | number | readonly [number, number] | readonly [number, number, number, number];

export function pair(v: Pair, name: string, opName: string, min = 1): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!Array.isArray(v) && typeof v !== 'number') throw new Error(`${opName}: ${name} must be a number or [h, w]`);
  for (const x of p) {
    if (!Number.isInteger(x) || x < min) {
      throw new Error(`${opName}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer (or [h, w] of them), got ${typeof v === 'number' ? String(v) : `[${v.join(', ')}]`}`);
    }
  }
  return p;
}

/** Output length along one dimension; the formula from the texts, generalised to dilation and ceil mode. */
export function outputLength(n: number, padBefore: number, padAfter: number, kernel: number, stride: number, dilation = 1, ceilMode = false): number {
  const effective = dilation * (kernel - 1) + 1;
  const span = n + padBefore + padAfter - effective;
  if (span < 0) return 0;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // PyTorch: the last window must start inside the input or its leading padding.
  if ((out - 1) * stride >= n + padBefore) out--;
  return out;
}

/** 'same' padding (before, after) for one dimension: TensorFlow's rule, extra cell after. */
export function samePadding(n: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = dilation * (kernel - 1) + 1;
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + effective - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Padding as [top, bottom, left, right]. */
export function resolvePadding(
  padding: Padding,
  inH: number,
  inW: number,
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
  opName: string,
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const [t, b] = samePadding(inH, kernel[0], stride[0], dilation[0]);
    const [l, r] = samePadding(inW, kernel[1], stride[1], dilation[1]);
    return [t, b, l, r];
  }
  let p: number[];
  if (typeof padding === 'number') p = [padding, padding, padding, padding];
  else if (Array.isArray(padding) && padding.length === 2) p = [padding[0], padding[0], padding[1], padding[1]];
  else if (Array.isArray(padding) && padding.length === 4) p = [...padding];
  else p = [NaN];
  if (p.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new Error(
      `${opName}: padding must be 'valid', 'same', a non-negative integer, [padH, padW] or [top, bottom, left, right], got ${JSON.stringify(padding)}`,
    );
  }
  return p as [number, number, number, number];
}

export function assertRank4(shape: readonly number[], what: string, opName: string): void {
  if (shape.length !== 4) {
    throw new Error(`${opName}: ${what} must be 4-D [batch, height, width, channels] (NHWC), got ${formatShape(shape)}`);
  }
}
