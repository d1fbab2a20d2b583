// Transfer learning: a new head on a kept body, frozen parameters that neither learn nor hold gradients,
// the class subset of a few-shot task, and the two-phase recipe on a task small enough for the suite.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, manualSeed, randn } from '../src/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Linear, Module } from '../src/nn/index.js';
import { TensorDataset } from '../src/data/dataset.js';
import { DataLoader } from '../src/data/dataloader.js';
import { Adam, SGD } from '../src/optim/index.js';
import { lenet5, mobilenetV2, resnet18, vgg11 } from '../src/models/index.js';
import { evaluate } from '../src/train/evaluate.js';
import { ClassSubset, findHead, freezeFeatures, freezeMatching, replaceHead, trainTransfer, trainableParameters } from '../src/train/transfer.js';

/** A copy of every tensor's values by name. */
function snapshot(model: Module): Map<string, Float32Array> {
  return new Map(Object.entries(model.stateDict()).map(([name, t]) => [name, Float32Array.from(t.data)]));
}

function assertUnchanged(model: Module, before: Map<string, Float32Array>, names: readonly string[]): void {
  const now = model.stateDict();
  for (const name of names) assert.deepEqual(now[name].data, before.get(name), `${name} kept its values`);
}

describe('replaceHead', () => {
  const cases: Array<{ name: string; build: () => Module; size: number; channels: number; head: string }> = [
    { name: 'lenet5', build: () => lenet5(), size: 28, channels: 1, head: 'classifier.fc3' },
    { name: 'resnet18', build: () => resnet18({ numClasses: 10, widthMultiplier: 0.125 }), size: 32, channels: 3, head: 'fc' },
    { name: 'mobilenet_v2', build: () => mobilenetV2({ numClasses: 10, widthMultiplier: 0.25 }), size: 32, channels: 3, head: 'classifier.1' },
    { name: 'vgg11', build: () => vgg11({ numClasses: 10, inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 32 }), size: 32, channels: 3, head: 'classifier.6' },
  ];
  for (const c of cases) {
    it(`${c.name}: a fresh ${c.head} with 3 outputs, every other weight kept`, () => {
      manualSeed(1);
      const model = c.build().eval();
      const before = snapshot(model);
      const oldHead = findHead(model).layer;
      const { name, layer } = replaceHead(model, 3);
      assert.equal(name, c.head);
      assert.notEqual(layer, oldHead);
      assert.deepEqual([layer.inFeatures, layer.outFeatures], [oldHead.inFeatures, 3]);
      assert.equal(findHead(model).layer, layer, 'the model now holds the new head');
      const body = [...before.keys()].filter((n) => !n.startsWith(`${c.head}.`));
      assert.ok(body.length > 2);
      assertUnchanged(model, before, body);
      assert.deepEqual(Object.keys(model.stateDict()), [...before.keys()], 'the same tensor names, in the same order');
      assert.deepEqual(model.stateDict()[`${c.head}.weight`].shape, [oldHead.inFeatures, 3]);
      const out = model.forward(randn([2, c.size, c.size, c.channels]));
      assert.deepEqual(out.shape, [2, 3]);
    });
  }

  it('updates the class count a model prints, and takes an explicit head name', () => {
    const model = lenet5();
    replaceHead(model, 5);
    assert.match(model.toString(), /numClasses=5/);
    assert.match(model.toString(), /\(fc3\): Linear\(84, 5\)/);
    const { name } = replaceHead(model, 7, { head: 'classifier.fc2' });
    assert.equal(name, 'classifier.fc2');
    assert.match(model.toString(), /\(fc2\): Linear\(120, 7\)/);
  });

  it('finds a head kept in an array of layers', () => {
    class Stack extends Module {
      layers = [new Linear(4, 6), new Linear(6, 2)];
      forward(x: Tensor): Tensor {
        return this.layers[1].forward(this.layers[0].forward(x));
      }
    }
    const model = new Stack();
    assert.equal(replaceHead(model, 3, { head: 'layers.1' }).name, 'layers.1');
    assert.deepEqual(model.forward(randn([5, 4])).shape, [5, 3]);
  });

  it('rejects a bad class count, an unknown head, a model without one', () => {
    assert.throws(() => replaceHead(lenet5(), 0), /replaceHead: numClasses must be a positive integer, got 0/);
    assert.throws(() => replaceHead(lenet5(), 3, { head: 'features' }), /findHead \(LeNet5\): 'features' is not a Linear layer nor holds one; pass \{ head \} naming its classifier \(its Linear layers: classifier\.fc1, classifier\.fc2, classifier\.fc3\)/);
    class Body extends Module {
      trunk = new Linear(4, 4);
      forward(x: Tensor): Tensor {
        return this.trunk.forward(x);
      }
    }
    assert.throws(() => replaceHead(new Body(), 3), /findHead \(Body\): it has none of the modules fc, classifier, head holding a Linear layer; .*\(its Linear layers: trunk\)/);
  });
});

describe('frozen parameters', () => {
  it('freezeFeatures leaves only the head trainable: frozen weights get no gradient, no graph and no update', () => {
    manualSeed(2);
    const model = lenet5({ numClasses: 3 });
    const frozen = freezeFeatures(model);
    assert.deepEqual(frozen, model.namedParameters().map(([n]) => n).filter((n) => !n.startsWith('classifier.fc3.')));
    assert.deepEqual(trainableParameters(model), [model.classifier.at(-1).parameters()].flat());
    const before = snapshot(model);
    const x = randn([4, 28, 28, 1]);
    const y = new Tensor(Int32Array.from([0, 1, 2, 0]), [4]);
    // Ops that read only frozen tensors record nothing: the body keeps no activations for backward.
    assert.equal(model.features.forward(x).requiresGrad, false);
    const optimizer = new SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
    for (let step = 0; step < 3; step++) {
      optimizer.zeroGrad();
      F.crossEntropy(model.forward(x), y).backward();
      for (const name of frozen) assert.equal(model.stateDict()[name].grad, null, `${name} has no gradient`);
      optimizer.step();
    }
    assertUnchanged(model, before, frozen);
    const head = model.stateDict()['classifier.fc3.weight'].data;
    assert.notDeepEqual(Float32Array.from(head), before.get('classifier.fc3.weight'), 'the head learned');
  });

  it('freezeMatching returns what it froze, nothing for a pattern that matches nothing', () => {
    const model = lenet5();
    assert.deepEqual(freezeMatching(model, 'features.conv1'), ['features.conv1.weight', 'features.conv1.bias']);
    assert.deepEqual(freezeMatching(model, '*.bias'), ['features.conv2.bias', 'classifier.fc1.bias', 'classifier.fc2.bias', 'classifier.fc3.bias']);
    assert.deepEqual(freezeMatching(model, /fc2\.weight$/), ['classifier.fc2.weight']);
    assert.deepEqual(freezeMatching(model, 'feature'), [], "a plain name matches whole names only, not 'features'");
    assert.deepEqual(freezeMatching(model, 'features.conv1'), [], 'already frozen');
  });

  it('freezeFeatures rejects a head the model does not have', () => {
    assert.throws(() => freezeFeatures(lenet5(), { except: 'head' }), /freezeFeatures: LeNet5 has no module 'head' to keep trainable/);
  });
});

describe('ClassSubset', () => {
  const labels = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
  const x = new Tensor(Float32Array.from(labels.keys()), [labels.length, 1]);
  const data = new TensorDataset(x, new Tensor(Int32Array.from(labels), [labels.length]));

  it('keeps the given classes relabelled 0..k-1 in that order, at most perClass of each', () => {
    const subset = new ClassSubset(data, [5, 3, 1]);
    assert.deepEqual([...subset.indices], [0, 1, 3, 4, 8, 9, 10]);
    assert.deepEqual([...subset.targets], [1, 2, 2, 0, 0, 1, 0]);
    const batch = subset.getBatch([0, 3, 6]);
    assert.deepEqual([...batch.x.data], [0, 4, 10]);
    assert.deepEqual([...batch.y.data], [1, 0, 0]);
    assert.deepEqual([...subset.get(4).y.data], [0]);
    const few = new ClassSubset(data, [5, 3], { perClass: 2 });
    assert.deepEqual([...few.indices], [0, 4, 8, 9]);
  });

  it('rejects classes with too few samples, repeated or empty class lists', () => {
    assert.throws(() => new ClassSubset(data, [5, 9], { perClass: 2 }), /ClassSubset: fewer than 2 samples of class\(es\) 9 among 12 \(counts: 5: 2, 9: 1\)/);
    assert.throws(() => new ClassSubset(data, [7]), /ClassSubset: no samples of class\(es\) 7 among 12/);
    assert.throws(() => new ClassSubset(data, [1, 1]), /lists a class twice/);
    assert.throws(() => new ClassSubset(data, []), /classes must not be empty/);
  });
});

describe('trainTransfer', () => {
  /** Two tasks on 8x8 images: which quadrant holds a bright square. Pretrain on quadrants 0-1, transfer to 2-3. */
  function quadrants(n: number, quadrantsOf: number[], seed: number): TensorDataset {
    manualSeed(seed);
    const x = randn([n, 8, 8, 1]).mul(0.3);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const q = quadrantsOf[i % quadrantsOf.length];
      y[i] = i % quadrantsOf.length;
      const [top, left] = [q < 2 ? 0 : 4, q % 2 === 0 ? 0 : 4];
      for (let r = top; r < top + 4; r++) for (let c = left; c < left + 4; c++) x.data[i * 64 + r * 8 + c] += 1;
    }
    return new TensorDataset(x, new Tensor(y, [n]));
  }

  class SmallNet extends Module {
    features = new Linear(64, 16);
    fc = new Linear(16, 2);
    forward(x: Tensor): Tensor {
      return this.fc.forward(this.features.forward(x.reshape([x.shape[0], 64])).relu());
    }
  }

  it('trains the head on frozen features, then fine-tunes everything at lr / 10', async () => {
    const model = new SmallNet();
    manualSeed(3);
    const pretrainOptimizer = new Adam(model.parameters(), { lr: 0.01 });
    const { fit } = await import('../src/train/fit.js');
    await fit(model, new DataLoader(quadrants(64, [0, 1], 4), { batchSize: 16, shuffle: true }), { epochs: 5, optimizer: pretrainOptimizer, seed: 0 });
    const pretrained = snapshot(model);

    replaceHead(model, 2);
    const newTask = new DataLoader(quadrants(32, [2, 3], 5), { batchSize: 8, shuffle: true });
    const lrs: number[] = [];
    const bodyAfterPhase: Array<Float32Array> = [];
    const history = await trainTransfer(model, newTask, {
      headEpochs: 4,
      lr: 0.02,
      fineTuneEpochs: 2,
      seed: 0,
      optimizer: (params, lr) => {
        lrs.push(lr);
        return new Adam(params, { lr });
      },
      callbacks: [{ onTrainEnd: () => void bodyAfterPhase.push(Float32Array.from(model.features.weight.data)) }],
    });
    assert.deepEqual(lrs, [0.02, 0.002]);
    assert.deepEqual(bodyAfterPhase[0], pretrained.get('features.weight'), 'the head phase left the body alone');
    assert.notDeepEqual(bodyAfterPhase[1], pretrained.get('features.weight'), 'fine-tuning moved the body');
    assert.equal(history.head.epochs.length, 4);
    assert.equal(history.fineTune?.epochs.length, 2);
    assert.ok(model.parameters().every((p) => p.requiresGrad), 'everything is trainable after fine-tuning');
    const { accuracy } = await evaluate(model, new DataLoader(quadrants(40, [2, 3], 6), { batchSize: 40 }));
    assert.ok(accuracy >= 0.9, `accuracy on the new task ${accuracy}`);
  });

  it('without fine-tuning, only the head moves; freeze [] trains everything', async () => {
    const model = new SmallNet();
    const before = snapshot(model);
    const loader = new DataLoader(quadrants(16, [2, 3], 7), { batchSize: 8 });
    const history = await trainTransfer(model, loader, { headEpochs: 2, lr: 0.01, seed: 1 });
    assert.equal(history.fineTune, null);
    assertUnchanged(model, before, ['features.weight', 'features.bias']);
    assert.deepEqual(trainableParameters(model), model.fc.parameters());

    model.unfreeze('*');
    await trainTransfer(model, loader, { headEpochs: 1, lr: 0.01, freeze: [], seed: 1 });
    assert.notDeepEqual(Float32Array.from(model.features.weight.data), before.get('features.weight'));
  });

  it('rejects bad phase settings and a freeze that leaves nothing to train', async () => {
    const loader = new DataLoader(quadrants(8, [0, 1], 8), { batchSize: 8 });
    await assert.rejects(trainTransfer(new SmallNet(), loader, { headEpochs: 1, lr: 0.01, fineTuneEpochs: -1 }), /trainTransfer: fineTuneEpochs must be a non-negative integer, got -1/);
    await assert.rejects(trainTransfer(new SmallNet(), loader, { headEpochs: 1, lr: 0.01, freeze: ['*'] }), /trainTransfer: the freeze patterns leave no parameter to train/);
  });
});
