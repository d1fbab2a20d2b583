// SiLU, GELU (exact and tanh), mish and hardsigmoid, and the erf under GELU: values from the normal
// distribution's tables and the definitions worked by hand, PyTorch's gradients at the kinks, float64 central
// differences, TensorFlow.js (CPU) compositions of the same definitions, and the nn layers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, gradcheck, tensor, uniform } from '../src/index.js';
import { GELU, Hardsigmoid, Mish, SiLU } from '../src/nn/index.js';
import { erf } from '../src/util/erf.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';
import { compareWithTfjs, tf } from './helpers/tfjs-reference.js';

describe('erf', () => {
  it('matches tabulated values to float64 precision on both sides of the series / continued-fraction switch', () => {
    // Abramowitz & Stegun table 7.1 and erfc tables, to 16 or more digits.
    const table: Array<[number, number]> = [
      [1e-10, 1.1283791670955126e-10], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
      [1.5, 0.9661051464753107], [2, 0.9953222650189527], [2.5, 0.999593047982555], [3, 0.9999779095030014],
      [4, 0.9999999845827421], [6, 1],
    ];
    for (const [x, e] of table) {
      assertAllClose([erf(x), erf(-x)], [e, -e], { atol: 0, rtol: 4e-16 }, `erf(${x})`);
    }
    // erfc(2.5) = 4.069520174449590e-4 and erfc(3) = 2.209049699858544e-5: the tail carries its precision.
    assertAllClose([1 - erf(2.5), 1 - erf(3)], [4.06952017444959e-4, 2.209049699858544e-5], { atol: 1e-16, rtol: 0 });
    assert.equal(erf(Infinity), 1);
    assert.equal(erf(-Infinity), -1);
    assert.ok(Number.isNaN(erf(NaN)));
  });
});

const f64 = (values: number[]) => tensor(values, [values.length], { dtype: 'float64' }).requiresGrad_();
function gradOf(fn: (x: Tensor) => Tensor, x: Tensor): number[] {
  x.grad = null;
  fn(x).sum().backward();
  return Array.from(x.grad!.data);
}
/** Standard normal CDF values, from tables: Phi(-3), Phi(-1), Phi(0), Phi(1), Phi(2). */
const PHI: Array<[number, number]> = [[-3, 0.0013498980316301], [-1, 0.15865525393145707], [0, 0.5], [1, 0.8413447460685429], [2, 0.9772498680518208]];

forEachBackend(() => {
  it('gelu (exact) is x * Phi(x) at tabulated points, both dtypes; its gradient Phi(x) + x phi(x)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const y = F.gelu(tensor(PHI.map(([x]) => x), [PHI.length], { dtype }));
      assertAllClose(y.data, PHI.map(([x, p]) => x * p), { atol: dtype === 'float32' ? 1e-7 : 1e-15, rtol: dtype === 'float32' ? 1e-6 : 1e-13 });
    }
    const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    assertAllClose(gradOf((t) => F.gelu(t), f64(PHI.map(([x]) => x))), PHI.map(([x, p]) => p + x * phi(x)), { atol: 1e-14, rtol: 1e-12 });
  });

  it("gelu 'tanh' is 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), close to the exact form", () => {
    const xs = [-3, -1, 0, 0.5, 2];
    const expected = xs.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    assertAllClose(F.gelu(tensor(xs, [5], { dtype: 'float64' }), { approximate: 'tanh' }).data, expected, { atol: 1e-15, rtol: 1e-13 });
    // The approximation's published error: under 1e-3 everywhere on these points.
    assertAllClose(F.gelu(tensor(xs), { approximate: 'tanh' }).data, F.gelu(tensor(xs)).data, { atol: 1e-3, rtol: 0 });
    assert.throws(() => F.gelu(tensor([1]), { approximate: 'erf' as 'none' }), /gelu: approximate must be 'none' or 'tanh', got 'erf'/);
  });

  it('silu and mish by their definitions; hardsigmoid by hand with PyTorch\'s gradient (0 at -3 and 3, ends excluded)', () => {
    const xs = [-30, -2, 0, 1, 30];
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    assertAllClose(F.silu(tensor(xs, [5], { dtype: 'float64' })).data, xs.map((x) => x * sigmoid(x)), { atol: 1e-15, rtol: 1e-14 });
    assertAllClose(F.mish(tensor(xs, [5], { dtype: 'float64' })).data, xs.map((x) => x * Math.tanh(Math.log1p(Math.exp(x)))), { atol: 1e-15, rtol: 1e-14 });
    assert.equal(F.mish(tensor([1000], [1], { dtype: 'float64' })).data[0], 1000); // softplus without overflow
    assert.equal(F.mish(tensor([-1000], [1], { dtype: 'float64' })).data[0], -0);
    // relu6(x + 3) / 6: 0, 0, 1.5 / 6, 0.5, 4 / 6, 1, 1.
    assertAllClose(F.hardsigmoid(tensor([-4, -3, -1.5, 0, 1, 3, 5])).data, [0, 0, 0.25, 0.5, 4 / 6, 1, 1], { atol: 1e-7 });
    assert.deepEqual(gradOf((t) => F.hardsigmoid(t), f64([-4, -3, -1.5, 0, 2.9, 3, 4])), [0, 0, 1 / 6, 1 / 6, 1 / 6, 0, 0]);
    for (const op of [F.silu, F.mish, F.hardsigmoid, F.gelu]) assert.ok(Number.isNaN(op(tensor([NaN])).data[0]));
    assert.throws(() => F.silu(tensor([1, 2], [2], { dtype: 'int32' })), /silu: expects a float tensor, got int32/);
  });

  it('all four pass float64 gradient checks over [-6, 6] (hardsigmoid away from its kinks)', () => {
    const g = new Generator(21);
    const x = uniform([60], -6, 6, { dtype: 'float64', generator: g }).requiresGrad_();
    const ops: Array<[string, (t: Tensor) => Tensor]> = [
      ['silu', F.silu], ['mish', F.mish], ['gelu', (t) => F.gelu(t)], ["gelu 'tanh'", (t) => F.gelu(t, { approximate: 'tanh' })],
    ];
    for (const [name, op] of ops) assert.equal(gradcheck((t) => op(t).mul(t), [x]), true, name);
    const offKinks = tensor(Array.from(x.data, (v) => (Math.abs(Math.abs(v) - 3) < 0.05 ? v + 0.2 : v)), [60], { dtype: 'float64' }).requiresGrad_();
    assert.equal(gradcheck((t) => F.hardsigmoid(t).mul(t), [offKinks]), true);
  });

  it('agree with TensorFlow.js compositions of their definitions (float32, values and gradients)', () => {
    const g = new Generator(22);
    const input = () => uniform([4, 33], -8, 8, { generator: g, requiresGrad: true });
    const cases: Array<[string, (t: Tensor) => Tensor, (t: tf.Tensor) => tf.Tensor]> = [
      ['silu', F.silu, (t) => tf.mul(t, tf.sigmoid(t))],
      ['mish', F.mish, (t) => tf.mul(t, tf.tanh(tf.softplus(t)))],
      ['gelu', (t) => F.gelu(t), (t) => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.mul(t, Math.SQRT1_2))))],
      [
        "gelu 'tanh'",
        (t) => F.gelu(t, { approximate: 'tanh' }),
        (t) => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(t, tf.mul(0.044715, tf.pow(t, 3))))))),
      ],
      ['hardsigmoid', F.hardsigmoid, (t) => tf.div(tf.relu6(tf.add(t, 3)), 6)],
    ];
    // tfjs's erf is Abramowitz & Stegun 7.1.26 (absolute error 1.5e-7), hence 2e-4 rather than 1e-4 for gelu.
    for (const [label, convkit, tfjs] of cases) compareWithTfjs({ label, inputs: [input()], convkit, tfjs }, label === 'gelu' ? 2e-4 : 1e-4);
  });

  it('the nn layers are the ops; GELU checks its option when built', () => {
    const x = tensor([-2, -0.5, 0.5, 4]);
    assert.deepEqual(new SiLU().forward(x).toFlatArray(), F.silu(x).toFlatArray());
    assert.deepEqual(new Mish().forward(x).toFlatArray(), F.mish(x).toFlatArray());
    assert.deepEqual(new Hardsigmoid().forward(x).toFlatArray(), F.hardsigmoid(x).toFlatArray());
    assert.deepEqual(new GELU().forward(x).toFlatArray(), F.gelu(x).toFlatArray());
    assert.deepEqual(new GELU({ approximate: 'tanh' }).forward(x).toFlatArray(), F.gelu(x, { approximate: 'tanh' }).toFlatArray());
    assert.throws(() => new GELU({ approximate: 'fast' as 'tanh' }), /GELU: approximate must be 'none' or 'tanh', got 'fast'/);
  });
}, {
  expectedFallbacks: [{
    ops: ['silu', 'siluBackward'],
    reason: 'not float32',
    because: 'the definitions and gradient checks run in float64; the SIMD kernels are checked in test/ops-silu-simd.test.ts',
  }],
});
