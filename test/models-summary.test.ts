// summary() MACs of the zoo at 224x224x3 against the figures torchvision publishes for its models
// (the "GFLOPS" column of its model table counts multiply-accumulates, rounded to 2 decimals).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { models } from '../src/index.js';
import { summary } from '../src/nn/summary.js';

const published: Array<[string, number]> = [
  ['alexnet', 0.71],
  ['resnet18', 1.81],
  ['resnet50', 4.09],
  ['googlenet', 1.5],
  ['mobilenet_v2', 0.3],
  ['vgg16', 15.47],
];

describe('summary MACs of the model zoo at 224x224x3', () => {
  for (const [name, gmacs] of published) {
    it(`${name}: ${gmacs} GMACs`, () => {
      const result = summary(models.createModel(name), [224, 224, 3]);
      assert.ok(
        Math.abs(result.totalMacs / 1e9 - gmacs) <= 0.005,
        `${name}: ${(result.totalMacs / 1e9).toFixed(4)} GMACs, published ${gmacs}`,
      );
      assert.deepEqual(result.layers.at(-1)?.outputShape, [1000]);
    });
  }
});
