// What the PyTorch peer is fed (bench/peers/torch-payload.ts): torchvision's state-dict names and PyTorch's
// layouts, checked by hand-computed indices; and the model FLOP counts of the whole-model cases against
// torchvision's published figures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { torchPayload, torchStateEntry } from '../bench/peers/torch-payload.js';
import { findCase, mobilenetV2Macs, resnet18Macs } from '../bench/cases.js';
import { makeCaseData } from '../bench/case-data.js';

describe('PyTorch peer payload', () => {
  it("renames batch-norm statistics and moves filters to [out, in, kH, kW], dense weights to [out, in]", () => {
    assert.equal(torchStateEntry('layer1.0.bn1.runningMean', { data: new Float32Array(2), shape: [2] }).name, 'layer1.0.bn1.running_mean');
    assert.equal(torchStateEntry('bn1.runningVar', { data: new Float32Array(2), shape: [2] }).name, 'bn1.running_var');
    // filter [kH 2, kW 1, in 2, out 3]: w[y][x][i][o] = 100y + 10i + o
    const hwio = new Float32Array(12);
    for (let y = 0; y < 2; y++) for (let i = 0; i < 2; i++) for (let o = 0; o < 3; o++) hwio[(y * 2 + i) * 3 + o] = 100 * y + 10 * i + o;
    const conv = torchStateEntry('conv1.weight', { data: hwio, shape: [2, 1, 2, 3] });
    assert.deepEqual(conv.shape, [3, 2, 2, 1]);
    assert.equal(conv.data[((2 * 2 + 1) * 2 + 1) * 1 + 0], 100 + 10 + 2); // o=2, i=1, y=1, x=0
    // dense [in 2, out 3] = [[0, 1, 2], [3, 4, 5]] -> [out 3, in 2] = [[0, 3], [1, 4], [2, 5]]
    const fc = torchStateEntry('fc.weight', { data: Float32Array.from([0, 1, 2, 3, 4, 5]), shape: [2, 3] });
    assert.deepEqual(fc.shape, [3, 2]);
    assert.deepEqual([...fc.data], [0, 3, 1, 4, 2, 5]);
  });

  it('sends a training case as NCHW images, int32 labels and the optimiser settings', async () => {
    const payload = torchPayload(await makeCaseData(findCase('k')))!;
    assert.deepEqual(payload.header, { kind: 'trainModel', model: 'mobilenetV2', optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 } });
    assert.deepEqual(payload.tensors.map((t) => [t.name, t.shape, t.data.constructor.name]), [
      ['x', [8, 3, 64, 64], 'Float32Array'],
      ['y', [8], 'Int32Array'],
    ]);
    assert.equal(torchPayload(await makeCaseData(findCase('face'))), null);
  });
});

describe('whole-model FLOP counts', () => {
  it("match torchvision's published multiply-adds (ResNet-18 1.814 G, MobileNetV2 0.301 G at 224, 1000 classes)", () => {
    assert.equal(Math.round(resnet18Macs(224) / 1e6), 1814);
    assert.equal(Math.round(mobilenetV2Macs(224, 1000) / 1e6), 301);
  });
});
