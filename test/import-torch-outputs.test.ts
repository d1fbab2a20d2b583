// PyTorch state dicts loaded with loadTorchStateDict give PyTorch's outputs (issue 10, case 5): a Linear
// after a Flatten gets its rows reordered from PyTorch's (c, h, w) to ConvKit's (h, w, c). The fixtures
// (test/fixtures/torch/*.safetensors: the state dict as PyTorch holds it and PyTorch's logits) were made
// once by scripts/make-torch-fixtures.py with PyTorch 1.13; CI needs no PyTorch.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor, noGrad } from '../src/index.js';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../src/nn/index.js';
import type { Module } from '../src/nn/module.js';
import { alexnet, lenet5, vgg11 } from '../src/models/index.js';
import { parseSafetensors } from '../src/io/safetensors.js';
import { loadTorchStateDict } from '../src/io/importers/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';

/** The fixture input, as the script makes it: x[i] = ((i * 7919) % 1000) / 500 - 1 over the NHWC index. */
function formulaInput(shape: [number, number, number, number]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 1000) / 500 - 1), shape);
}

function fixture(name: string): { stateDict: Record<string, Tensor>; expected: Tensor } {
  const { tensors } = parseSafetensors(new Uint8Array(readFileSync(new URL(`./fixtures/torch/${name}.safetensors`, import.meta.url))), name);
  const { 'expected.output': expected, ...stateDict } = tensors;
  return { stateDict, expected };
}

const smallNet = () => new Sequential(new Conv2d(3, 4, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, 5));

const NETS: Array<{ name: string; make: () => Module; input: [number, number, number, number]; inputShape?: [number, number, number] }> = [
  { name: 'small-net', make: smallNet, input: [2, 8, 8, 3], inputShape: [8, 8, 3] },
  { name: 'lenet5', make: () => lenet5({ inputSize: 32, inChannels: 1, numClasses: 10, variant: 'relu' }), input: [2, 32, 32, 1] },
  { name: 'alexnet', make: () => alexnet({ widthMultiplier: 1 / 32, hiddenUnits: 8, numClasses: 10 }), input: [1, 224, 224, 3] },
  { name: 'vgg11', make: () => vgg11({ widthMultiplier: 1 / 32, hiddenUnits: 8, numClasses: 10 }), input: [1, 224, 224, 3] },
];

forEachBackend(() => {
  for (const { name, make, input, inputShape } of NETS) {
    it(`${name}: PyTorch's state dict gives PyTorch's logits (a Linear after a Flatten included)`, () => {
      const { stateDict, expected } = fixture(name);
      const model = make().eval();
      assert.deepEqual(loadTorchStateDict(model, stateDict, { inputShape }), { missing: [], unexpected: [] });
      const output = noGrad(() => model.forward(formulaInput(input)));
      assert.deepEqual(output.shape, expected.shape);
      assertAllClose(output.data, expected.data, { rtol: 1e-4, atol: 1e-4 }, name);
    });
  }
});

it('a model with convolutions and Linear layers and no known input size needs inputShape', () => {
  const { stateDict } = fixture('small-net');
  assert.throws(() => loadTorchStateDict(smallNet(), stateDict), /loadTorchStateDict: Sequential has convolutions and Linear layers; pass inputShape \[height, width, channels\]/);
  assert.throws(() => loadTorchStateDict(smallNet(), stateDict, { inputShape: [8, 8] as never }), /inputShape must be \[height, width, channels\] of positive integers, got \[8, 8\]/);
  assert.throws(() => loadTorchStateDict(smallNet(), stateDict, { inputShape: [2, 2, 3] }), /could not run the model on an input of \[1, 2, 2, 3\]/);
});
