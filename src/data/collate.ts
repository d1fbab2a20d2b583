// Stacking samples into a batch: the fallback for datasets without getBatch.
// Like PyTorch's default_collate, a sample's field may also be a plain number or a nested array of numbers.
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { type DType, allocate } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Batch, Indices, Sample } from './dataset.js';

/** What collate accepts in a sample's field: a tensor, a number, or a (rectangular) nested array of numbers. */
export type SampleValue = Tensor | number | readonly SampleValueArray[];
type SampleValueArray = number | readonly SampleValueArray[];

/** A sample as a Dataset written in plain JavaScript may return it. */
export interface PlainSample {
  x: SampleValue;
  y: SampleValue;
}

/**
 * Stack samples along a new leading axis: x [B, ...xShape], y [B, ...yShape]. All samples must agree.
 * Numbers and arrays become tensors as default_collate makes them, judged over the whole batch: x float32;
 * y int32 when every value is an integer (class labels, PyTorch's int64), float32 otherwise. `indices` (the
 * dataset indices of the samples) only serve to name the sample in errors.
 */
export function collate(samples: readonly (Sample | PlainSample)[], indices?: Indices): Batch {
  if (samples.length === 0) throw new Error('collate: cannot make a batch from 0 samples');
  const where = (i: number) => (indices ? `sample ${indices[i]} (batch position ${i})` : `sample ${i}`);
  return { x: stackField(fieldTensors(samples, 'x', where), 'x', where), y: stackField(fieldTensors(samples, 'y', where), 'y', where) };
}

interface PlainValues {
  shape: number[];
  values: number[];
}

function fieldTensors(samples: readonly (Sample | PlainSample)[], field: 'x' | 'y', where: (i: number) => string): Tensor[] {
  const read = samples.map((sample, i) => readField(sample, field, where(i)));
  const plain = read.filter((v): v is PlainValues => !(v instanceof Tensor));
  const dtype: DType = field === 'y' && plain.every((p) => p.values.every(Number.isInteger)) ? 'int32' : 'float32';
  return read.map((v) => (v instanceof Tensor ? v : tensor(v.values, v.shape, { dtype })));
}

function readField(sample: Sample | PlainSample, field: 'x' | 'y', where: string): Tensor | PlainValues {
  if (typeof sample !== 'object' || sample === null) {
    throw new Error(`collate: ${where} is ${describe(sample)}; a dataset's get() must return { x, y }`);
  }
  const value: unknown = sample[field];
  if (value instanceof Tensor) return value;
  const shape = shapeOfPlain(value);
  const values: number[] = [];
  if (flattenPlain(value, shape, 0, values)) return { shape, values };
  throw new Error(
    `collate: ${where} has ${field} = ${describe(value)}; expected a Tensor, a number or a rectangular nested ` +
      `array of numbers`,
  );
}

/** The shape a nested array would have, read along its first items. */
function shapeOfPlain(value: unknown): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

/** Flatten value into out; false unless it is numbers of exactly that shape. */
function flattenPlain(value: unknown, shape: readonly number[], depth: number, out: number[]): boolean {
  if (depth === shape.length) return typeof value === 'number' && (out.push(value), true);
  return Array.isArray(value) && value.length === shape[depth] && value.every((v) => flattenPlain(v, shape, depth + 1, out));
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array that is ragged or holds non-numbers';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function stackField(tensors: readonly Tensor[], field: string, where: (i: number) => string): Tensor {
  const first = tensors[0];
  const rowSize = first.size;
  const out = allocate(first.dtype, tensors.length * rowSize);
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype || !shapesEqual(t.shape, first.shape)) {
      throw new Error(
        `collate: ${where(i)} has ${field} ${t.dtype} ${formatShape(t.shape)} but ${where(0)} has ` +
          `${first.dtype} ${formatShape(first.shape)}; every sample in a batch must match`,
      );
    }
    out.set(t.data, i * rowSize);
  });
  return new Tensor(out, [tensors.length, ...first.shape]);
}
