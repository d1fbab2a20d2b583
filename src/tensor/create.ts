// Creating tensors: from nested arrays, constants, ranges and the seeded random generator.
import { Tensor } from './tensor.js';
import { type DType, type TypedArray, allocate, isFloat } from './dtype.js';
import { type Shape, assertValidShape, sizeOf, formatShape } from './shape.js';
import { type Generator, defaultGenerator } from '../util/random.js';
import { isBuildingShapeOnly, shapeOnly } from './shape-only.js';
import { allocateTensor } from './allocation.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function inferShape(values: unknown): number[] {
  const shape: number[] = [];
  let v = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flattenInto(values: unknown, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (typeof values !== 'number') throw new Error(`tensor: expected a number at depth ${dim}, got ${typeof values}`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new Error(`tensor: ragged nested array; expected ${shape[dim]} items at depth ${dim} (shape ${formatShape(shape)})`);
  }
  for (const v of values) flattenInto(v, shape, dim + 1, out);
}

/**
 * Make a tensor from a number, nested arrays, or a flat array/typed array plus a shape.
 * `tensor([[1, 2], [3, 4]])`, `tensor(new Float32Array(6), [2, 3])`.
 */
export function tensor(values: number | unknown[] | ArrayLike<number>, shape?: Shape, options: CreateOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float32';
  let flat: ArrayLike<number>;
  let finalShape: number[];
  if (typeof values === 'number') {
    flat = [values];
    finalShape = shape ? [...shape] : [];
  } else if (Array.isArray(values) && Array.isArray(values[0])) {
    finalShape = inferShape(values);
    const out: number[] = [];
    flattenInto(values, finalShape, 0, out);
    flat = out;
    if (shape) {
      if (sizeOf(shape) !== out.length) throw new Error(`tensor: ${out.length} values do not fill shape ${formatShape(shape)}`);
      finalShape = [...shape];
    }
  } else {
    flat = values as ArrayLike<number>;
    finalShape = shape ? [...shape] : [flat.length];
  }
  if (sizeOf(finalShape) !== flat.length) {
    throw new Error(`tensor: ${flat.length} values do not fill shape ${formatShape(finalShape)}`);
  }
  const data = allocate(dtype, flat.length);
  data.set(flat);
  return new Tensor(data, finalShape, options.requiresGrad ?? false);
}

/** A constant tensor; `op` names the public function in errors. */
function filled(op: string, shape: Shape, value: number, options: CreateOptions): Tensor {
  assertValidShape(shape, op);
  if (isBuildingShapeOnly()) return shapeOnly(shape, options).requiresGrad_(options.requiresGrad ?? false);
  const data = allocateTensor(op, shape, options.dtype ?? 'float32');
  data.fill(value);
  return new Tensor(data, shape, options.requiresGrad ?? false);
}

export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/** Values start, start+step, ... below end (like torch.arange). */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new Error('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = allocate(options.dtype ?? (Number.isInteger(start) && Number.isInteger(step) ? 'int32' : 'float32'), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n], options.requiresGrad ?? false);
}

/** n evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, n: number, options: CreateOptions = {}): Tensor {
  const data = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) data[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
  return new Tensor(data, [n], options.requiresGrad ?? false);
}

function randomTensor(shape: Shape, options: RandomOptions, fill: (g: Generator, out: TypedArray) => void): Tensor {
  const dtype = options.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new Error(`random tensors must be float32 or float64, got ${dtype}`);
  assertValidShape(shape, 'random tensor');
  if (isBuildingShapeOnly()) return shapeOnly(shape, options).requiresGrad_(options.requiresGrad ?? false);
  const data = allocateTensor('random tensor', shape, dtype);
  fill(options.generator ?? defaultGenerator(), data);
  return new Tensor(data, shape, options.requiresGrad ?? false);
}

/** Standard normal values from the seeded generator (see manualSeed). */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  return randomTensor(shape, options, (g, out) => g.fillNormal(out));
}

/** Uniform values in [0, 1) from the seeded generator. */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  return randomTensor(shape, options, (g, out) => g.fillUniform(out));
}

/** Uniform values in [low, high). */
export function uniform(shape: Shape, low: number, high: number, options: RandomOptions = {}): Tensor {
  return randomTensor(shape, options, (g, out) => g.fillUniform(out, low, high));
}

/** Integers uniform in [low, high) as int32. */
export function randint(low: number, high: number, shape: Shape, options: { generator?: Generator } = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low >= high) {
    throw new Error(`randint: low and high must be integers with low < high, got ${low} and ${high}`);
  }
  assertValidShape(shape, 'randint');
  const g = options.generator ?? defaultGenerator();
  const data = allocateTensor('randint', shape, 'int32');
  for (let i = 0; i < data.length; i++) data[i] = low + g.randint(high - low);
  return new Tensor(data, shape);
}

/** One-hot rows for integer labels: [n] -> [n, numClasses]. */
export function oneHot(labels: Tensor, numClasses: number, options: CreateOptions = {}): Tensor {
  const out = zeros([...labels.shape, numClasses], options);
  for (let i = 0; i < labels.size; i++) {
    const c = labels.data[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new Error(`oneHot: label ${c} at index ${i} is outside 0..${numClasses - 1}`);
    }
    out.data[i * numClasses + c] = 1;
  }
  return out;
}

/** Wrap an existing typed array without copying. */
export function fromTypedArray(data: TypedArray, shape: Shape, requiresGrad = false): Tensor {
  return new Tensor(data, shape, requiresGrad);
}
