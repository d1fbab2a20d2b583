// Modules with several outputs (Module<In, Out>): a backbone returning features at two scales, a head
// returning [boxes, scores], and a detector joining them, trained a step end to end. The gradients must reach
// both scales and both branches of each head; hooks, state dicts and loading see the whole tree.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, SGD, type Tensor, randn } from '../src/index.js';
import { BatchNorm2d, Conv2d, Module, ReLU, getLayerOutputs } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';

interface Features {
  /** Stride 2. */
  p3: Tensor;
  /** Stride 4. */
  p4: Tensor;
}

class TwoScaleBackbone extends Module<[Tensor], Features> {
  readonly stem: Conv2d;
  readonly bn = new BatchNorm2d(8);
  readonly relu = new ReLU();
  readonly down: Conv2d;

  constructor(g: Generator) {
    super();
    this.stem = new Conv2d(3, 8, 3, { stride: 2, padding: 1, bias: false, generator: g });
    this.down = new Conv2d(8, 16, 3, { stride: 2, padding: 1, generator: g });
  }

  forward(x: Tensor): Features {
    const p3 = this.relu.forward(this.bn.forward(this.stem.forward(x)));
    return { p3, p4: this.relu.forward(this.down.forward(p3)) };
  }
}

/** Per cell of a feature map: 4 box coordinates and numClasses scores, flattened to [N, cells, ...]. */
class Head extends Module<[Tensor], [boxes: Tensor, scores: Tensor]> {
  readonly box: Conv2d;
  readonly cls: Conv2d;

  constructor(inChannels: number, readonly numClasses: number, g: Generator) {
    super();
    this.box = new Conv2d(inChannels, 4, 1, { generator: g });
    this.cls = new Conv2d(inChannels, numClasses, 1, { generator: g });
  }

  forward(x: Tensor): [boxes: Tensor, scores: Tensor] {
    const n = x.shape[0];
    return [F.reshape(this.box.forward(x), [n, -1, 4]), F.reshape(this.cls.forward(x), [n, -1, this.numClasses])];
  }
}

class Detector extends Module<[Tensor], [boxes: Tensor, scores: Tensor]> {
  readonly backbone: TwoScaleBackbone;
  readonly heads: Head[];

  constructor(g: Generator) {
    super();
    this.backbone = new TwoScaleBackbone(g);
    this.heads = [new Head(8, 3, g), new Head(16, 3, g)];
  }

  forward(x: Tensor): [boxes: Tensor, scores: Tensor] {
    const { p3, p4 } = this.backbone.forward(x);
    const [b3, s3] = this.heads[0].forward(p3);
    const [b4, s4] = this.heads[1].forward(p4);
    return [F.concat([b3, b4], 1), F.concat([s3, s4], 1)];
  }
}

forEachBackend(() => {
  it('a detector of a two-scale backbone and [boxes, scores] heads trains a step end to end', () => {
    const g = new Generator(21);
    const model = new Detector(g);
    const x = randn([2, 8, 8, 3], { generator: g });
    // 4x4 cells at stride 2 and 2x2 at stride 4: 20 boxes per image.
    const boxTarget = randn([2, 20, 4], { generator: g });
    const scoreTarget = randn([2, 20, 3], { generator: g }).gt(0).to('float32');
    const loss = () => {
      const [boxes, scores] = model.forward(x);
      assert.deepEqual([boxes.shape, scores.shape], [[2, 20, 4], [2, 20, 3]]);
      return F.mseLoss(boxes, boxTarget).add(F.binaryCrossEntropyWithLogits(scores, scoreTarget));
    };
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const before = model.parameters().map((p) => p.clone());
    const first = loss();
    first.backward();
    // Every parameter of both scales and of both branches of each head has a gradient, none all zero.
    const names = model.namedParameters().map(([name]) => name);
    assert.deepEqual(names, [
      'backbone.stem.weight', 'backbone.bn.weight', 'backbone.bn.bias', 'backbone.down.weight', 'backbone.down.bias',
      'heads.0.box.weight', 'heads.0.box.bias', 'heads.0.cls.weight', 'heads.0.cls.bias',
      'heads.1.box.weight', 'heads.1.box.bias', 'heads.1.cls.weight', 'heads.1.cls.bias',
    ]);
    for (const [name, p] of model.namedParameters()) {
      assert.ok(p.grad && p.grad.toFlatArray().some((v) => v !== 0), `${name} has a gradient`);
    }
    optimizer.step();
    model.parameters().forEach((p, i) => {
      const moved = p.toFlatArray().map((v, j) => v - before[i].data[j]);
      const expected = p.grad!.toFlatArray().map((d) => -0.1 * d);
      moved.forEach((m, j) => assert.ok(Math.abs(m - expected[j]) < 1e-6, `${names[i]}[${j}] moved by -lr * grad`));
    });
    optimizer.zeroGrad();
    assert.ok(loss().item() < first.item(), 'the step lowered the loss');
  });

  it('hooks see a tuple output; getLayerOutputs and the state dict reach into multi-output children', () => {
    const g = new Generator(22);
    const model = new Detector(g);
    const x = randn([1, 8, 8, 3], { generator: g });
    let hooked: unknown = null;
    model.heads[1].registerForwardHook((_m, _in, out) => void (hooked = out));
    const [boxes] = model.forward(x);
    assert.ok(Array.isArray(hooked) && hooked.length === 2, 'the hook got [boxes, scores]');
    assert.deepEqual((hooked as Tensor[])[0].shape, [1, 4, 4]);
    const { 'backbone.down': p4 } = getLayerOutputs(model, x, ['backbone.down']);
    assert.deepEqual(p4.shape, [1, 2, 2, 16]);
    const copy = new Detector(new Generator(23));
    copy.loadStateDict(model.stateDict());
    assert.deepEqual(copy.forward(x)[0].toFlatArray(), boxes.toFlatArray());
  });
});
