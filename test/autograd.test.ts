// Autograd behaviour: accumulation, noGrad, gradients of inputs, retainGrad, explicit output gradients,
// frozen parameters, and clear errors from backward().
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, Tensor, enableGrad, isGradEnabled, noGrad, ones, randn, tensor } from '../src/index.js';
import { Conv2d, Linear, Sequential, ReLU } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';

/** The gradient's values, failing clearly when there is none. */
function gradValues(t: Tensor): number[] {
  assert.ok(t.grad, 'expected a gradient');
  return t.grad.toFlatArray();
}

forEachBackend(() => {
  it('gradients accumulate across backward calls until zeroed', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    x.mul(2).sum().backward();
    assert.deepEqual(gradValues(x), [2, 2, 2]);
    x.mul(2).sum().backward();
    assert.deepEqual(gradValues(x), [4, 4, 4]);
    x.zeroGrad();
    assert.equal(x.grad, null);
    x.mul(x).sum().backward();
    assert.deepEqual(gradValues(x), [2, 4, 6]);
  });

  it('a value used twice gets the sum of both paths (x*x + x -> 2x + 1)', () => {
    const x = tensor([0.5, -1, 3], undefined, { requiresGrad: true });
    x.mul(x).add(x).sum().backward();
    assert.deepEqual(gradValues(x), [2, -1, 7]);
  });

  it('noGrad records nothing, and enableGrad turns recording back on inside it', () => {
    const x = ones([2], { requiresGrad: true });
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      const inner = enableGrad(() => x.mul(3));
      assert.equal(inner.requiresGrad, true);
      return x.mul(2).exp();
    });
    assert.equal(isGradEnabled(), true);
    assert.equal(y.requiresGrad, false);
    assert.equal(y.node, null);
    assert.throws(() => y.sum().backward(), /backward: this tensor does not require a gradient/);
  });

  it('noGrad restores recording after an exception', () => {
    assert.throws(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    );
    assert.equal(isGradEnabled(), true);
  });

  it('the gradient of an input image is filled: all-ones 3x3 same conv counts the windows covering each pixel', () => {
    const image = randn([1, 4, 5, 1], { generator: new Generator(1), requiresGrad: true });
    const kernel = ones([3, 3, 1, 1]);
    F.conv2d(image, kernel, null, { padding: 'same' }).sum().backward();
    // Windows covering pixel (r, c): rows in range times columns in range.
    const covering = (i: number, n: number) => (i === 0 || i === n - 1 ? 2 : 3);
    const expected = Array.from({ length: 4 }, (_, r) => Array.from({ length: 5 }, (_, c) => covering(r, 4) * covering(c, 5))).flat();
    assert.deepEqual(gradValues(image), expected);
  });

  it('the gradient of an input image flows through a whole model, with parameters getting theirs too', () => {
    const model = new Sequential(new Conv2d(1, 2, 3, { generator: new Generator(2) }), new ReLU());
    const image = randn([2, 5, 5, 1], { generator: new Generator(3), requiresGrad: true });
    model.forward(image).square().mean().backward();
    assert.deepEqual(image.grad?.shape, [2, 5, 5, 1]);
    assert.ok(gradValues(image).some((v) => v !== 0));
    for (const [name, p] of model.namedParameters()) assert.deepEqual(p.grad?.shape, p.shape, name);
  });

  it('retainGrad keeps the gradient of an intermediate tensor; others keep none', () => {
    const x = tensor([1, -2], undefined, { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    const other = h.add(1);
    other.square().sum().backward();
    assert.deepEqual(gradValues(h), [2 * (3 + 1), 2 * (-6 + 1)]);
    assert.equal(other.grad, null);
    assert.deepEqual(gradValues(x), [24, -30]);
  });

  it('backward on a non-scalar needs the output gradient, and uses it when given', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    const y = x.mul(2);
    assert.throws(() => y.backward(), /backward: output of shape \[2, 3\] is not a scalar; pass the gradient of the output explicitly/);
    assert.throws(() => y.backward(ones([3])), /backward: gradient shape \[3\] does not match output shape \[2, 3\]/);
    y.backward(tensor([[1, 0, 0], [0, 0, 1]]));
    assert.deepEqual(gradValues(x), [2, 0, 0, 0, 0, 2]);
  });

  it('detach cuts the graph; int32 labels never get gradients', () => {
    const x = ones([2], { requiresGrad: true });
    assert.equal(x.detach().mul(2).requiresGrad, false);
    const logits = randn([2, 3], { generator: new Generator(5), requiresGrad: true });
    const labels = tensor([0, 2], undefined, { dtype: 'int32' });
    F.crossEntropy(logits, labels).backward();
    assert.equal(labels.grad, null);
    assert.deepEqual(logits.grad?.shape, [2, 3]);
  });

  it('frozen parameters receive no gradient; the others do', () => {
    const model = new Sequential(new Linear(3, 4, { generator: new Generator(1) }), new ReLU(), new Linear(4, 2, { generator: new Generator(2) }));
    model.freeze('0');
    model.forward(randn([5, 3], { generator: new Generator(3) })).sum().backward();
    const grads = Object.fromEntries(model.namedParameters().map(([name, p]) => [name, p.grad]));
    assert.equal(grads['0.weight'], null);
    assert.equal(grads['0.bias'], null);
    assert.deepEqual(grads['2.weight']?.shape, [4, 2]);
    model.zeroGrad();
    assert.ok(model.parameters().every((p) => p.grad === null));
  });

  it('a float32 leaf gets a float32 gradient through a float64 computation', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    x.to('float64').square().sum().backward();
    assert.equal(x.grad?.dtype, 'float32');
    assertAllClose(x.grad.data, [2, 4]);
  });

  it('a long chain of ops back-propagates without overflowing the stack', () => {
    const x = tensor([1], undefined, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    assert.deepEqual(gradValues(x), [1]);
  });
});
