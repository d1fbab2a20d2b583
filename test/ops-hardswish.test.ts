// hardswish (the demonstration of adding an op: issue 9): hand-computed values from its definition,
// PyTorch's gradient at the kinks, NaN, float64 central differences, and on the wasm backend the SIMD
// kernels bit for bit against the reference loops.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, gradcheck, kernelsOn, resetWasmStats, getWasmStats, tensor, uniform } from '../src/index.js';
import { Hardswish } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';

forEachBackend((backend) => {
  it('hardswish(x) = x * relu6(x + 3) / 6 on hand-computed points, both dtypes', () => {
    const points = [-5, -3, -1.5, 0, 1, 3, 4.5];
    // x * clamp(x + 3, 0, 6) / 6 worked out by hand: 0, 0, -1.5 * 1.5 / 6, 0, 1 * 4 / 6, 3 * 6 / 6, 4.5.
    const expected = [0, 0, -0.375, 0, 4 / 6, 3, 4.5];
    for (const dtype of ['float32', 'float64'] as const) {
      assertAllClose(F.hardswish(tensor(points, [7], { dtype })).data, expected, { atol: 1e-7 });
    }
    assert.ok(Number.isNaN(F.hardswish(tensor([NaN])).data[0]));
    assert.throws(() => F.hardswish(tensor([1, 2], [2], { dtype: 'int32' })), /hardswish: expects a float tensor, got int32/);
  });

  it("hardswish's gradient is PyTorch's: 0 below -3, dy above 3, dy * (x / 3 + 0.5) on [-3, 3] ends included", () => {
    const x = tensor([-4, -3, -1.5, 0, 3, 3.5, NaN], [7]).requiresGrad_();
    F.hardswish(x).mul(tensor([2, 2, 2, 2, 2, 2, 2], [7])).sum().backward();
    const dx = Array.from(x.grad!.data);
    assert.deepEqual(dx.slice(0, 6), [0, 2 * -0.5, 2 * 0, 2 * 0.5, 2 * 1.5, 2]);
    assert.ok(Number.isNaN(dx[6]));
  });

  it('hardswish passes a float64 gradient check away from its kinks', () => {
    const g = new Generator(3);
    // Values in (-6, 6) outside small windows around -3 and 3, where the derivative jumps.
    const x = uniform([40], -6, 6, { dtype: 'float64', generator: g }).data.map((v) => (Math.abs(Math.abs(v) - 3) < 0.05 ? v + 0.2 : v));
    assert.equal(gradcheck((t) => F.hardswish(t).mul(t), [tensor(Array.from(x), [40], { dtype: 'float64' }).requiresGrad_()]), true);
  });

  it('nn.Hardswish is the op', () => {
    const x = tensor([-2, 0.5, 5], [3]);
    assert.deepEqual(new Hardswish().forward(x).toFlatArray(), F.hardswish(x).toFlatArray());
  });

  if (backend === 'wasm') {
    it('the SIMD kernels ran and agree with the reference loops bit for bit (tails, in place, specials)', () => {
      const wasm = kernelsOn('wasm');
      const js = kernelsOn('js');
      const g = new Generator(11);
      for (const n of [1, 3, 4, 5, 33, 32768 + 7]) {
        const x = uniform([n], -8, 8, { generator: g }).data as Float32Array;
        [-3, 3, -0, 0, Infinity, -Infinity, 1e-45, Math.fround(3 + 1e-6)].forEach((v, i) => { if (i < n) x[(i * 7919) % n] = v; });
        const dy = uniform([n], -1, 1, { generator: g }).data as Float32Array;
        const [y, yRef, dx, dxRef] = [0, 1, 2, 3].map(() => new Float32Array(n));
        resetWasmStats();
        wasm.hardswish(x, y);
        wasm.hardswishBackward(x, dy, dx);
        assert.deepEqual(getWasmStats().kernels, { hardswish: 1, hardswishBackward: 1 }, `n = ${n}`);
        js.hardswish(x, yRef);
        js.hardswishBackward(x, dy, dxRef);
        const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer));
        assert.deepEqual(bits(y), bits(yRef), `forward, n = ${n}`);
        assert.deepEqual(bits(dx), bits(dxRef), `backward, n = ${n}`);
        const inPlace = x.slice();
        wasm.hardswish(inPlace, inPlace);
        assert.deepEqual(bits(inPlace), bits(yRef), `in place, n = ${n}`);
      }
    });
  }
}, {
  expectedFallbacks: [{
    ops: ['hardswish', 'hardswishBackward'],
    reason: 'not float32',
    because: 'the hand values and the gradient check run in float64 too; the SIMD kernels are checked bit for bit in float32',
  }],
});
