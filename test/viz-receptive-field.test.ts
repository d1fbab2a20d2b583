// receptiveField (issue 13 viz item 1): against the non-zero support of one unit's input gradient (an
// independent method) on nets with strides, padding, dilation, residual additions and concatenated branches;
// and against the published values for AlexNet, VGG-16 and ResNet-50.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, concat, models, rand } from '../src/index.js';
import { AvgPool2d, Conv2d, Module, Sequential, ZeroPad2d } from '../src/nn/index.js';
import { receptiveField } from '../src/viz/index.js';

/** Strictly positive weights, so no gradient cancels and the support is the whole window. */
function positiveWeights(model: Module): Module {
  const g = new Generator(11);
  for (const p of model.parameters()) for (let i = 0; i < p.size; i++) p.data[i] = g.uniform(0.1, 1);
  return model;
}

/** Rows and columns of the input whose gradient from output unit (r, c) of the layer (all its channels) is non-zero. */
function gradientSupport(model: Module, layer: string, shape: [number, number, number], unit: [number, number]): { rows: [number, number]; cols: [number, number] } {
  const x = rand([1, ...shape], { generator: new Generator(2) }).requiresGrad_();
  let out: Tensor | null = null;
  const target = new Map(model.namedModules()).get(layer)!;
  const remove = target.registerForwardHook((_m, _i, o) => void (out = o as Tensor));
  model.forward(x);
  remove();
  const y = out as unknown as Tensor;
  y.narrow(1, unit[0], 1).narrow(2, unit[1], 1).sum().backward();
  const [h, w] = shape;
  const rows: number[] = [];
  const cols: number[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    let nonZero = false;
    for (let k = 0; k < shape[2]; k++) nonZero ||= x.grad!.data[(r * w + c) * shape[2] + k] !== 0;
    if (nonZero) (rows.push(r), cols.push(c));
  }
  return { rows: [Math.min(...rows), Math.max(...rows)], cols: [Math.min(...cols), Math.max(...cols)] };
}

/** The window of unit (r, c) from the analysis, clipped to the image. */
function analyticWindow(model: Module, layer: string, shape: [number, number, number], unit: [number, number]) {
  const rf = receptiveField(model, layer, shape);
  const span = (axis: 0 | 1, i: number, limit: number): [number, number] => {
    const lo = rf.offset[axis] + i * rf.stride[axis];
    return [Math.max(0, lo), Math.min(limit - 1, lo + rf.size[axis] - 1)];
  };
  return { rows: span(0, unit[0], shape[0]), cols: span(1, unit[1], shape[1]) };
}

class ResidualAndBranches extends Module {
  readonly stem = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
  readonly body = new Sequential(new Conv2d(3, 3, 3, { padding: 1 }), new Conv2d(3, 3, 3, { padding: 2, dilation: 2 }));
  readonly shortcut = new Conv2d(3, 3, 1);
  readonly narrow = new Conv2d(3, 2, 1);
  readonly wide = new Sequential(new ZeroPad2d([2, 2, 1, 3]), new Conv2d(3, 2, [5, 5]));
  readonly pool = new AvgPool2d(3, { stride: 2, padding: 1 });
  forward(x: Tensor): Tensor {
    const s = this.stem.forward(x);
    const r = this.body.forward(s).add(this.shortcut.forward(s)); // residual: union of 9x9 (dilated) and 1x1
    return this.pool.forward(concat([this.narrow.forward(r), this.wide.forward(r)], -1)); // branches: union
  }
}

describe('receptiveField against the input-gradient support', () => {
  const cases: Array<[string, Module, string, [number, number, number], Array<[number, number]>]> = [
    ['strided, padded and dilated convolutions with average pooling', positiveWeights(new Sequential(
      new Conv2d(1, 2, 3, { stride: 2, padding: 1 }), new AvgPool2d(2), new Conv2d(2, 2, 3, { dilation: 2, padding: 'same' }), new Conv2d(2, 1, [5, 3], { stride: [1, 2] }),
    )), '3', [40, 44, 1], [[0, 0], [3, 2], [5, 4]]],
    ['a residual addition and concatenated branches with asymmetric padding', positiveWeights(new ResidualAndBranches()), 'pool', [37, 41, 2], [[0, 0], [4, 5], [9, 10]]],
  ];
  for (const [name, model, layer, shape, units] of cases) {
    it(`${name}: the analysis gives the same window for every unit tried (borders and centre)`, () => {
      for (const unit of units) {
        assert.deepEqual(analyticWindow(model, layer, shape, unit), gradientSupport(model, layer, shape, unit), `unit ${unit}`);
      }
    });
  }

  it('the residual net by hand: stem 3 / 2, then 3 + 5 (dilated 3) at jump 2, the wide branch 5 rows, the pool 3 at jump 2', () => {
    // size: 3 -> +2*2 (3x3) -> +4*2 (dilation 2) = 15; wide branch: 15 + 4*2 = 23; pool: 23 + 2*2 = 27.
    // offset: stem -1; body -1 - 2 - 4 = -7; the wide branch pads 2 rows above and 1 column left, so -11 and -9;
    // the pool's padding 1 at jump 2: -13 and -11.
    const rf = receptiveField(new ResidualAndBranches(), 'pool', [37, 41, 2]);
    assert.deepEqual(rf.size, [27, 27]);
    assert.deepEqual(rf.stride, [4, 4]);
    assert.deepEqual(rf.offset, [-13, -11]);
  });
});

describe('receptiveField against published values (Araujo, Norris & Sim, Distill 2019)', () => {
  it('AlexNet (torchvision) pool5: 195 px, stride 32', () => {
    const rf = receptiveField(models.alexnet({ widthMultiplier: 1 / 16, hiddenUnits: 4 }), 'features', [224, 224, 3]);
    assert.deepEqual([rf.size, rf.stride], [[195, 195], [32, 32]]);
  });

  it('VGG-16 conv5_3: 196 px; pool5: 212 px, stride 32, padding 90', () => {
    const vgg = models.vgg16({ widthMultiplier: 1 / 32, hiddenUnits: 4 });
    assert.deepEqual(receptiveField(vgg, 'features.29', [224, 224, 3]).size, [196, 196]);
    const rf = receptiveField(vgg, 'features', [224, 224, 3]);
    assert.deepEqual([rf.size, rf.stride, rf.offset], [[212, 212], [32, 32], [-90, -90]]);
  });

  it('ResNet-50 (torchvision, stride in the 3x3 conv) layer4: 427 px, stride 32', () => {
    // Distill's 483 is TF-slim's resnet_v1_50, which strides in the last unit of a block; torchvision's layout
    // gives 7 -> 11 (pool) -> 35 (layer1) -> 91 -> 267 -> 427 (derivation in the note).
    const rf = receptiveField(models.resnet50({ widthMultiplier: 1 / 16 }), 'layer4', [224, 224, 3]);
    assert.deepEqual([rf.size, rf.stride, rf.offset], [[427, 427], [32, 32], [-213, -213]]);
  });
});

describe('receptiveField errors', () => {
  it('names the missing layer and the valid ones, and rejects a bad input shape', () => {
    const model = new Sequential(new Conv2d(1, 1, 3));
    assert.throws(() => receptiveField(model, 'conv9', [8, 8, 1]), /receptiveField: no layer named 'conv9'; layers include: 0/);
    assert.throws(() => receptiveField(model, '0', [8, 8]), /inputShape must be \[H, W, C\] or \[1, H, W, C\] of positive integers, got \[8, 8\]/);
  });
});
