// Forward passes at the native 224x224x3 ImageNet size. Slow on the reference kernels (seconds each), so
// only the two the issue asks for: ResNet-18 (~1.8 G multiply-adds) and MobileNet v2 (~0.3 G).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randn, manualSeed, noGrad } from '../src/index.js';
import { resnet18, mobilenetV2 } from '../src/models/index.js';

/** Run fn and print how long it took (the reference kernels are slow; the numbers show where time goes). */
function timed<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const out = fn();
  console.log(`  ${label}: ${(performance.now() - start).toFixed(0)} ms`);
  return out;
}

describe('native input size, batch 1', () => {
  for (const [name, build] of [['resnet18', resnet18], ['mobilenet_v2', mobilenetV2]] as const) {
    it(`${name} maps [1, 224, 224, 3] to [1, 1000]`, () => {
      manualSeed(2);
      const model = build().eval();
      const y = timed(`${name} forward at 224x224`, () => noGrad(() => model.forward(randn([1, 224, 224, 3]))));
      assert.deepEqual(y.shape, [1, 1000]);
      assert.ok(y.data.every(Number.isFinite));
    });
  }
});
