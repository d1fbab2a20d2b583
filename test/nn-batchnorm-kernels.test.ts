// Batch norm on the backends' per-channel kernels: float32 results (the wasm kernels where that backend is
// active) against the same computation in float64 (always the reference loops), in training and eval mode,
// including inputs whose mean is far from zero (where an uncentered variance would lose its digits); and
// BatchNorm2d + ReLU fused into one op with exactly the unfused results.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, randn } from '../src/index.js';
import { BatchNorm2d, ReLU, Sequential } from '../src/nn/index.js';
import { resnet18 } from '../src/models/resnet.js';
import { forEachBackend } from './helpers/backends.js';

const gradsOf = (...ts: Tensor[]) => ts.map((t) => t.grad!.toFlatArray());

/** Largest |a - b| relative to the largest |b|. */
function relErr(a: number[], b: number[]): number {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

forEachBackend(() => {
  for (const training of [true, false]) {
    for (const [label, offset] of [['centred data', 0], ['data with mean 300', 300]] as const) {
      it(`${training ? 'training' : 'eval'} mode, ${label}: float32 values and gradients match float64`, () => {
        const g = new Generator(11);
        const x = randn([3, 9, 7, 13], { generator: g }).mul(2).add(offset);
        const weight = randn([13], { generator: g });
        const bias = randn([13], { generator: g });
        const mean = randn([13], { generator: g }).add(offset);
        const variance = randn([13], { generator: g }).abs().add(0.5);
        const upstream = randn(x.shape, { generator: g });
        const run = (dtype: 'float32' | 'float64') => {
          const inputs = [x, weight, bias].map((t) => t.to(dtype).detach().requiresGrad_());
          const y = F.batchNorm(inputs[0], mean.to(dtype), variance.to(dtype), inputs[1], inputs[2], { training });
          y.backward(upstream.to(dtype));
          return { y: y.toFlatArray(), grads: gradsOf(...inputs) };
        };
        const single = run('float32');
        const double = run('float64');
        assert.ok(relErr(single.y, double.y) < 1e-5, `values: relative error ${relErr(single.y, double.y)}`);
        single.grads.forEach((grad, i) => {
          const err = relErr(grad, double.grads[i]);
          assert.ok(err < 1e-4, `gradient of input ${i}: relative error ${err}`);
        });
      });
    }
  }

  it("F.batchNorm with activation 'relu' equals relu(batchNorm(...)) exactly, values and gradients", () => {
    const g = new Generator(12);
    for (const training of [true, false]) {
      const make = () => [randn([2, 5, 6, 7], { generator: g }), randn([7], { generator: g }), randn([7], { generator: g })];
      const [x, w, b] = make().map((t) => t.requiresGrad_());
      const [x2, w2, b2] = [x, w, b].map((t) => t.detach().requiresGrad_());
      const stats = () => [randn([7], { generator: new Generator(1) }), randn([7], { generator: new Generator(2) }).abs()];
      const [m1, v1] = stats();
      const [m2, v2] = stats();
      const fused = F.batchNorm(x, m1, v1, w, b, { training, activation: 'relu' });
      const separate = F.relu(F.batchNorm(x2, m2, v2, w2, b2, { training }));
      assert.equal(fused.node?.op, 'batchNormRelu');
      assert.deepEqual(fused.toFlatArray(), separate.toFlatArray());
      assert.ok(fused.toFlatArray().some((v) => v === 0) && fused.toFlatArray().some((v) => v > 0), 'the ReLU clipped some outputs');
      const upstream = randn(fused.shape, { generator: g });
      fused.backward(upstream);
      separate.backward(upstream);
      assert.deepEqual(gradsOf(x, w, b), gradsOf(x2, w2, b2));
      assert.deepEqual(Array.from(m1.data), Array.from(m2.data), 'running statistics moved alike');
    }
  });

  it('F.batchNorm with a residual and ReLU equals relu(batchNorm(x) + residual) exactly, values and gradients', () => {
    const g = new Generator(15);
    for (const training of [true, false]) {
      const make = () => [randn([2, 4, 5, 6], { generator: g }), randn([6], { generator: g }), randn([6], { generator: g }), randn([2, 4, 5, 6], { generator: g })];
      const [x, w, b, r] = make().map((t) => t.requiresGrad_());
      const [x2, w2, b2, r2] = [x, w, b, r].map((t) => t.detach().requiresGrad_());
      const mean = randn([6], { generator: new Generator(3) });
      const variance = randn([6], { generator: new Generator(4) }).abs();
      const fused = F.batchNorm(x, mean.clone(), variance.clone(), w, b, { training, activation: 'relu', residual: r });
      const separate = F.relu(F.batchNorm(x2, mean.clone(), variance.clone(), w2, b2, { training }).add(r2));
      assert.equal(fused.node?.op, 'batchNormAddRelu');
      assert.deepEqual(fused.toFlatArray(), separate.toFlatArray());
      const upstream = randn(fused.shape, { generator: g });
      fused.backward(upstream);
      separate.backward(upstream);
      assert.deepEqual(gradsOf(x, w, b, r), gradsOf(x2, w2, b2, r2));
    }
  });

  it('F.batchNorm names the shapes when the residual does not match the input', () => {
    const x = randn([2, 3, 3, 4]);
    assert.throws(
      () => F.batchNorm(x, null, null, null, null, { training: true, residual: randn([2, 3, 3, 5]) }),
      /batchNorm: residual must be float32 \[2, 3, 3, 4\] like the input, got float32 \[2, 3, 3, 5\]/,
    );
  });

  it('F.batchNorm rejects an activation it does not fuse, naming the value', () => {
    const x = randn([2, 2, 2, 3]);
    assert.throws(
      () => F.batchNorm(x, null, null, null, null, { training: true, activation: 'tanh' as 'relu' }),
      /batchNorm: activation must be 'relu' or left out, got "tanh"/,
    );
  });

  it('Sequential fuses BatchNorm2d + ReLU, and leaves them apart where a hook watches', () => {
    const x = randn([2, 4, 4, 5], { generator: new Generator(13) });
    const model = new Sequential(new BatchNorm2d(5), new ReLU());
    const fused = model.forward(x);
    assert.equal(fused.node?.op, 'batchNormRelu');
    let seen: number[] = [];
    model.at(0).registerForwardHook((_m, _in, out) => void (seen = (out as Tensor).toFlatArray()));
    const watched = model.forward(x);
    assert.equal(watched.node?.op, 'relu');
    assert.ok(seen.some((v) => v < 0), 'the hook saw the values before the ReLU');
    assert.deepEqual(fused.toFlatArray(), watched.toFlatArray());
  });

  it('a ResNet runs its batch norm + ReLU pairs fused, with the results of the unfused model', () => {
    const model = resnet18({ numClasses: 10, widthMultiplier: 0.125 });
    model.eval();
    const x = randn([1, 32, 32, 3], { generator: new Generator(14) });
    const fused = model.forward(x);
    assert.ok(opsOf(fused).has('batchNormRelu') && opsOf(fused).has('batchNormAddRelu'), 'fused ops in the graph');
    // A hook on the shared ReLU modules forces every pair apart.
    for (const [, m] of model.namedModules()) if (m instanceof ReLU) m.registerForwardHook(() => {});
    const unfused = model.forward(x);
    assert.ok(!opsOf(unfused).has('batchNormRelu') && opsOf(unfused).has('relu'), 'unfused ops in the graph');
    assert.deepEqual(unfused.toFlatArray(), fused.toFlatArray());
  });
}, {
  expectedFallbacks: [{
    ops: ['channelSums', 'channelAffine'],
    reason: 'not float32',
    because: 'the float64 run is the reference the float32 kernels are compared with',
  }],
});

/** The ops in the autograd graph behind t. */
function opsOf(t: Tensor): Set<string> {
  const ops = new Set<string>();
  const stack = [t];
  const seen = new Set<Tensor>();
  while (stack.length) {
    const u = stack.pop()!;
    if (seen.has(u) || !u.node) continue;
    seen.add(u);
    ops.add(u.node.op);
    stack.push(...u.node.inputs);
  }
  return ops;
}
