// loadPretrained (convkit/train): pretrained weights into a model for transfer learning, the saved classifier
// replaced by the model's own fresh head with newHead; every other tensor must fit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed } from '../src/index.js';
import type { Module, StateDict } from '../src/nn/index.js';
import { lenet5, resnet18 } from '../src/models/index.js';
import { HeadMismatchError, loadPretrained } from '../src/train/index.js';

function copyOf(state: StateDict): Map<string, Float32Array> {
  return new Map(Object.entries(state).map(([name, t]) => [name, Float32Array.from(t.data)]));
}

function pretrainedLeNet(): StateDict {
  manualSeed(1);
  return lenet5().stateDict(); // 10 classes
}

function freshThreeClassLeNet(): Module {
  manualSeed(2);
  return lenet5({ numClasses: 3 });
}

describe('loadPretrained', () => {
  it('with newHead loads every tensor but the classifier, which keeps its fresh values', () => {
    const saved = pretrainedLeNet();
    const model = freshThreeClassLeNet();
    const freshHead = copyOf(model.stateDict());
    loadPretrained(model, saved, { newHead: true });
    for (const [name, t] of Object.entries(model.stateDict())) {
      const expected = name.startsWith('classifier.fc3.') ? freshHead.get(name) : saved[name].data;
      assert.deepEqual(t.data, expected, name);
    }
  });

  it('with newHead accepts a file without a classifier, and finds a head by name or by default (ResNet fc)', () => {
    const saved = pretrainedLeNet();
    const body = Object.fromEntries(Object.entries(saved).filter(([name]) => !name.startsWith('classifier.fc3.')));
    const model = freshThreeClassLeNet();
    loadPretrained(model, body, { newHead: true });
    assert.deepEqual(model.stateDict()['features.conv1.weight'].data, saved['features.conv1.weight'].data);

    manualSeed(3);
    const resnetSaved = resnet18({ numClasses: 10, widthMultiplier: 0.125 }).stateDict();
    const resnet = resnet18({ numClasses: 4, widthMultiplier: 0.125 });
    const freshFc = Float32Array.from(resnet.stateDict()['fc.weight'].data);
    loadPretrained(resnet, resnetSaved, { newHead: true });
    assert.deepEqual(resnet.stateDict()['layer4.1.conv2.weight'].data, resnetSaved['layer4.1.conv2.weight'].data);
    assert.deepEqual(resnet.stateDict()['fc.weight'].data, freshFc, "ResNet's head is 'fc': it keeps its fresh 4-class weights");
  });

  it('without newHead the file must fit exactly; a classifier for other classes is a HeadMismatchError', () => {
    const saved = pretrainedLeNet();
    manualSeed(4);
    const same = lenet5();
    loadPretrained(same, saved);
    assert.deepEqual(same.stateDict()['classifier.fc3.weight'].data, saved['classifier.fc3.weight'].data);

    const model = freshThreeClassLeNet();
    const before = copyOf(model.stateDict());
    assert.throws(
      () => loadPretrained(model, saved, { source: 'digits.safetensors' }),
      (error: unknown) => {
        assert.ok(error instanceof HeadMismatchError);
        assert.deepEqual([error.head, error.savedOutputs, error.modelOutputs], ['classifier.fc3', 10, 3]);
        assert.match(error.message, /^digits\.safetensors: its classifier 'classifier\.fc3' has 10 outputs but the model's has 3; load with \{ newHead: true \}/);
        return true;
      },
    );
    for (const [name, t] of Object.entries(model.stateDict())) assert.deepEqual(t.data, before.get(name), `${name} untouched`);
  });

  it('names the missing and the unexpected tensors, and shape mismatches of the body', () => {
    const saved = pretrainedLeNet();
    const { ['features.conv1.bias']: _dropped, ...partial } = saved;
    assert.throws(
      () => loadPretrained(freshThreeClassLeNet(), partial, { newHead: true }),
      /^Error: loadPretrained does not fit LeNet5: missing features\.conv1\.bias \(only the classifier 'classifier\.fc3' may be missing with a new head\)$/,
    );
    assert.throws(
      () => loadPretrained(freshThreeClassLeNet(), { ...saved, 'extra.weight': saved['features.conv1.bias'] }, { newHead: true }),
      /does not fit LeNet5: has tensors the model does not: extra\.weight/,
    );
    manualSeed(5);
    const rgb = lenet5({ inChannels: 3 }).stateDict();
    assert.throws(() => loadPretrained(freshThreeClassLeNet(), rgb, { newHead: true, source: 'rgb' }), /rgb: 1 problem\(s\).*\n\s+shape of 'features\.conv1\.weight': saved \[5, 5, 3, 6\], model \[5, 5, 1, 6\]/);
  });
});
