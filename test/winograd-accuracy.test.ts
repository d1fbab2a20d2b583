// The Winograd accuracy that kernels/README.md states: the largest error of the output and of both gradients
// against float64, relative to the largest value, on the shapes of the Winograd case in
// test/backend-wasm.test.ts (channel tails, odd sizes, every padding, one pixel, many tiles, 300 channels).
// The backend would pick the indirect GEMM for the smallest of them, so Winograd is forced, and the kernel
// counters prove it ran.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, type Tensor, getWasmStats, uniform } from '../src/index.js';
import { setWinogradMode } from '../src/backend/wasm/winograd-runner.js';
import { evaluateOn, leafCopy } from './helpers/float32-check.js';

/** What kernels/README.md claims: the largest error over the largest |value|, per filter size. */
const CLAIMED_BOUND: Record<number, number> = { 3: 8e-7, 5: 2e-6 };

interface Shape { batch: number; side: [number, number]; inC: number; outC: number; pad: [number, number, number, number] }

function shapesFor(k: number): Shape[] {
  const same = (k - 1) / 2;
  const samePad: Shape['pad'] = [same, same, same, same];
  const tails = [[16, 16], [17, 19], [20, 23], [24, 33], [31, 16], [16, 40]].map(([inC, outC], i): Shape => ({
    batch: 1 + (i % 3), side: [5 + i, 9 - i], inC, outC, pad: [i % k, (i + 1) % k, (i + 2) % k, (i + 3) % k],
  }));
  return [
    ...tails,
    { batch: 1, side: [1, 1], inC: 16, outC: 16, pad: samePad }, // one pixel
    { batch: 8, side: [6, 5], inC: 16, outC: 18, pad: samePad }, // tiles across images
    { batch: 1, side: [30, 30], inC: 64, outC: 64, pad: samePad }, // many blocks
    { batch: 4, side: [24, 24], inC: 16, outC: 24, pad: samePad }, // filter gradient: 8 slices
    { batch: 1, side: [5, 5], inC: 300, outC: 64, pad: samePad }, // deep, few tiles
  ];
}

/** max |a - b| / max |b|. */
function relativeError(actual: Tensor, expected: Tensor): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.size; i++) {
    err = Math.max(err, Math.abs(actual.data[i] - expected.data[i]));
    scale = Math.max(scale, Math.abs(expected.data[i]));
  }
  return err / scale;
}

const WINOGRAD_PATHS = ['conv2d.winograd', 'conv2dBackwardInput.winograd', 'conv2dBackwardFilter.winograd'];

describe('Winograd F(2x2, 3x3) accuracy against float64', () => {
  before(() => setWinogradMode('always'));
  after(() => setWinogradMode('auto'));

  for (const k of [3, 5]) {
    it(`${k}x${k}: output and both gradients within ${CLAIMED_BOUND[k]} of the largest value`, () => {
      const g = new Generator(2024);
      for (const s of shapesFor(k)) {
        const x = uniform([s.batch, ...s.side, s.inC], -1, 1, { generator: g, requiresGrad: true });
        const w = uniform([k, k, s.inC, s.outC], -1, 1, { generator: g, requiresGrad: true });
        const conv = (xx: Tensor, ww: Tensor) => F.conv2d(xx, ww, null, { padding: s.pad });
        let r: Tensor | null = null;
        const projection = (y: Tensor) => (r ??= uniform(y.shape, -1, 1, { generator: g }));
        const kernelsBefore = getWasmStats().kernels;
        const single = evaluateOn('wasm', conv, [x, w].map((t) => leafCopy(t, 'float32')), projection);
        const kernelsAfter = getWasmStats().kernels;
        const name = `${k}x${k} ${s.batch}x${s.side.join('x')} ${s.inC}->${s.outC} padding ${s.pad.join(',')}`;
        for (const path of WINOGRAD_PATHS) assert.ok((kernelsAfter[path] ?? 0) > (kernelsBefore[path] ?? 0), `${name}: ${path} did not run`);
        const double = evaluateOn('js', conv, [x, w].map((t) => leafCopy(t, 'float64')), () => r!.to('float64'));
        const errors = [relativeError(single.output, double.output), ...single.grads.map((grad, i) => relativeError(grad, double.grads[i]))];
        errors.forEach((e, i) => assert.ok(e <= CLAIMED_BOUND[k], `${name}: ${['output', 'input gradient', 'filter gradient'][i]} error ${e.toExponential(2)} of the largest value`));
      }
    });
  }
});
