// Elementwise closeness with a message that points at the first bad element.
import assert from 'node:assert/strict';

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/** |actual - expected| <= atol + rtol * |expected| everywhere, and the same length; NaN never passes. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}, label = 'values'): void {
  const { atol = 1e-6, rtol = 1e-5 } = tol;
  assert.equal(actual.length, expected.length, `${label}: length ${actual.length} differs from expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${label}: element ${i} is ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** Largest absolute value, used to scale an absolute tolerance to the size of a result. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** Asserts every value is finite (no NaN, no infinity). */
export function assertFinite(values: ArrayLike<number>, label: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) assert.fail(`${label}: element ${i} is ${values[i]}`);
  }
}
