// Checks shared by the optimisers: hyper-parameters (each error names the optimiser, the option and the
// range) and the arrays an update works on.
import type { TypedArray } from '../tensor/dtype.js';
import type { FloatArray } from '../backend/backend.js';

export function checkNonNegative(optimizer: string, option: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new Error(`${optimizer}: ${option} must be a finite number >= 0, got ${String(value)}`);
  }
}

/** 0 <= value < 1, as for momentum-like decay rates. */
export function checkUnitInterval(optimizer: string, option: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${optimizer}: ${option} must be in [0, 1), got ${String(value)}`);
  }
}

export function checkBoolean(optimizer: string, option: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new Error(`${optimizer}: ${option} must be true or false, got ${String(value)}`);
}

/** The update functions run on float32 or float64 arrays (a parameter's data and its state). */
export function asFloat(a: TypedArray, fn: string): FloatArray {
  if (a instanceof Float32Array || a instanceof Float64Array) return a;
  throw new Error(`${fn}: parameters, gradients and state must be float32 or float64 arrays, got ${a.constructor.name}`);
}

/** Every array an update reads or writes has the parameter's length. */
export function checkLengths(fn: string, param: TypedArray, others: Record<string, TypedArray | null>): void {
  for (const [name, a] of Object.entries(others)) {
    if (a && a.length !== param.length) throw new Error(`${fn}: ${name} has ${a.length} elements, the parameter ${param.length}`);
  }
}
