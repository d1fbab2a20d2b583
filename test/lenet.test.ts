import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../src/tensor/create.js';
import { manualSeed } from '../src/util/random.js';
import { AvgPool2d, Conv2d, MaxPool2d, ReLU, Tanh } from '../src/nn/layers.js';
import { lenet5 } from '../src/models/lenet.js';
import { summary } from '../src/nn/summary.js';

// The texts' arithmetic: conv1 5*5*1*6 + 6, conv2 5*5*6*16 + 16, then 400*120 + 120, 120*84 + 84, 84*10 + 10.
const LENET5_PARAMETERS = 156 + 2416 + 48120 + 10164 + 850;

test('lenet5 follows the texts: 28x28x6 -> 14x14x6 -> 10x10x16 -> 5x5x16 = 400 -> 120 -> 84 -> 10', () => {
  manualSeed(0);
  const model = lenet5();
  const s = summary(model, [28, 28, 1]);
  const shapes = Object.fromEntries(s.layers.map((l) => [l.name, l.outputShape]));
  assert.deepEqual(shapes['features.conv1'], [28, 28, 6]);
  assert.deepEqual(shapes['features.pool1'], [14, 14, 6]);
  assert.deepEqual(shapes['features.conv2'], [10, 10, 16]);
  assert.deepEqual(shapes['features.pool2'], [5, 5, 16]);
  assert.deepEqual(shapes['classifier.flatten'], [400]);
  assert.deepEqual(shapes['classifier.fc1'], [120]);
  assert.deepEqual(shapes['classifier.fc2'], [84]);
  assert.deepEqual(shapes['classifier.fc3'], [10]);
  assert.equal(model.numParameters(), LENET5_PARAMETERS);
  assert.deepEqual(model.forward(zeros([3, 28, 28, 1])).shape, [3, 10]);
});

test("lenet5 names its layers and parameters, and the 32x32 variant needs no padding (the paper's input)", () => {
  const model = lenet5({ inputSize: 32 });
  assert.deepEqual(
    model.namedParameters().map(([name, p]) => `${name} [${p.shape.join(',')}]`),
    [
      'features.conv1.weight [5,5,1,6]',
      'features.conv1.bias [6]',
      'features.conv2.weight [5,5,6,16]',
      'features.conv2.bias [16]',
      'classifier.fc1.weight [400,120]',
      'classifier.fc1.bias [120]',
      'classifier.fc2.weight [120,84]',
      'classifier.fc2.bias [84]',
      'classifier.fc3.weight [84,10]',
      'classifier.fc3.bias [10]',
    ],
  );
  assert.equal((model.features.at(0) as Conv2d).options.padding, 'valid');
  assert.equal((lenet5().features.at(0) as Conv2d).options.padding, 'same');
  assert.deepEqual(model.forward(zeros([1, 32, 32, 1])).shape, [1, 10]);
});

test("the 'classic' variant uses tanh and average pooling, 'relu' (the default) ReLU and max pooling", () => {
  const kinds = (variant?: 'classic' | 'relu') =>
    lenet5(variant ? { variant } : {})
      .namedModules()
      .map(([, m]) => m)
      .filter((m) => m instanceof Tanh || m instanceof ReLU || m instanceof AvgPool2d || m instanceof MaxPool2d)
      .map((m) => m.constructor.name);
  assert.deepEqual(kinds('classic'), ['Tanh', 'AvgPool2d', 'Tanh', 'AvgPool2d', 'Tanh', 'Tanh']);
  assert.deepEqual(kinds(), ['ReLU', 'MaxPool2d', 'ReLU', 'MaxPool2d', 'ReLU', 'ReLU']);
  const rgb = lenet5({ inChannels: 3, numClasses: 43 });
  assert.deepEqual(rgb.forward(zeros([2, 28, 28, 3])).shape, [2, 43]);
});

test('lenet5 rejects bad options and wrong inputs with messages that say what is valid', () => {
  assert.throws(() => lenet5({ variant: 'sigmoid' as 'relu' }), /lenet5: variant must be 'classic' or 'relu', got 'sigmoid'/);
  assert.throws(() => lenet5({ inputSize: 30 }), /lenet5: inputSize must be 28 \(conv1 padded to 'same'\) or 32 \(the paper, unpadded\), got 30/);
  assert.throws(() => lenet5({ numClasses: 0 }), /lenet5: numClasses must be a positive integer, got 0/);
  assert.throws(() => lenet5({ dropout: 0.5 } as object), /lenet5: unknown option\(s\) 'dropout'/);
  const model = lenet5();
  assert.throws(() => model.forward(zeros([1, 32, 32, 1])), /LeNet5: input \[1, 32, 32, 1\] is 32x32/);
  assert.throws(() => model.forward(zeros([1, 28, 28, 3])), /LeNet5: input \[1, 28, 28, 3\] has 3 channels, the model was built for 1/);
});
