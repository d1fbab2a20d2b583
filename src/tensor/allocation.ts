// Tensor storage with its size checked first: a shape too large for one typed array (or for the memory left)
// gets an error naming the op, the shape and the bytes it would need, not the engine's bare
// "RangeError: Invalid typed array length" from deep inside a kernel.
import { type DType, type TypedArray, allocate } from './dtype.js';
import { type Shape, formatShape, sizeOf } from './shape.js';

/**
 * The most elements one tensor may hold. V8 (Node 20 and Chrome) refuses typed arrays much past 2^32
 * elements; past it the check fails before any allocation is tried.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 32 - 1;

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes.toLocaleString('en-US')} bytes (${value.toFixed(1)} ${units[unit]})`;
}

function tooLarge(op: string, shape: Shape, dtype: DType, reason: string): Error {
  const size = sizeOf(shape);
  return new Error(`${op}: a ${dtype} tensor of shape ${formatShape(shape)} would need ${formatBytes(size * BYTES_PER_ELEMENT[dtype])}; ${reason}`);
}

/** Throws unless a tensor of `shape` fits in one typed array; callers that allocate later check here first. */
export function assertAllocatable(op: string, shape: Shape, dtype: DType): void {
  const size = sizeOf(shape);
  if (size > MAX_TENSOR_ELEMENTS) {
    throw tooLarge(op, shape, dtype, `one tensor holds at most ${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} elements (${size.toLocaleString('en-US')} asked for)`);
  }
}

/** The zeroed storage of a tensor of `shape`, or an error naming `op`, the shape and the bytes needed. */
export function allocateTensor(op: string, shape: Shape, dtype: DType): TypedArray {
  assertAllocatable(op, shape, dtype);
  try {
    return allocate(dtype, sizeOf(shape));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw tooLarge(op, shape, dtype, `the JavaScript engine could not allocate it (${error.message})`);
  }
}
