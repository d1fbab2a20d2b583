// SiLU's SIMD kernels (kernels/assembly/silu.ts) against the reference loops (src/ops/silu.ts, float64 then
// rounded once). Tolerance from the kernel's error budget: its exp(-|x|) (Cephes's expf polynomial, within
// 2 ulp), then 1 + e, a division and the two scaling multiplies (0.5 ulp each) and the reference's own
// rounding (0.5 ulp): forward within 5 ulp of the result; the gradient dy * s * (1 + x (1 - s)) within 6 ulp
// of its magnitude |dy| s (1 + |x| (1 - s)) (near its zero, x = -1.278, the float32 sum cancels). Ulps below
// the normal range are those of 2^-126. Specials: NaN, +-Infinity, +-0, subnormals and |x| up to 1e30 give
// the reference's forward values exactly, and its gradient's NaNs and infinities.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, getWasmStats, kernelsOn, ready, resetWasmStats, uniform } from '../src/index.js';

await ready();
const wasm = kernelsOn('wasm');
const js = kernelsOn('js');

/** The float32 ulp at |v|, floored at the smallest normal's. */
function ulp(v: number): number {
  return 2 ** (Math.floor(Math.log2(Math.max(Math.abs(v), 2 ** -126))) - 23);
}

it('silu and its gradient on the SIMD kernels are within 5 and 6 ulp of the reference, over [-120, 120] and tails', () => {
  const g = new Generator(5);
  for (const [n, lo, hi] of [[1, -3, 3], [5, -3, 3], [4099, -1, 1], [65536, -20, 20], [65536, -120, 120], [8192, -95, -80]] as const) {
    const x = uniform([n], lo, hi, { generator: g }).data as Float32Array;
    const dy = uniform([n], -2, 2, { generator: g }).data as Float32Array;
    const [y, yRef, dx, dxRef] = [0, 1, 2, 3].map(() => new Float32Array(n));
    resetWasmStats();
    wasm.silu(x, y);
    wasm.siluBackward(x, dy, dx);
    assert.deepEqual(getWasmStats().kernels, { silu: 1, siluBackward: 1 }, `n = ${n}`);
    js.silu(x, yRef);
    js.siluBackward(x, dy, dxRef);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(y[i] - yRef[i]) <= 5 * ulp(yRef[i]), `silu(${x[i]}) = ${y[i]}, reference ${yRef[i]}`);
      const s = 1 / (1 + Math.exp(-x[i]));
      const magnitude = Math.abs(dy[i]) * s * (1 + Math.abs(x[i]) * (1 - s));
      assert.ok(Math.abs(dx[i] - dxRef[i]) <= 6 * ulp(magnitude), `silu'(${x[i]}) * ${dy[i]} = ${dx[i]}, reference ${dxRef[i]}`);
    }
    const inPlace = x.slice();
    wasm.silu(inPlace, inPlace);
    assert.deepEqual(inPlace, y, `in place, n = ${n}`);
  }
});

it('silu on the SIMD kernels gives the reference values for NaN, infinities, zeros, subnormals and large |x|', () => {
  const x = Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 88.8, -88.8, 104, -104, 110, -110, 200, -200, 1e30, -1e30]);
  const dy = new Float32Array(x.length).fill(1.5);
  const [y, yRef, dx, dxRef] = [0, 1, 2, 3].map(() => new Float32Array(x.length));
  wasm.silu(x, y);
  js.silu(x, yRef);
  wasm.siluBackward(x, dy, dx);
  js.siluBackward(x, dy, dxRef);
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer)).map((b, i) => (Number.isNaN(a[i]) ? 'NaN' : b));
  assert.deepEqual(bits(y), bits(yRef));
  // The gradient: NaN and infinities exactly, finite values within the 6 ulp of the first test.
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(dxRef[i])) assert.equal(String(dx[i]), String(dxRef[i]), `silu'(${x[i]})`);
    else assert.ok(Math.abs(dx[i] - dxRef[i]) <= 6 * ulp(Math.abs(dy[i]) * (1 + Math.abs(x[i]))), `silu'(${x[i]}) = ${dx[i]}, reference ${dxRef[i]}`);
  }
});
