// Conv2d followed by ReLU as one op: F.conv2d's `activation: 'relu'` must give exactly the unfused results,
// forward and backward.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, randn } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';

const gradsOf = (...ts: Tensor[]) => ts.map((t) => t.grad!.toFlatArray());

forEachBackend(() => {
  it("F.conv2d with activation 'relu' equals relu(conv2d(...)) exactly, values and gradients", () => {
    const g = new Generator(3);
    const make = () => [randn([2, 7, 6, 5], { generator: g }), randn([3, 3, 5, 9], { generator: g }), randn([9], { generator: g })];
    const [x, w, b] = make().map((t) => t.requiresGrad_());
    const [x2, w2, b2] = [x, w, b].map((t) => t.detach().requiresGrad_());
    const fused = F.conv2d(x, w, b, { padding: 'same', activation: 'relu' });
    const separate = F.relu(F.conv2d(x2, w2, b2, { padding: 'same' }));
    assert.deepEqual(fused.toFlatArray(), separate.toFlatArray());
    assert.ok(fused.toFlatArray().some((v) => v === 0) && fused.toFlatArray().some((v) => v > 0), 'the ReLU clipped some outputs');
    const upstream = randn(fused.shape, { generator: g });
    fused.backward(upstream);
    separate.backward(upstream);
    assert.deepEqual(gradsOf(x, w, b), gradsOf(x2, w2, b2));
  });

  it('F.conv2d rejects an activation it does not fuse, naming the value', () => {
    const x = randn([1, 4, 4, 1]);
    const w = randn([3, 3, 1, 2]);
    assert.throws(() => F.conv2d(x, w, null, { activation: 'tanh' as 'relu' }), /conv2d: activation must be 'relu' or left out, got "tanh"/);
  });
});
