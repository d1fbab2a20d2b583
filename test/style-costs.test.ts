// The style-transfer costs (issue 13 item 7): hand-computed values, float64 gradchecks and the errors.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, gradcheck, randn, tensor, type Tensor } from '../src/index.js';
import { contentCost, gramMatrix, layerStyleCost, styleCost, totalCost, totalVariation } from '../src/style/index.js';
import { forEachBackend } from './helpers/backends.js';

/** Equal up to float32 rounding (the hand-computed cases run in float32, the kernels' dtype). */
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
const f64 = (values: number[], shape: number[]) => tensor(values, shape, { dtype: 'float64' });
const normal = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', generator: new Generator(seed) }).requiresGrad_();

forEachBackend(() => {
  // Two positions (nH 2, nW 1) with two channels: a = (1, 2), (3, 4).
  const a = () => tensor([1, 2, 3, 4], [1, 2, 1, 2]);
  const b = () => tensor([0, 1, 2, 0], [1, 2, 1, 2]);

  it('contentCost is 1/2 the summed squared difference: diffs 1, 1, 1, 4 give 19 / 2', () => {
    close(contentCost(a(), b()).item(), 9.5);
  });

  it('gramMatrix sums a_k a_k\' over positions, for [1, nH, nW, nC] and [nH, nW, nC] alike', () => {
    assert.deepEqual(gramMatrix(a()).toArray(), [[10, 14], [14, 20]]);
    assert.deepEqual(gramMatrix(a().reshape([2, 1, 2])).toArray(), [[10, 14], [14, 20]]);
  });

  it('layerStyleCost divides the squared Gram difference by (2 nH nW nC)^2', () => {
    // G(a) = [[10, 14], [14, 20]], G(b) = [[4, 0], [0, 1]]: (6^2 + 14^2 + 14^2 + 19^2) / (2*2*1*2)^2 = 789 / 64.
    close(layerStyleCost(a(), b()).item(), 789 / 64);
  });

  it('styleCost weights each layer by its lambda', () => {
    // Second layer, nC 1: G(S) = 1 + 4 + 9 = 14, G(G) = 1, (13^2) / (2*1*3*1)^2 = 169 / 36.
    const layers = [
      { aS: a(), aG: b() },
      { aS: tensor([1, 2, 3], [1, 1, 3, 1]), aG: tensor([0, 0, 1], [1, 1, 3, 1]) },
    ];
    close(styleCost(layers, [0.5, 2]).item(), 0.5 * (789 / 64) + 2 * (169 / 36));
  });

  it('totalVariation sums squared vertical and horizontal neighbour differences', () => {
    // [[1, 2], [4, 8]]: down (3^2 + 6^2) + right (1^2 + 4^2) = 62.
    close(totalVariation(tensor([1, 2, 4, 8], [1, 2, 2, 1])).item(), 62);
    close(totalVariation(tensor([5], [1, 1, 1])).item(), 0);
  });

  it('totalCost is alpha J_content + beta J_style (+ tvWeight TV), alpha 10 and beta 40 by default', () => {
    const jc = tensor(9.5);
    const js = tensor(789 / 64);
    close(totalCost(jc, js).item(), 10 * 9.5 + 40 * (789 / 64));
    const image = tensor([1, 2, 4, 8], [1, 2, 2, 1]);
    close(totalCost(jc, js, { alpha: 1, beta: 2, tvWeight: 0.5, image }).item(), 9.5 + 2 * (789 / 64) + 0.5 * 62);
  });

  it('gradchecks in float64: content, Gram, layer style, style, total variation and total cost', () => {
    const aC = normal([1, 3, 4, 2], 1);
    const aG = normal([1, 3, 4, 2], 2);
    const aS = normal([3, 4, 2], 3);
    assert.equal(gradcheck((x, y) => contentCost(x, y), [aC, aG]), true);
    assert.equal(gradcheck((x) => gramMatrix(x), [normal([2, 3, 3], 4)]), true);
    assert.equal(gradcheck((s, g) => layerStyleCost(s, g.reshape([3, 4, 2])), [aS, aG]), true);
    const aS2 = f64([0.5, -1, 2, 0.25, 1, -0.5], [1, 1, 2, 3]);
    const aG2 = normal([1, 1, 2, 3], 5);
    assert.equal(gradcheck((g1, g2) => styleCost([{ aS: aC.detach(), aG: g1 }, { aS: aS2, aG: g2 }], [0.3, 1.7]), [aG, aG2]), true);
    assert.equal(gradcheck((x) => totalVariation(x), [normal([1, 4, 3, 3], 6)]), true);
    const image = normal([1, 3, 4, 2], 7);
    const cost = (g: Tensor, img: Tensor) => totalCost(contentCost(aC.detach(), g), layerStyleCost(aS.detach().reshape([1, 3, 4, 2]), g), { alpha: 2, beta: 3, tvWeight: 0.1, image: img });
    assert.equal(gradcheck(cost, [aG, image]), true);
  });
}, {
  expectedFallbacks: [{ ops: ['matmul'], reason: 'not float32', because: 'the gradchecks run in float64, which the SIMD kernels do not take' }],
});

it('bad input gets errors naming the function, the shapes and what is valid', () => {
  const x = tensor([1, 2, 3, 4], [1, 2, 1, 2]);
  assert.throws(() => contentCost(x, tensor([1, 2], [1, 1, 1, 2])), /contentCost: aC \[1, 2, 1, 2\] and aG \[1, 1, 1, 2\] must have the same shape/);
  assert.throws(() => gramMatrix(tensor([1, 2, 3, 4], [2, 1, 1, 2])), /gramMatrix: expected one activation \[1, nH, nW, nC\] or \[nH, nW, nC\], got \[2, 1, 1, 2\]/);
  assert.throws(() => styleCost([{ aS: x, aG: x }], [1, 2]), /styleCost: 1 layer\(s\) but 2 weight\(s\)/);
  assert.throws(() => styleCost([], []), /styleCost: got no layers/);
  assert.throws(() => styleCost([{ aS: x, aG: x }], [NaN]), /styleCost: weights\[0\] is NaN/);
  assert.throws(() => totalCost(tensor(1), tensor(1), { tvWeight: 1 }), /totalCost: tvWeight is 1 but no image was given/);
  assert.throws(() => totalCost(tensor(1), tensor(1), { beta: -1 }), /totalCost: beta must be a finite number >= 0, got -1/);
});
