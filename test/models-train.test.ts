// The zoo's small variants train: a few optimiser steps on one fixed batch lower the loss, and every
// parameter receives a finite, non-zero gradient (the blocks are wired into the graph).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randn, tensor, manualSeed, F } from '../src/index.js';
import type { Module } from '../src/nn/index.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { alexnet, vgg11, vgg16, resnet18, resnet50, googlenet, mobilenetV1, mobilenetV2 } from '../src/models/index.js';

/** Run fn and print how long it took (the reference kernels are slow; the numbers show where time goes). */
function timed<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const out = fn();
  console.log(`  ${label}: ${(performance.now() - start).toFixed(0)} ms`);
  return out;
}

/**
 * Adam steps on one fixed batch (the optimiser module is written elsewhere, so the update is spelled out
 * here). Adam rather than plain SGD because the small variants keep the reference initialisations, whose
 * narrow dense layers start with near-zero logits (torchvision's N(0, 0.01) is meant for 4096-wide layers)
 * and stall plain SGD for the first steps, as deep plain nets do.
 */
function trainBriefly(model: Module, x: Tensor, labels: Tensor, steps: number, lr: number): number[] {
  const moments = new Map<Tensor, [Float64Array, Float64Array]>();
  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    model.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), labels);
    loss.backward();
    losses.push(loss.item());
    for (const [name, p] of model.namedParameters()) {
      assert.ok(p.grad, `${name} received no gradient`);
      const g = p.grad.data;
      assert.ok(g.every(Number.isFinite), `${name} has a non-finite gradient`);
      if (step === 1) assert.ok(g.some((v) => v !== 0), `${name}'s gradient is all zero`);
      const [m, v] = moments.get(p) ?? [new Float64Array(g.length), new Float64Array(g.length)];
      moments.set(p, [m, v]);
      for (let j = 0; j < g.length; j++) {
        m[j] = 0.9 * m[j] + 0.1 * g[j];
        v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
        p.data[j] -= (lr * (m[j] / (1 - 0.9 ** step))) / (Math.sqrt(v[j] / (1 - 0.999 ** step)) + 1e-8);
      }
      p.bumpVersion(); // an in-place write the library cannot see: packed copies of p are stale now
    }
  }
  return losses;
}

describe('small variants train: loss falls on a fixed batch, every parameter gets a gradient', () => {
  const numClasses = 4;
  const cases: Array<[string, () => Module, number, { steps: number; lr: number }]> = [
    ['alexnet', () => alexnet({ numClasses, inputSize: 63, widthMultiplier: 0.125, hiddenUnits: 32, dropout: 0 }), 63, { steps: 12, lr: 0.01 }],
    ['alexnet original', () => alexnet({ numClasses, original: true, inputSize: 67, widthMultiplier: 0.125, hiddenUnits: 32, dropout: 0 }), 67, { steps: 12, lr: 0.01 }],
    ['vgg11_bn', () => vgg11({ numClasses, batchNorm: true, inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 32, dropout: 0 }), 32, { steps: 8, lr: 0.01 }],
    ['resnet18', () => resnet18({ numClasses, widthMultiplier: 0.125 }), 32, { steps: 6, lr: 0.01 }],
    // 64x64 so that layer4's batch norms see 2x2 maps, not 1x1: steadier on a batch of 4.
    ['resnet50', () => resnet50({ numClasses, widthMultiplier: 0.125 }), 64, { steps: 6, lr: 0.003 }],
    ['googlenet', () => googlenet({ numClasses, widthMultiplier: 0.125, dropout: 0 }), 32, { steps: 6, lr: 0.01 }],
    ['mobilenet_v1', () => mobilenetV1({ numClasses, widthMultiplier: 0.25, dropout: 0 }), 32, { steps: 6, lr: 0.01 }],
    // 48x48 so that the last stages' batch norms see 2x2 maps, not 1x1: steadier on a batch of 4.
    ['mobilenet_v2', () => mobilenetV2({ numClasses, widthMultiplier: 0.25, dropout: 0 }), 48, { steps: 6, lr: 0.003 }],
  ];
  for (const [name, build, size, { steps, lr }] of cases) {
    it(name, () => {
      manualSeed(0);
      const model = build();
      const x = randn([4, size, size, 3]);
      const labels = tensor([0, 1, 2, 3], [4], { dtype: 'int32' });
      const losses = timed(`${name}: ${steps} steps on 4 images of ${size}x${size}`, () => trainBriefly(model, x, labels, steps, lr));
      console.log(`  ${name} losses: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
      assert.ok(losses[losses.length - 1] < 0.9 * losses[0], `${name}: loss went from ${losses[0]} to ${losses[losses.length - 1]}`);
    });
  }

  it('vgg16 without batch norm passes gradients down all 16 layers', () => {
    manualSeed(0);
    const model = vgg16({ numClasses, inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 32, dropout: 0 });
    const losses = trainBriefly(model, randn([2, 32, 32, 3]), tensor([0, 1], [2], { dtype: 'int32' }), 2, 0.01);
    assert.ok(losses.every(Number.isFinite));
  });
});
