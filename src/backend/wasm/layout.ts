// Byte offsets of the task records the kernels read (every field an i32).
// Mirrors kernels/assembly/layout.ts: change both together.

/** GEMM record: C[M,N] = op(A)[M,K] · op(B)[K,N] (+ bias[N]). */
export const GemmField = {
  m: 0,
  n: 4,
  k: 8,
  aKind: 12,
  a: 16,
  lda: 20,
  transA: 24,
  b: 28,
  ldb: 32,
  transB: 36,
  c: 40,
  ldc: 44,
  bias: 48,
  split: 52,
  partial: 56,
  scratch: 60,
  scratchStride: 64,
  conv: 68,
  parts: 72,
  zero: 76,
  packed: 80,
  bKind: 84,
  chunk: 88,
  next: 92,
} as const;
export const GEMM_RECORD_BYTES = 96;

export const AKind = { matrix: 0, im2col: 1, im2colT: 2 } as const;
export const BKind = { matrix: 0, flipped: 1 } as const;
export const Split = { m: 0, n: 1, k: 2 } as const;

/** Conv geometry record, shared by the im2col packers, depthwise and col2im kernels. */
export const ConvField = {
  batch: 0,
  inH: 4,
  inW: 8,
  inC: 12,
  outH: 16,
  outW: 20,
  outC: 24,
  kH: 28,
  kW: 32,
  strideH: 36,
  strideW: 40,
  dilationH: 44,
  dilationW: 48,
  padTop: 52,
  padLeft: 56,
  cinG: 60,
  chOff: 64,
  x: 68,
  w: 72,
  y: 76,
  bias: 80,
  ldCol: 84,
  image0: 88,
  offsets: 92,
  slices: 96,
} as const;
export const CONV_RECORD_BYTES = 128;

/** Pooling record. */
export const PoolField = {
  batch: 0,
  inH: 4,
  inW: 8,
  channels: 12,
  outH: 16,
  outW: 20,
  kH: 24,
  kW: 28,
  strideH: 32,
  strideW: 36,
  padTop: 40,
  padLeft: 44,
  countIncludePad: 48,
  sum: 52,
  x: 56,
  y: 60,
  argmax: 64,
} as const;
export const POOL_RECORD_BYTES = 68;

/** Per-channel affine record (channelAffine). */
export const AffineField = {
  rows: 0,
  channels: 4,
  x: 8,
  center: 12,
  scale: 16,
  shift: 20,
  x2: 24,
  center2: 28,
  scale2: 32,
  y: 36,
  relu: 40,
} as const;
export const AFFINE_RECORD_BYTES = 44;

/** Per-channel sums record (channelSums). */
export const SumsField = {
  rows: 0,
  channels: 4,
  a: 8,
  aCenter: 12,
  b: 16,
  bCenter: 20,
  partial: 24,
  slices: 28,
} as const;
export const SUMS_RECORD_BYTES = 32;

/** Winograd record (winogradFilter, winogradConv). */
export const WinogradField = {
  conv: 0,
  x: 4,
  w: 8,
  flipped: 12,
  u: 16,
  y: 20,
  bias: 24,
  offsets: 28,
  zero: 32,
  scratch: 36,
  scratchStride: 40,
  block: 44,
  next: 48,
  pieces: 52,
  vRows: 56,
  /** Filter gradient: fixed slices of tiles, tiles per slice, their partial dU. */
  slices: 60,
  sliceTiles: 64,
  partial: 68,
  rowChunks: 72,
} as const;
export const WINOGRAD_RECORD_BYTES = 76;

/** Pointwise record (optimiser steps, ReLU): i32 fields, then float64 factors from `h`. */
export const PointwiseField = {
  n: 0,
  /** u32 [6]: the kernel's arrays in its order. */
  arrays: 4,
  flags: 28,
  h: 32,
} as const;
export const POINTWISE_MAX_ARRAYS = 6;
export const POINTWISE_MAX_FACTORS = 10;
export const POINTWISE_RECORD_BYTES = 32 + POINTWISE_MAX_FACTORS * 8;
export const SgdFlag = { nesterov: 1, firstStep: 2 } as const;
