// Leaky ReLU's SIMD kernels, forward and gradient (kernels/assembly/relu.ts), against the reference loops
// (src/ops/leaky-relu.ts): both take the product in float64 and round it once, so they agree bit for bit,
// NaN, +-0, +-Infinity, subnormals and lengths off the vector width included; F.leakyRelu (and the
// LeakyReLU layer) runs them.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, getWasmStats, kernelsOn, ready, resetWasmStats, tensor, uniform } from '../src/index.js';
import { LeakyReLU } from '../src/nn/index.js';

await ready();
const wasm = kernelsOn('wasm');
const js = kernelsOn('js');

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

it('the SIMD kernel equals the reference bit for bit, for several slopes, specials and every tail length', () => {
  const g = new Generator(11);
  const specials = [NaN, -NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, -1.1754942e-38, 3.4028235e38, -3.4028235e38, -1, 1];
  for (const slope of [0.1, 0.01, 0.2, 1 / 3, 0, 1, -0.5]) {
    for (const n of [1, 2, 3, 4, 5, 7, 13, 4099, 70000]) {
      const x = uniform([n], -4, 4, { generator: g }).data as Float32Array;
      specials.slice(0, n).forEach((v, i) => (x[(i * 7919) % n] = v));
      const [y, yRef] = [new Float32Array(n), new Float32Array(n)];
      resetWasmStats();
      wasm.leakyRelu(x, y, slope);
      assert.deepEqual(getWasmStats().kernels, { leakyRelu: 1 }, `n = ${n}`);
      js.leakyRelu(x, yRef, slope);
      // NaN payloads may differ; every other value must have the reference's bits.
      const [got, want] = [bits(y), bits(yRef)];
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(yRef[i])) assert.ok(Number.isNaN(y[i]), `slope ${slope}: leakyRelu(NaN) = ${y[i]}`);
        else assert.equal(got[i], want[i], `slope ${slope}, n ${n}: leakyRelu(${x[i]}) = ${y[i]}, reference ${yRef[i]}`);
      }
    }
  }
});

it('the gradient kernel equals the reference bit for bit, specials in x and in dy, every tail length', () => {
  const g = new Generator(12);
  const specials = [NaN, -NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, -1.1754942e-38, 3.4028235e38, -3.4028235e38, -1, 1];
  for (const slope of [0.1, 0.01, 1 / 3, 0, -0.5]) {
    for (const n of [1, 3, 4, 5, 7, 13, 4099, 70000]) {
      const x = uniform([n], -4, 4, { generator: g }).data as Float32Array;
      const dy = uniform([n], -4, 4, { generator: g }).data as Float32Array;
      specials.slice(0, n).forEach((v, i) => {
        x[(i * 7919) % n] = v;
        dy[(i * 104729 + 1) % n] = v;
      });
      const [dx, dxRef] = [new Float32Array(n), new Float32Array(n)];
      resetWasmStats();
      wasm.leakyReluBackward(x, dy, dx, slope);
      assert.deepEqual(getWasmStats().kernels, { leakyReluBackward: 1 }, `n = ${n}`);
      js.leakyReluBackward(x, dy, dxRef, slope);
      const [got, want] = [bits(dx), bits(dxRef)];
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(dxRef[i])) assert.ok(Number.isNaN(dx[i]), `slope ${slope}: gradient at x ${x[i]}, dy ${dy[i]} = ${dx[i]}`);
        else assert.equal(got[i], want[i], `slope ${slope}, n ${n}: gradient at x ${x[i]}, dy ${dy[i]} = ${dx[i]}, reference ${dxRef[i]}`);
      }
    }
  }
});

it('the gradient of F.leakyRelu runs the kernel, with the values worked by hand', () => {
  const x = tensor([-2, -0.5, 0, 3, 8], undefined, { requiresGrad: true });
  resetWasmStats();
  F.leakyRelu(x, 0.25).mul(tensor([1, 2, 3, 4, 5])).sum().backward();
  assert.deepEqual(Array.from(x.grad!.data), [0.25, 0.5, 0.75, 4, 5]);
  assert.equal(getWasmStats().kernels.leakyReluBackward, 1);
});

it('F.leakyRelu and LeakyReLU run the kernel on float32 tensors, with the values worked by hand', () => {
  resetWasmStats();
  const x = tensor([-2, -0.5, 0, 3, 8]);
  assert.deepEqual(Array.from(F.leakyRelu(x, 0.25).data), [-0.5, -0.125, 0, 3, 8]);
  assert.deepEqual(Array.from(new LeakyReLU(0.5).forward(x).data), [-1, -0.25, 0, 3, 8]);
  assert.equal(getWasmStats().kernels.leakyRelu, 2);
});
