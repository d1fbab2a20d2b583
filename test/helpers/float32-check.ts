// A float32 op on a fast backend against the same op in float64 on the reference backend: the output and
// the gradients of a random projection sum(y * r) with respect to every input, each element within the
// error bound of float32 arithmetic.
//
// The bound: a sum of n float32 terms, in any order or blocking, with or without fused multiply-adds, is
// within gamma_n * sum|terms| of the exact sum, gamma_n = n u / (1 - n u), u = 2^-24 (Higham, Accuracy and
// Stability of Numerical Algorithms, 2nd ed., section 3.1); every further rounding of a value adds one to
// n. The inputs and r are float32 numbers, so the float64 reference sees exactly the same values and its
// own error (~1e-16 relative) does not count. sum|terms| is found per element by running the op once more on
// the reference in float64 with |inputs| and |r|: for the sums of products (conv, matmul, pooling) that is
// exactly the sum of the terms' magnitudes. Inputs whose sign steers the op (which element a max pool
// picks, where a ReLU is open) keep their sign there.
import assert from 'node:assert/strict';
import { type Generator, type Tensor, getBackend, getWasmStats, randn, setBackend } from '../../src/index.js';

/** The unit roundoff of float32. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** gamma_n: the relative bound on n float32 roundings in sequence. */
export function gamma(n: number): number {
  const nu = n * FLOAT32_UNIT_ROUNDOFF;
  assert.ok(nu < 0.5, `gamma(${n}): the bound needs n u well below 1`);
  return nu / (1 - nu);
}

/** The output and the gradients of sum(y * r), one per input that requires a gradient. */
export interface Evaluation {
  output: Tensor;
  grads: Tensor[];
}

export type OpFn = (...inputs: Tensor[]) => Tensor;

/** Runs fn on `backend` and backpropagates r; the previous backend is restored. */
export function evaluateOn(backend: string, fn: OpFn, inputs: Tensor[], upstream: (output: Tensor) => Tensor): Evaluation {
  const previous = getBackend().name;
  setBackend(backend);
  try {
    const output = fn(...inputs);
    output.backward(upstream(output));
    return { output, grads: inputs.filter((t) => t.requiresGrad).map((t, i) => t.grad ?? assert.fail(`input ${i} got no gradient`)) };
  } finally {
    setBackend(previous);
  }
}

/** A fresh leaf copy in `dtype`, requiring a gradient where the original does. */
export function leafCopy(t: Tensor, dtype: 'float32' | 'float64', transform: (t: Tensor) => Tensor = (u) => u): Tensor {
  const copy = transform(t.to(dtype)).clone().detach();
  return t.requiresGrad ? copy.requiresGrad_() : copy;
}

/** Per element: |actual - expected| <= gamma(terms) * magnitude; reports the first element outside. */
export function assertWithinRounding(actual: Tensor, expected: Tensor, magnitude: Tensor, terms: number, label: string): number {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  assert.equal(actual.dtype, 'float32', `${label}: the fast backend's result is float32`);
  const bound = gamma(terms);
  let worst = 0; // largest error in units of u * magnitude: how many roundings' worth the result used
  for (let i = 0; i < actual.size; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    const m = magnitude.data[i];
    const err = Math.abs(a - e);
    if (!(err <= bound * m)) {
      assert.fail(`${label}: element ${i} is ${a}, float64 gives ${e}: error ${err.toExponential(3)} > gamma_${terms} * ${m.toExponential(3)} = ${(bound * m).toExponential(3)}`);
    }
    if (err > 0) worst = Math.max(worst, err / (FLOAT32_UNIT_ROUNDOFF * m));
  }
  return worst;
}

/** sum|terms| of every output and gradient element: the op on |inputs| (but `signed`) and |r|, in float64. */
export function magnitudesOf(fn: OpFn, inputs: Tensor[], upstream: Tensor, signed: readonly number[] = []): Evaluation {
  const absInputs = inputs.map((t, i) => leafCopy(t, 'float64', signed.includes(i) ? undefined : (u) => u.abs()));
  const { output, grads } = evaluateOn('js', fn, absInputs, () => upstream.to('float64').abs());
  return { output: output.abs(), grads: grads.map((grad) => grad.abs()) }; // a signed input can leave a sign
}

export interface Float32Case {
  name: string;
  /** float32 inputs; those with requiresGrad get a gradient checked. */
  inputs: (g: Generator) => Tensor[];
  fn: OpFn;
  /** The longest chain of roundings behind any element of the output or a gradient (the n of gamma_n). */
  terms: number;
  /** Inputs whose sign steers the op: kept as they are when the magnitudes are computed. */
  signed?: readonly number[];
  /** sum|terms| per element where running the op on absolute values does not give it (batch norm). */
  magnitudes?: (inputs: Tensor[], upstream: Tensor) => Evaluation;
  /** Kernel paths (getWasmStats().kernels) that must have run, forward and backward. */
  paths: readonly string[];
}

export interface Float32Report {
  /** Largest error seen, in units of u * sum|terms|, for the output and each gradient. */
  worst: number[];
}

/**
 * Runs the case in float32 on `fast` and in float64 on the reference; asserts the kernel paths ran, that
 * nothing fell back to the reference kernels, and that every element is within the float32 bound.
 */
export function checkFloat32Against64(fast: string, c: Float32Case, g: Generator): Float32Report {
  const inputs = c.inputs(g);
  assert.ok(inputs.some((t) => t.requiresGrad), `${c.name}: a case must check at least one gradient`);
  let upstream = null as Tensor | null; // drawn inside the closure, so not narrowed to null here
  const projection = (y: Tensor) => (upstream ??= randn(y.shape, { generator: g }));

  const before = getWasmStats();
  const single = evaluateOn(fast, c.fn, inputs.map((t) => leafCopy(t, 'float32')), projection);
  const after = getWasmStats();
  const ran = (path: string) => (after.kernels[path] ?? 0) - (before.kernels[path] ?? 0);
  assert.deepEqual(c.paths.filter((path) => !(ran(path) > 0)), [], `${c.name}: kernel paths that did not run (ran: ${JSON.stringify(after.kernels)})`);
  const fellBack = Object.keys(after.fallbacks).filter((key) => after.fallbacks[key] > (before.fallbacks[key] ?? 0));
  assert.deepEqual(fellBack, [], `${c.name}: calls handed to the reference kernels`);

  const r = upstream ?? assert.fail(`${c.name}: no projection was drawn`);
  const double = evaluateOn('js', c.fn, inputs.map((t) => leafCopy(t, 'float64')), () => r.to('float64'));
  const sizes = c.magnitudes ? c.magnitudes(inputs.map((t) => leafCopy(t, 'float64')), r.to('float64')) : magnitudesOf(c.fn, inputs, r, c.signed);
  const worst = [assertWithinRounding(single.output, double.output, sizes.output, c.terms, `${c.name}: output`)];
  single.grads.forEach((grad, i) => worst.push(assertWithinRounding(grad, double.grads[i], sizes.grads[i], c.terms, `${c.name}: gradient ${i}`)));
  return { worst };
}
