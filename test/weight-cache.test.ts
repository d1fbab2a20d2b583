// The wasm backend's cache of packed weights: repeated inference packs each weight once and reads it back
// bit for bit; every in-place write (optimiser step, loadStateDict, copy_, init, a direct write followed by
// bumpVersion) makes the next call repack, so its result equals a computation without the cache. On the js
// backend (no cache) the same invalidation tests pin down the results the cache must reproduce.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  F, Generator, SGD, type Tensor, getBackend, getWasmStats, noGrad, randn, resetWasmStats, setWeightCacheLimit, zeros,
} from '../src/index.js';
import { Conv2d, Linear, Module, ReLU, Sequential, Flatten, init } from '../src/nn/index.js';
import { setWinogradMode } from '../src/backend/wasm/winograd-runner.js';
import { ResidentBlocks } from '../src/backend/wasm/resident-blocks.js';
import { forEachBackend } from './helpers/backends.js';

const DEFAULT_LIMIT = 512 << 20;

/**
 * Every path that packs weights: Winograd (3x3 same, 16 channels), the indirect GEMM (stride 2), a
 * grouped conv, a 1x1 (plain GEMM), the im2col GEMM (3 input channels), and a dense layer deep enough to
 * split its depth (SPLIT_K, 2048 -> 10 at batch 2), which reads B packed whole only from the cache. The
 * input gradients take the flipped-weight packings (im2col, Winograd, igemm, 1x1) and col2im (stride 2).
 */
function everyPathModel(): Module {
  const g = new Generator(7);
  return new Sequential(
    new Conv2d(3, 16, 3, { padding: 1, generator: g }), // im2col (3 channels a tap)
    new ReLU(),
    new Conv2d(16, 16, 3, { padding: 'same', generator: g }), // Winograd
    new Conv2d(16, 32, 3, { stride: 2, padding: 1, generator: g }), // indirect GEMM
    new Conv2d(32, 32, 3, { padding: 1, groups: 2, generator: g }), // grouped, per-group panels
    new Conv2d(32, 32, 1, { generator: g }), // 1x1: x · W
    new Flatten(),
    new Linear(32 * 8 * 8, 10, { generator: g }),
  );
}

/** Layers whose weights get packed (every conv and dense layer above). */
const PACKED_LAYERS = 6;
/** Packing runs of one forward into the cache: one per layer, one per group for the grouped conv. */
const PACKS = PACKED_LAYERS + 1;

const input = () => randn([2, 16, 16, 3], { generator: new Generator(3) });

function withoutCache<T>(run: () => T): T {
  setWeightCacheLimit(0);
  try {
    return run();
  } finally {
    setWeightCacheLimit(DEFAULT_LIMIT);
  }
}

function assertBitIdentical(actual: Tensor, expected: Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = new Uint32Array(Float32Array.from(actual.data).buffer);
  const e = new Uint32Array(Float32Array.from(expected.data).buffer);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) assert.fail(`${what}: element ${i} is ${actual.data[i]}, without the cache ${expected.data[i]}`);
  }
}

after(() => setWinogradMode());

forEachBackend((backend) => {
  describe('weights changed in place reach the next call', () => {
    const forward = (model: Module, x: Tensor) => noGrad(() => model.forward(x));

    it('after an optimiser step', () => {
      const model = everyPathModel().eval();
      const x = input();
      const before = forward(model, x);
      forward(model, x);
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const loss = model.forward(x).square().mean();
      loss.backward();
      opt.step();
      const after = forward(model, x);
      assertBitIdentical(after, withoutCache(() => forward(model, x)), 'after SGD step');
      assert.ok(after.data.some((v, i) => v !== before.data[i]), 'the step changed the output');
    });

    it('after loadStateDict, copy_, an init function and a direct write with bumpVersion', () => {
      const model = everyPathModel().eval();
      const x = input();
      forward(model, x);
      forward(model, x);
      const other = everyPathModel();
      for (const p of other.parameters()) init.normal_(p, 0, 0.05, new Generator(11));
      model.loadStateDict(other.stateDict());
      assertBitIdentical(forward(model, x), withoutCache(() => forward(other, x)), 'after loadStateDict');

      const conv = (model as Sequential).children()[2] as Conv2d;
      conv.weight.copy_(randn(conv.weight.shape, { generator: new Generator(5) }));
      assertBitIdentical(forward(model, x), withoutCache(() => forward(model, x)), 'after copy_');

      init.kaimingUniform_(conv.weight, { generator: new Generator(6) });
      assertBitIdentical(forward(model, x), withoutCache(() => forward(model, x)), 'after kaimingUniform_');

      const version = conv.weight.version;
      conv.weight.data[0] += 1;
      conv.weight.bumpVersion();
      assert.equal(conv.weight.version, version + 1);
      assertBitIdentical(forward(model, x), withoutCache(() => forward(model, x)), 'after a direct write');
    });

    it(`gradients on the cached weights equal those without the cache (${backend})`, () => {
      const model = everyPathModel();
      const grads = (m: Module) => {
        const x = input().requiresGrad_();
        for (const p of m.parameters()) p.grad = null;
        m.forward(x).square().sum().backward();
        return [x.grad!, ...m.parameters().map((p) => p.grad!)];
      };
      grads(model);
      const cached = grads(model); // the second backward at the same version reads the packed copies
      const plain = withoutCache(() => grads(model));
      cached.forEach((g, i) => assertBitIdentical(g, plain[i], `gradient ${i}`));
    });
  });

  it('a tensor shares its version with tensors that share its data', () => {
    const t = zeros([4]);
    const view = t.detach();
    const v = t.version;
    view.copy_(randn([4]));
    assert.equal(t.version, v + 1);
    new SGD([t.requiresGrad_()], { lr: 1 }).step(); // no gradient: no update, no bump
    assert.equal(t.version, v + 1);
  });

  if (backend !== 'wasm') return;

  describe('the cache (wasm)', () => {
    it('repeated inference packs every weight once and gives the uncached results bit for bit', () => {
      const model = everyPathModel().eval();
      const x = input();
      resetWasmStats();
      const first = noGrad(() => model.forward(x));
      assert.equal(getWasmStats().weightPacks, PACKS, 'the first forward packs each layer');
      for (let i = 0; i < 3; i++) assertBitIdentical(noGrad(() => model.forward(x)), first, `forward ${i + 2}`);
      assert.equal(getWasmStats().weightPacks, PACKS, 'later forwards pack nothing');
      assert.equal(getWasmStats().weightCacheHits, 3 * PACKED_LAYERS);
      const paths = Object.keys(getWasmStats().kernels);
      for (const path of ['conv2d.im2col', 'conv2d.winograd', 'conv2d.igemm', 'conv2d.pointwise', 'matmul']) {
        assert.ok(paths.includes(path), `${path} ran (got ${paths.join(', ')})`);
      }
      resetWasmStats();
      assertBitIdentical(withoutCache(() => noGrad(() => model.forward(x))), first, 'without the cache');
      // Without the cache, the SPLIT_K dense layer packs B per depth slice inside the kernel (not counted).
      assert.equal(getWasmStats().weightPacks, PACKS - 1);
      assert.equal(getWasmStats().weightCacheHits, 0);
    });

    it('packs a plain tensor from its second use, and nothing for fresh arrays', () => {
      const x = randn([1, 12, 12, 16], { generator: new Generator(1) });
      const w = randn([3, 3, 16, 16], { generator: new Generator(2) });
      resetWasmStats();
      const run = () => F.conv2d(x, w, null, { padding: 1 });
      const results = [run(), run(), run()];
      assert.deepEqual([getWasmStats().weightPacks, getWasmStats().weightCacheHits], [2, 1]);
      results.forEach((r) => assertBitIdentical(r, results[0], 'functional conv'));
      resetWasmStats();
      const bytes = getWasmStats().weightCacheBytes;
      for (let i = 0; i < 3; i++) F.matmul(randn([4, 8]), randn([8, 8]));
      assert.equal(getWasmStats().weightCacheBytes, bytes, 'fresh B operands take no block');
    });

    it('training (weights change every step) gives the blocks back', () => {
      const model = everyPathModel();
      const opt = new SGD(model.parameters(), { lr: 0.01 });
      setWeightCacheLimit(0);
      setWeightCacheLimit(DEFAULT_LIMIT);
      const x = input();
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        model.forward(x).square().mean().backward();
        opt.step();
      }
      assert.equal(getWasmStats().weightCacheBytes, 0, 'entries packed for one step only are freed');
      model.eval();
      resetWasmStats();
      for (let i = 0; i < 3; i++) noGrad(() => model.forward(x));
      // The first forward packs in its arena (the SPLIT_K layer per depth slice, not counted), the second into the cache.
      assert.equal(getWasmStats().weightPacks, PACKS - 1 + PACKS, 'after training, weights are cached from their second use');
      assert.equal(getWasmStats().weightCacheHits, PACKED_LAYERS);
    });

    it('stays within its limit, and lowering the limit frees it', () => {
      const x = input();
      setWeightCacheLimit(0);
      setWeightCacheLimit(64 << 10);
      const model = everyPathModel().eval();
      for (let i = 0; i < 2; i++) noGrad(() => model.forward(x));
      const held = getWasmStats().weightCacheBytes;
      assert.ok(held > 0 && held <= 64 << 10, `holds ${held} bytes`);
      setWeightCacheLimit(0);
      assert.equal(getWasmStats().weightCacheBytes, 0);
      setWeightCacheLimit(DEFAULT_LIMIT);
      assert.throws(() => setWeightCacheLimit(-1), /setWeightCacheLimit: expected a whole number of bytes >= 0, got -1/);
    });

    it('runs on the wasm backend', () => assert.equal(getBackend().name, 'wasm'));
  });
});

describe('ResidentBlocks', () => {
  it('reuses the lowest hole that fits, merges freed neighbours and lowers the end', () => {
    const blocks = new ResidentBlocks(1024);
    const a = blocks.allocate(64);
    const b = blocks.allocate(128);
    const c = blocks.allocate(64);
    assert.deepEqual([a, b, c, blocks.end], [1024, 1088, 1216, 1280]);
    blocks.free(b, 128);
    assert.equal(blocks.allocate(64), 1088, 'first fit in the hole');
    blocks.free(1088, 64);
    blocks.free(a, 64); // merges with the hole after it
    assert.equal(blocks.allocate(192), 1024, 'the merged hole holds 192 bytes');
    blocks.free(1024, 192);
    blocks.free(c, 64); // the top block: the end comes down past the merged hole
    assert.equal(blocks.end, 1024);
    assert.throws(() => blocks.free(4096, 64), /ResidentBlocks.free: \[4096, 4160\) was never allocated/);
  });
});
