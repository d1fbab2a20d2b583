// clamp (number and tensor bounds), rsqrt, pow (tensor and number exponents and bases), minimum/maximum and
// normalize: hand-computed values and PyTorch's gradient rules at the edges (bounds, ties, 0 ** p, zero
// vectors), float64 central differences, and TensorFlow.js (CPU) as an independent implementation.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, Tensor, gradcheck, randn, tensor, uniform } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';
import { compareWithTfjs, tf } from './helpers/tfjs-reference.js';

const f64 = (values: number[], shape?: number[]) => tensor(values, shape, { dtype: 'float64' }).requiresGrad_();
/** tfjs's maximum and minimum gradients do not undo broadcasting: broadcast explicitly (broadcastTo's does). */
const full = (t: tf.Tensor, shape: number[]) => tf.broadcastTo(t, shape);
/** Gradients of sum(fn(...inputs) * weights) for the inputs. */
function gradsOf(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], weights?: number[]): number[][] {
  for (const t of inputs) t.grad = null;
  const y = fn(...inputs);
  (weights ? y.mul(tensor(weights, [...y.shape], { dtype: y.dtype })) : y).sum().backward();
  return inputs.map((t) => Array.from(t.grad?.data ?? new Float64Array(t.size)));
}

forEachBackend(() => {
  it('clamp with number bounds, either optional, and the gradient passing on [min, max] ends included', () => {
    const x = f64([-2, -1, 0, 1, 2, NaN]);
    assert.deepEqual(Array.from(F.clamp(x, -1, 1).data.slice(0, 5)), [-1, -1, 0, 1, 1]);
    assert.ok(Number.isNaN(F.clamp(x, -1, 1).data[5]));
    assert.deepEqual(Array.from(F.clamp(x, 0).data.slice(0, 5)), [0, 0, 0, 1, 2]);
    assert.deepEqual(Array.from(F.clamp(x, null, 0).data.slice(0, 5)), [-2, -1, 0, 0, 0]);
    assert.deepEqual(Array.from(x.clamp(undefined, 1).data.slice(0, 5)), [-2, -1, 0, 1, 1]);
    assert.deepEqual(gradsOf((t) => F.clamp(t, -1, 1), [x])[0], [0, 1, 1, 1, 0, 0]);
    assert.deepEqual(gradsOf((t) => F.clamp(t, 0), [x])[0], [0, 0, 1, 1, 1, 0]);
  });

  it("clamp with tensor bounds broadcasts, gives max where min > max, and splits the gradient as PyTorch's clamp", () => {
    const x = f64([-3, 0.5, 3, 1, 1, 2], [2, 3]);
    const lo = f64([-1, 0, 0], [3]);
    const hi = f64([1], [1]);
    assert.deepEqual(Array.from(F.clamp(x, lo, hi).data), [-1, 0.5, 1, 1, 1, 1]);
    const [dx, dlo, dhi] = gradsOf((a, b, c) => F.clamp(a, b, c), [x, lo, hi], [1, 2, 3, 4, 5, 6]);
    // x passes where lo <= x <= hi: (0,1) 0.5, (1,0) 1 = hi, (1,1) 1 = hi; lo gets (0,0); hi gets (0,2), (1,2).
    assert.deepEqual(dx, [0, 2, 0, 4, 5, 0]);
    assert.deepEqual(dlo, [1, 0, 0]);
    assert.deepEqual(dhi, [3 + 6]);
    // min > max elementwise: the result is max, and max takes the gradient wherever it is below min.
    const y = f64([0, 5, -5]);
    const lo2 = f64([2, 2, 2]);
    const hi2 = f64([1, 1, 1]);
    assert.deepEqual(Array.from(F.clamp(y, lo2, hi2).data), [1, 1, 1]);
    assert.deepEqual(gradsOf((a, b, c) => F.clamp(a, b, c), [y, lo2, hi2]), [[0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    // A number and a tensor mixed.
    assert.deepEqual(Array.from(F.clamp(tensor([-2, 0, 2]), tensor([-1, 1, 1]), 1.5).data), [-1, 1, 1.5]);
  });

  it('clamp rejects missing, NaN and crossed number bounds, and unbroadcastable tensor bounds', () => {
    assert.throws(() => F.clamp(tensor([1])), /clamp: give at least one of min and max/);
    assert.throws(() => F.clamp(tensor([1]), NaN, 1), /clamp: min must be a number or a tensor, got NaN/);
    assert.throws(() => F.clamp(tensor([1]), 2, 1), /clamp: min 2 is greater than max 1/);
    assert.throws(() => F.clamp(tensor([1, 2, 3]), tensor([0, 0])), /clamp/);
  });

  it('clamp passes float64 gradient checks with tensor bounds (away from ties) and agrees with tfjs', () => {
    const g = new Generator(5);
    const x = randn([4, 5], { dtype: 'float64', generator: g }).requiresGrad_(); // normal draws never tie
    const lo = randn([5], { dtype: 'float64', generator: g }).sub(0.5).requiresGrad_();
    const hi = randn([4, 1], { dtype: 'float64', generator: g }).add(0.5).requiresGrad_();
    assert.equal(gradcheck((a, b, c) => F.clamp(a, b, c), [x, lo, hi]), true);
    assert.equal(gradcheck((a, b) => F.clamp(a, null, b), [x, hi]), true);
    compareWithTfjs({
      label: 'clamp with tensor bounds',
      inputs: [randn([3, 4], { generator: g, requiresGrad: true }), randn([4], { generator: g }).sub(0.5).requiresGrad_(), randn([3, 1], { generator: g }).add(0.5).requiresGrad_()],
      convkit: (a, b, c) => F.clamp(a, b, c),
      tfjs: (a, b, c) => tf.minimum(tf.maximum(a, b), c),
      tfjsForGradients: (a, b, c) => tf.minimum(tf.maximum(a, full(b, [3, 4])), full(c, [3, 4])),
    });
    compareWithTfjs({
      label: 'clamp with number bounds',
      inputs: [randn([3, 4], { generator: g, requiresGrad: true })],
      convkit: (a) => F.clamp(a, -0.5, 0.7),
      tfjs: (a) => tf.clipByValue(a, -0.5, 0.7),
    });
  });

  it('rsqrt: values, gradient -0.5 y^3, gradcheck, tfjs', () => {
    assertAllClose(F.rsqrt(tensor([4, 0.25, 1])).data, [0.5, 2, 1]);
    assert.equal(F.rsqrt(tensor([0])).data[0], Infinity);
    assert.deepEqual(gradsOf((t) => F.rsqrt(t), [f64([4])])[0], [-0.5 * 0.125]);
    const g = new Generator(6);
    assert.equal(gradcheck((t) => F.rsqrt(t), [uniform([3, 4], 0.3, 3, { dtype: 'float64', generator: g, requiresGrad: true })]), true);
    compareWithTfjs({ label: 'rsqrt', inputs: [uniform([5, 3], 0.3, 3, { generator: g, requiresGrad: true })], convkit: (t) => t.rsqrt(), tfjs: (t) => tf.rsqrt(t) });
  });

  it('pow: tensor ** tensor with broadcasting, number ** tensor, tensor ** number; gradchecks and tfjs', () => {
    assert.deepEqual(Array.from(F.pow(tensor([2, 3], [2, 1]), tensor([1, 2, 3], [3])).data), [2, 4, 8, 3, 9, 27]);
    assert.deepEqual(Array.from(F.pow(2, tensor([0, 1, 3])).data), [1, 2, 8]);
    assert.deepEqual(Array.from(tensor([2, 3]).pow(tensor([2])).data), [4, 9]);
    const g = new Generator(7);
    const base = uniform([3, 4], 0.3, 2, { dtype: 'float64', generator: g, requiresGrad: true });
    const exponent = uniform([4], -2, 3, { dtype: 'float64', generator: g, requiresGrad: true });
    assert.equal(gradcheck((a, b) => F.pow(a, b), [base, exponent]), true);
    assert.equal(gradcheck((b) => F.pow(1.7, b), [exponent]), true);
    assert.equal(gradcheck((a) => F.pow(a, -1.5), [base]), true);
    assert.equal(gradcheck((a) => F.pow(a, 3), [randn([5], { dtype: 'float64', generator: g, requiresGrad: true })]), true);
    compareWithTfjs({
      label: 'pow, broadcasting',
      inputs: [uniform([3, 4], 0.3, 2, { generator: g, requiresGrad: true }), uniform([3, 1], -2, 3, { generator: g, requiresGrad: true })],
      convkit: (a, b) => F.pow(a, b),
      tfjs: (a, b) => tf.pow(a, b),
    });
  });

  it("pow's gradients at the edges are PyTorch's: 0 ** 0, 0 ** p, x ** 0 and negative bases", () => {
    // d/dx: 0 where the exponent is 0 (also at x = 0); e * x^(e-1) elsewhere: 0 ** 2 -> 0, 0 ** 0.5 -> Infinity.
    const x = f64([0, 0, 0, 2, -2]);
    const e = f64([0, 2, 0.5, 0, 2]);
    const [dx, de] = gradsOf((a, b) => F.pow(a, b), [x, e]);
    assert.deepEqual(dx, [0, 0, Infinity, 0, -4]);
    // d/de: 0 where x = 0 and e >= 0; y * log(x) elsewhere (NaN for a negative base, as in PyTorch).
    assert.deepEqual(de.slice(0, 4), [0, 0, 0, Math.log(2)]);
    assert.ok(Number.isNaN(de[4]));
    assert.deepEqual(gradsOf((a) => F.pow(a, 0), [f64([0, 3])])[0], [0, 0]);
    assert.deepEqual(gradsOf((b) => F.pow(0, b), [f64([1, 0, -1])])[0].slice(0, 2), [0, 0]);
    assert.throws(() => F.pow(2, 3), /pow: expects a tensor as the base or the exponent, got two numbers/);
  });

  it('maximum and minimum split the gradient in half at ties (PyTorch), with broadcasting', () => {
    const a = f64([1, 2, 3]);
    const b = f64([1, 3, 2]);
    assert.deepEqual(gradsOf((p, q) => F.maximum(p, q), [a, b]), [[0.5, 0, 1], [0.5, 1, 0]]);
    assert.deepEqual(gradsOf((p, q) => F.minimum(p, q), [a, b]), [[0.5, 1, 0], [0.5, 0, 1]]);
    const row = f64([2, 2], [2]);
    const grid = f64([2, 1, 2, 5], [2, 2]);
    assert.deepEqual(gradsOf((p, q) => F.maximum(p, q), [row, grid]), [[0.5 + 0.5, 1 + 0], [0.5, 0, 0.5, 1]]);
    assert.deepEqual(gradsOf((p) => p.maximum(2), [f64([1, 2, 3])])[0], [0, 0.5, 1]);
    const g = new Generator(8);
    compareWithTfjs({
      label: 'maximum, broadcasting',
      inputs: [randn([3, 4], { generator: g, requiresGrad: true }), randn([4], { generator: g, requiresGrad: true })],
      convkit: (p, q) => F.maximum(p, q),
      tfjs: (p, q) => tf.maximum(p, q),
      tfjsForGradients: (p, q) => tf.maximum(p, full(q, [3, 4])),
    });
    compareWithTfjs({
      label: 'minimum, broadcasting',
      inputs: [randn([3, 1], { generator: g, requiresGrad: true }), randn([3, 4], { generator: g, requiresGrad: true })],
      convkit: (p, q) => F.minimum(p, q),
      tfjs: (p, q) => tf.minimum(p, q),
      tfjsForGradients: (p, q) => tf.minimum(full(p, [3, 4]), q),
    });
  });

  it("normalize: L2 and L1 by hand along any axis; eps for zero vectors (PyTorch's gradient dy / eps, no NaN)", () => {
    assertAllClose(F.normalize(tensor([3, 4, 0, 0, 5, 12], [2, 3])).data, [0.6, 0.8, 0, 0, 5 / 13, 12 / 13]);
    assertAllClose(F.normalize(tensor([3, 4, 0, 0, 5, 12], [2, 3]), { dim: 0 }).data, [1, 4 / Math.sqrt(41), 0, 0, 5 / Math.sqrt(41), 1]);
    assertAllClose(F.normalize(tensor([1, -3, 0, 2], [2, 2]), { p: 1 }).data, [0.25, -0.75, 0, 1]);
    assertAllClose(F.normalize(tensor([1e-14, 0], [1, 2])).data, [0.01, 0]); // the norm is raised to eps = 1e-12
    const zero = f64([0, 0, 0, 1, 2, 2], [2, 3]);
    const [dz] = gradsOf((t) => F.normalize(t), [zero], [1, 2, 3, 1, 2, 3]);
    // Row 2: y = x / 3, dy = [1, 2, 3]; dx = (dy - y * (y . dy)) / 3 with y . dy = (1 + 4 + 6) / 3.
    const ydy = 11 / 3;
    // Row 1: x / eps, and the norm's path is cut by the clamp (and defined as 0 at a zero norm).
    assertAllClose(dz, [1e12, 2e12, 3e12, (1 - ydy / 3) / 3, (2 - (2 * ydy) / 3) / 3, (3 - (2 * ydy) / 3) / 3]);
    assert.deepEqual(gradsOf((t) => F.normalize(t, { p: 3, eps: 0.5 }), [f64([0, 0])])[0], [2, 2]);
  });

  it('normalize passes float64 gradient checks (p 1, 2, 3; several axes) and agrees with tfjs', () => {
    const g = new Generator(9);
    const x = randn([2, 3, 4], { dtype: 'float64', generator: g }).requiresGrad_();
    for (const [p, dim] of [[2, -1], [2, 1], [2, 0], [1, -1], [3, 1], [1.5, 2]]) {
      assert.equal(gradcheck((t) => F.normalize(t, { p, dim }), [x]), true, `p ${p}, dim ${dim}`);
    }
    for (const dim of [0, 1, 2]) {
      compareWithTfjs({
        label: `normalize dim ${dim}`,
        inputs: [randn([2, 3, 4], { generator: g, requiresGrad: true })],
        convkit: (t) => F.normalize(t, { dim }),
        tfjs: (t) => tf.div(t, tf.maximum(tf.norm(t, 'euclidean', dim, true), 1e-12)),
      });
    }
  });

  it('normalize rejects bad p, eps and dim, and int tensors, naming the valid values', () => {
    assert.throws(() => F.normalize(tensor([1, 2]), { p: 0 }), /normalize: p must be a positive finite number, got 0/);
    assert.throws(() => F.normalize(tensor([1, 2]), { p: Infinity }), /normalize: p must be a positive finite number, got Infinity/);
    assert.throws(() => F.normalize(tensor([1, 2]), { eps: -1 }), /normalize: eps must be >= 0, got -1/);
    assert.throws(() => F.normalize(tensor([1, 2]), { dim: 1 }), /normalize/);
    assert.throws(() => F.normalize(tensor([1, 2], [2], { dtype: 'int32' })), /normalize: expects a float tensor, got int32/);
  });
}, {
  expectedFallbacks: [{
    ops: ['channelSums'],
    reason: 'not float32',
    because: 'the float64 gradient checks undo broadcasting with float64 sums, which the SIMD kernels do not take',
  }],
});
