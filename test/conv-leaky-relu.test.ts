// Conv2d followed by leaky ReLU as one op (the conv kernel applies the activation to its output): F.conv2d's
// `activation: 'leakyRelu'` and Sequential's fusion of Conv2d + LeakyReLU must give exactly the unfused
// results, forward and backward, on every conv path (depthwise, 1x1, indirect GEMM, im2col, Winograd).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, randn } from '../src/index.js';
import { Conv2d, LeakyReLU, Sequential } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';

const gradsOf = (...ts: Tensor[]) => ts.map((t) => t.grad!.toFlatArray());

interface ConvShape {
  path: string;
  x: number[];
  w: number[];
  padding: number;
  stride?: number;
  groups?: number;
}

const SHAPES: ConvShape[] = [
  { path: 'im2col (3 input channels, valid)', x: [1, 9, 10, 3], w: [3, 3, 3, 16], padding: 0 },
  { path: 'depthwise 3x3', x: [2, 7, 6, 8], w: [3, 3, 1, 8], padding: 1, groups: 8 },
  { path: '1x1', x: [2, 5, 4, 16], w: [1, 1, 16, 32], padding: 0 },
  { path: 'indirect GEMM (stride 2)', x: [1, 9, 9, 32], w: [3, 3, 32, 16], padding: 1, stride: 2 },
  { path: 'Winograd (3x3 stride 1, 64 channels)', x: [1, 12, 12, 64], w: [3, 3, 64, 64], padding: 1 },
];

forEachBackend(() => {
  for (const s of SHAPES) {
    it(`F.conv2d with activation 'leakyRelu' equals leakyRelu(conv2d(...)) exactly, values and gradients: ${s.path}`, () => {
      const g = new Generator(11);
      const [x, w, b] = [randn(s.x, { generator: g }), randn(s.w, { generator: g }), randn([s.w[3]], { generator: g })].map((t) => t.requiresGrad_());
      const [x2, w2, b2] = [x, w, b].map((t) => t.detach().requiresGrad_());
      const options = { padding: s.padding, stride: s.stride ?? 1, groups: s.groups ?? 1 };
      const fused = F.conv2d(x, w, b, { ...options, activation: 'leakyRelu', negativeSlope: 0.1 });
      const separate = F.leakyRelu(F.conv2d(x2, w2, b2, options), 0.1);
      assert.equal(fused.node?.op, 'conv2dLeakyRelu');
      assert.deepEqual(fused.toFlatArray(), separate.toFlatArray());
      assert.ok(fused.toFlatArray().some((v) => v < 0) && fused.toFlatArray().some((v) => v > 0), 'both sides of the kink were hit');
      const upstream = randn(fused.shape, { generator: g });
      fused.backward(upstream);
      separate.backward(upstream);
      assert.deepEqual(gradsOf(x, w, b), gradsOf(x2, w2, b2));
    });
  }

  it("F.conv2d's leaky ReLU defaults to LeakyReLU's slope 0.01", () => {
    const g = new Generator(4);
    const x = randn([1, 5, 5, 2], { generator: g });
    const w = randn([3, 3, 2, 3], { generator: g });
    assert.deepEqual(F.conv2d(x, w, null, { activation: 'leakyRelu' }).toFlatArray(), F.leakyRelu(F.conv2d(x, w), 0.01).toFlatArray());
  });

  it("F.conv2d rejects a leaky ReLU slope that is not positive and finite, naming the value", () => {
    const x = randn([1, 4, 4, 1]);
    const w = randn([3, 3, 1, 2]);
    for (const slope of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => F.conv2d(x, w, null, { activation: 'leakyRelu', negativeSlope: slope }),
        new RegExp(`conv2d: activation 'leakyRelu' needs a positive finite negativeSlope .*got ${slope}`),
      );
    }
  });

  it('Sequential runs Conv2d + LeakyReLU fused with the same results; a slope of 0 or below stays unfused', () => {
    const build = (slope: number) =>
      new Sequential({ conv: new Conv2d(3, 6, 3, { padding: 1, generator: new Generator(2) }), act: new LeakyReLU(slope) });
    const x = randn([2, 6, 6, 3], { generator: new Generator(7) });
    const fusedModel = build(0.1);
    const fused = fusedModel.forward(x);
    assert.equal(fused.node?.op, 'conv2dLeakyRelu');
    const conv = fusedModel.at(0) as Conv2d;
    assert.deepEqual(fused.toFlatArray(), F.leakyRelu(F.conv2d(x, conv.weight, conv.bias, { padding: 1 }), 0.1).toFlatArray());
    for (const slope of [0, -0.2]) assert.equal(build(slope).forward(x).node?.op, 'leakyRelu', `slope ${slope} is not fused`);
  });
});
