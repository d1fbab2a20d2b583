// Gradient clipping by total norm (as torch.nn.utils.clip_grad_norm_) and by value.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, Tensor } from '../src/index.js';
import { Linear } from '../src/nn/index.js';
import { clipGradNorm, clipGradValue } from '../src/optim/index.js';
import { assertAllClose } from './helpers/assert-close.js';

/** Two parameters with gradients [3, 4] and [12] (L2 norm 13), and one without a gradient. */
function withGrads(): Tensor[] {
  const a = tensor([0, 0], [2], { dtype: 'float64', requiresGrad: true });
  const b = tensor([0], [1], { dtype: 'float64', requiresGrad: true });
  const c = tensor([0], [1], { dtype: 'float64', requiresGrad: true });
  a.grad = tensor([3, 4], [2], { dtype: 'float64' });
  b.grad = tensor([12], [1], { dtype: 'float64' });
  return [a, b, c];
}

const gradsOf = (ps: Tensor[]) => ps.filter((p) => p.grad).flatMap((p) => Array.from(p.grad!.data));

describe('clipGradNorm', () => {
  it('returns the total L2 norm over all gradients and scales them to maxNorm', () => {
    const ps = withGrads();
    assert.equal(clipGradNorm(ps, 6.5), 13);
    const scale = 6.5 / (13 + 1e-6);
    assertAllClose(gradsOf(ps), [3 * scale, 4 * scale, 12 * scale], { atol: 1e-12 });
    assert.equal(ps[2].grad, null);
  });

  it('leaves gradients alone when their norm is within maxNorm', () => {
    const ps = withGrads();
    assert.equal(clipGradNorm(ps, 20), 13);
    assert.deepEqual(gradsOf(ps), [3, 4, 12]);
  });

  it('supports other norms: 1, 3 and Infinity', () => {
    assert.equal(clipGradNorm(withGrads(), 100, 1), 19);
    assertAllClose([clipGradNorm(withGrads(), 100, 3)], [Math.cbrt(27 + 64 + 1728)], { atol: 1e-12 });
    const ps = withGrads();
    assert.equal(clipGradNorm(ps, 6, Infinity), 12);
    const scale = 6 / (12 + 1e-6);
    assertAllClose(gradsOf(ps), [3 * scale, 4 * scale, 12 * scale], { atol: 1e-12 });
  });

  it('takes a single tensor and model.parameters() after backward', () => {
    const layer = new Linear(3, 2);
    layer.forward(tensor([[1, 2, 3]])).sum().mul(100).backward();
    const total = clipGradNorm(layer.parameters(), 1);
    assert.ok(total > 1, `total norm ${total}`);
    const after = Math.hypot(...layer.parameters().flatMap((p) => Array.from(p.grad!.data)));
    assertAllClose([after], [1], { atol: 1e-5 }, 'norm after clipping');
    const single = withGrads()[0];
    assert.equal(clipGradNorm(single, 1), 5);
  });

  it('throws on a NaN norm with errorIfNonfinite, and on bad arguments', () => {
    const ps = withGrads();
    ps[0].grad!.data[1] = NaN;
    assert.throws(() => clipGradNorm(ps, 1, 2, { errorIfNonfinite: true }), /clipGradNorm: the total gradient norm of order 2 is NaN/);
    const withNaN = withGrads();
    withNaN[0].grad!.data[0] = NaN;
    assert.ok(Number.isNaN(clipGradNorm(withNaN, 1, Infinity)), 'a NaN gradient gives a NaN infinity norm');
    assert.throws(() => clipGradNorm(withGrads(), -1), /clipGradNorm: maxNorm must be a finite number >= 0, got -1/);
    assert.throws(() => clipGradNorm(withGrads(), 1, 0), /clipGradNorm: normType must be a number > 0 or Infinity, got 0/);
    assert.throws(() => clipGradNorm(5 as never, 1), /clipGradNorm: parameters must be a Tensor or a list of them/);
  });
});

describe('clipGradValue', () => {
  it('clamps every gradient value to [-clipValue, clipValue]', () => {
    const ps = withGrads();
    ps[0].grad!.data[0] = -7;
    clipGradValue(ps, 3.5);
    assert.deepEqual(gradsOf(ps), [-3.5, 3.5, 3.5]);
    assert.throws(() => clipGradValue(ps, NaN), /clipGradValue: clipValue must be a finite number >= 0, got NaN/);
  });
});
