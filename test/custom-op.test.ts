// customOp: a user's forward and backward become a differentiable op on every backend.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, Tensor, customOp, gradcheck, randn, tensor } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';

// Guided backprop's ReLU: forward is ReLU, backward passes only positive gradients where the input was positive.
const guidedRelu = customOp<[Tensor]>({
  name: 'guidedRelu',
  forward: (ctx, x) => {
    ctx.save(x.gt(0));
    return F.relu(x);
  },
  backward: (ctx, dy) => {
    const [positiveInput] = ctx.saved as [Tensor];
    return [dy.mul(positiveInput).mul(dy.gt(0))];
  },
});

// x * y with a hand-written backward, checked against central differences.
const product = customOp<[Tensor, Tensor]>({
  name: 'product',
  forward: (_ctx, x, y) => x.mul(y),
  backward: (ctx, dy) => [dy.mul(ctx.inputs[1]), dy.mul(ctx.inputs[0])],
});

forEachBackend(() => {
  it('a custom op runs its forward, and backward gets exactly its rule (guided ReLU)', () => {
    const x = tensor([-1, 2, 3, -4], [4]).requiresGrad_();
    const y = guidedRelu(x);
    assert.deepEqual(y.toFlatArray(), [0, 2, 3, 0]);
    y.mul(tensor([5, -6, 7, 8], [4])).sum().backward();
    // dy = [5, -6, 7, 8]: kept where the input was positive and dy > 0.
    assert.deepEqual(x.grad!.toFlatArray().map((v) => v + 0), [0, 0, 7, 0]); // + 0: -6 * 0 is -0
  });

  it('a two-input custom op composes with other ops and passes a float64 gradient check', () => {
    const g = new Generator(5);
    const x = randn([3, 4], { dtype: 'float64', generator: g }).requiresGrad_();
    const w = randn([3, 4], { dtype: 'float64', generator: g }).requiresGrad_();
    assert.equal(gradcheck((a, b) => F.tanh(product(a, b)).mul(a), [x, w]), true);
  });

  it('inputs without requiresGrad get no gradient and the output records nothing', () => {
    const x = tensor([1, 2], [2]);
    const y = product(x, tensor([3, 4], [2]));
    assert.equal(y.requiresGrad, false);
    assert.deepEqual(y.toFlatArray(), [3, 8]);
  });
});

it('a custom op that returns its input leaves the input untouched in the graph', () => {
  const identity = customOp<[Tensor]>({ name: 'identity', forward: (_ctx, x) => x, backward: (_ctx, dy) => [dy.mul(2)] });
  const x = tensor([1, 2], [2]).requiresGrad_();
  const y = identity(x);
  assert.notEqual(y, x);
  assert.equal(x.isLeaf, true);
  y.sum().backward();
  assert.deepEqual(x.grad!.toFlatArray(), [2, 2]);
});

it('a custom op whose backward breaks the contract gets an error naming the op and the shapes', () => {
  const wrongCount = customOp<[Tensor, Tensor]>({ name: 'wrongCount', forward: (_c, a, b) => a.add(b), backward: (_c, dy) => [dy] });
  const a = tensor([1, 2], [2]).requiresGrad_();
  assert.throws(() => wrongCount(a, a).sum().backward(), /wrongCount: backward must return an array of 2 gradients \(one per input, null for none\), got 1/);
  const wrongShape = customOp<[Tensor]>({ name: 'wrongShape', forward: (_c, x) => x.mul(2), backward: () => [tensor([1], [1])] });
  assert.throws(() => wrongShape(a).sum().backward(), /wrongShape: backward's gradient for input 0 must be a Tensor of shape \[2\], got shape \[1\]/);
  const notTensor = customOp<[Tensor]>({ name: 'notTensor', forward: () => 3 as unknown as Tensor, backward: () => [null] });
  assert.throws(() => notTensor(a), /notTensor: forward must return a Tensor, got number/);
  assert.throws(() => (wrongShape as (x: unknown) => Tensor)([1, 2]), /wrongShape: input 0 is not a Tensor \(got object\)/);
});
