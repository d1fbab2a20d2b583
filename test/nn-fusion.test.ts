// Conv2d followed by ReLU as one op: F.conv2d's `activation: 'relu'` and Sequential's fusion of the two
// modules must give exactly the unfused results, forward and backward, and step aside for forward hooks.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, randn } from '../src/index.js';
import { Conv2d, ReLU, Sequential, MaxPool2d } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';
import { Conv2dWithActivation } from '../src/io/importers/keras-modules.js';

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
    assert.throws(() => F.conv2d(x, w, null, { activation: 'tanh' as 'relu' }), /conv2d: activation must be 'relu', 'leakyRelu' or left out, got "tanh"/);
  });

  it('Sequential runs Conv2d + ReLU fused with the same results, and unfused where a hook watches', () => {
    const build = () =>
      new Sequential({
        conv1: new Conv2d(3, 8, 3, { padding: 'same', generator: new Generator(1) }),
        act1: new ReLU(),
        pool: new MaxPool2d(2),
        conv2: new Conv2d(8, 4, 3, { generator: new Generator(2) }),
        act2: new ReLU(),
      });
    const x = randn([2, 8, 8, 3], { generator: new Generator(5) });
    const fusedModel = build();
    const watchedModel = build();
    const seen: Record<string, number[]> = {};
    watchedModel.at(0).registerForwardHook((_m, _in, out) => void (seen.conv1 = (out as Tensor).toFlatArray()));
    watchedModel.at(1).registerForwardHook((_m, _in, out) => void (seen.act1 = (out as Tensor).toFlatArray()));

    const fused = fusedModel.forward(x);
    const watched = watchedModel.forward(x);
    assert.equal(fused.node?.op, 'conv2dRelu', 'the last Conv2d + ReLU pair ran as one op');
    assert.deepEqual(fused.toFlatArray(), watched.toFlatArray());
    // The hooks saw the unfused intermediates: the convolution before its ReLU, then after it.
    assert.ok(seen.conv1.some((v) => v < 0), 'the conv1 hook saw pre-activation values');
    assert.deepEqual(seen.act1, seen.conv1.map((v) => Math.max(v, 0)));

    fused.sum().backward();
    watched.sum().backward();
    const params = (m: Sequential) => m.parameters().map((p) => p.grad!.toFlatArray());
    assert.deepEqual(params(fusedModel), params(watchedModel));
  });
});

forEachBackend(() => {
  it('a Conv2d subclass with its own forward is never fused with the ReLU after it', () => {
    class ScaledConv extends Conv2d {
      override forward(x: Tensor): Tensor {
        return super.forward(x).mul(-1); // the ReLU after it then keeps what the plain conv made negative
      }
    }
    const conv = new ScaledConv(2, 3, 3, { generator: new Generator(4) });
    const x = randn([1, 6, 6, 2], { generator: new Generator(6) });
    const y = new Sequential(conv, new ReLU()).forward(x);
    assert.deepEqual(y.toFlatArray(), F.relu(conv.forward(x)).toFlatArray());
    assert.ok(y.toFlatArray().some((v) => v > 0));
  });

  it('a ReLU subclass after a Conv2d is never fused either', () => {
    class ShiftedReLU extends ReLU {
      override forward(x: Tensor): Tensor {
        return super.forward(x.add(1));
      }
    }
    const conv = new Conv2d(2, 3, 3, { generator: new Generator(4) });
    const x = randn([1, 6, 6, 2], { generator: new Generator(6) });
    const act = new ShiftedReLU();
    assert.deepEqual(new Sequential(conv, act).forward(x).toFlatArray(), act.forward(conv.forward(x)).toFlatArray());
  });

  it('an imported Keras Conv2D with a ReLU activation runs fused, with the unfused results', () => {
    const conv = new Conv2dWithActivation(3, 4, 3, { padding: 'same', generator: new Generator(7) }, new ReLU());
    const x = randn([2, 5, 5, 3], { generator: new Generator(8) });
    const fused = conv.forward(x);
    assert.equal(fused.node?.op, 'conv2dRelu');
    const plain = F.relu(F.conv2d(x, conv.weight, conv.bias, { padding: 'same' }));
    assert.deepEqual(fused.toFlatArray(), plain.toFlatArray());
    // Watched by a hook, the activation runs as its own module again.
    conv.activation.registerForwardHook(() => {});
    assert.equal(conv.forward(x).node?.op, 'relu');
  });
});
