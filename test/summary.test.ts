// summary(): the texts' parameter, shape and multiply counts, layer rows, and the printed table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, buildShapeOnly, models, noGrad, randn, zeros } from '../src/index.js';
import { Module, Parameter, Sequential, Conv2d, ConvTranspose2d, Linear, MaxPool2d, AvgPool2d, ReLU, Tanh, Flatten, BatchNorm2d, Dropout } from '../src/nn/index.js';
import { summary, formatSummary } from '../src/nn/summary.js';

describe('summary: the texts’ arithmetic', () => {
  it('10 filters of 3x3x3 with biases have 280 parameters', () => {
    const result = summary(new Conv2d(3, 10, 3), [39, 39, 3]);
    assert.equal(result.totalParams, (3 * 3 * 3 + 1) * 10);
    assert.equal(result.totalParams, 280);
    assert.equal(result.layers[0].params, 280);
  });

  it('a 39x39x3 input through 10 3x3 filters, stride 1, no padding gives 37x37x10', () => {
    const result = summary(new Conv2d(3, 10, 3, { stride: 1, padding: 'valid' }), [39, 39, 3]);
    assert.deepEqual(result.layers[0].outputShape, [37, 37, 10]);
    assert.equal(result.totalMacs, 37 * 37 * 10 * 3 * 3 * 3);
  });

  it("28x28x192 through 32 5x5 'same' filters costs 120,422,400 MACs", () => {
    const result = summary(new Conv2d(192, 32, 5, { padding: 'same' }), [28, 28, 192]);
    assert.deepEqual(result.layers[0].outputShape, [28, 28, 32]);
    assert.equal(result.totalMacs, 120_422_400);
  });

  it("a 1x1 bottleneck of 16 filters before the 32 5x5 'same' filters cuts that to 12,443,648 MACs", () => {
    const model = new Sequential(new Conv2d(192, 16, 1), new Conv2d(16, 32, 5, { padding: 'same' }));
    const result = summary(model, [28, 28, 192]);
    assert.deepEqual(result.layers.map((l) => l.macs), [28 * 28 * 16 * 192, 28 * 28 * 32 * 5 * 5 * 16]);
    assert.deepEqual(result.layers.map((l) => l.outputShape), [[28, 28, 16], [28, 28, 32]]);
    assert.equal(result.totalMacs, 12_443_648);
  });

  it('a ConvTranspose2d costs the MACs of the convolution it transposes', () => {
    // 4 -> 6 channels in 2 groups, 3x3, stride 2, on 5x7: each of the 5*7*4 input values meets the 3*3*(6/2)
    // weights of its group's filters once: 5*7*4*27 = 3780. Output (5-1)*2+3 x (7-1)*2+3 = 11x15x6.
    const transposed = summary(new ConvTranspose2d(4, 6, 3, { stride: 2, groups: 2 }), [5, 7, 4]);
    assert.deepEqual(transposed.layers[0].outputShape, [11, 15, 6]);
    assert.equal(transposed.totalMacs, 3780);
    // The convolution it transposes (6 -> 4, 3x3, stride 2, 2 groups) maps 11x15x6 back to 5x7x4 at the same cost.
    const forward = summary(new Conv2d(6, 4, 3, { stride: 2, groups: 2 }), [11, 15, 6]);
    assert.deepEqual(forward.layers[0].outputShape, [5, 7, 4]);
    assert.equal(forward.totalMacs, transposed.totalMacs);
  });
});

describe('summary: layers and totals', () => {
  it('LeNet-5 (classic) has 61,706 parameters and the texts’ shapes', () => {
    const lenet = new Sequential(
      new Conv2d(1, 6, 5), new Tanh(), new AvgPool2d(2, { stride: 2 }),
      new Conv2d(6, 16, 5), new Tanh(), new AvgPool2d(2, { stride: 2 }),
      new Flatten(), new Linear(400, 120), new Tanh(), new Linear(120, 84), new Tanh(), new Linear(84, 10),
    );
    const result = summary(lenet, [32, 32, 1]);
    assert.equal(result.totalParams, 61_706);
    assert.deepEqual(result.layers.map((l) => l.outputShape), [
      [28, 28, 6], [28, 28, 6], [14, 14, 6], [10, 10, 16], [10, 10, 16], [5, 5, 16], [400], [120], [120], [84], [84], [10],
    ]);
    assert.deepEqual(result.layers.map((l) => l.params), [156, 0, 0, 2416, 0, 0, 0, 48_120, 0, 10_164, 0, 850]);
    const expectedMacs = 28 * 28 * 6 * 25 + 10 * 10 * 16 * 25 * 6 + 400 * 120 + 120 * 84 + 84 * 10;
    assert.equal(result.totalMacs, expectedMacs);
    assert.ok(result.layers.filter((l) => l.type !== 'Conv2d' && l.type !== 'Linear').every((l) => l.macs === 0), 'pools and activations cost 0 MACs');
    assert.deepEqual(result.layers.slice(0, 3).map((l) => [l.name, l.type]), [['0', 'Conv2d'], ['1', 'Tanh'], ['2', 'AvgPool2d']]);
  });

  it('counts frozen parameters as non-trainable', () => {
    const model = new Sequential({ features: new Conv2d(3, 4, 3), head: new Sequential(new Flatten(), new Linear(4, 2)) });
    model.freeze('features');
    const result = summary(model, [3, 3, 3]);
    assert.equal(result.totalParams, 112 + 10);
    assert.equal(result.trainableParams, 10);
    assert.equal(result.nonTrainableParams, 112);
    assert.deepEqual(result.layers.map((l) => [l.name, l.trainableParams]), [['features', 0], ['head.0', 0], ['head.1', 10]]);
  });

  it('reports a container that owns parameters directly, and counts a shared layer once', () => {
    class ScaledResidual extends Module {
      scale = new Parameter(zeros([4]));
      conv = new Conv2d(4, 4, 3, { padding: 'same' });
      forward(x: Tensor): Tensor {
        return this.conv.forward(this.conv.forward(x)).mul(this.scale).add(x);
      }
    }
    const result = summary(new ScaledResidual(), [5, 5, 4]);
    assert.deepEqual(result.layers.map((l) => [l.name, l.type, l.params]), [['conv', 'Conv2d', 148], ['conv', 'Conv2d', 0], ['', 'ScaledResidual', 4]]);
    assert.equal(result.totalParams, 152);
    assert.equal(result.layers.reduce((n, l) => n + l.params, 0), result.totalParams);
    assert.equal(result.totalMacs, 2 * 5 * 5 * 4 * 3 * 3 * 4);
  });

  it('runs in eval mode without touching batch-norm statistics, then restores the modes', () => {
    const bn = new BatchNorm2d(3);
    const model = new Sequential(new Conv2d(3, 3, 1), bn, new ReLU(), new MaxPool2d(2));
    model.train();
    bn.runningMean!.data.fill(0.5);
    summary(model, [4, 4, 3]);
    assert.deepEqual(Array.from(bn.runningMean!.data), [0.5, 0.5, 0.5]);
    assert.ok(model.namedModules().every(([, m]) => m.training), 'training mode restored');
    assert.equal(summary(model, [4, 4, 3]).layers.at(-1)!.outputShape!.toString(), '2,2,3');
  });

  it('is plain JSON', () => {
    const result = summary(new Sequential(new Conv2d(3, 2, 3), new Flatten(), new Linear(2, 1)), [3, 3, 3]);
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  });

  it('explains bad input shapes and failing forward passes', () => {
    assert.throws(() => summary(new Conv2d(3, 4, 3), [28, 28] as never as number[]), /summary: the forward pass of Conv2d on input 1x28x28 failed/);
    assert.throws(() => summary(new Conv2d(3, 4, 3), [8, 8, 1]), /summary: the forward pass of Conv2d on input 1x8x8x1 failed: Conv2d\(3, 4\): input \[1, 8, 8, 1\] has 1 channels, expected 3/);
    assert.throws(() => summary(new Conv2d(3, 4, 3), [0, 8, 3]), /summary: inputShape must be a non-empty list of positive integers/);
  });
});

describe('summary: shape inference against real forward passes', () => {
  /** [name, per-sample output shape] of every leaf call of a real eval-mode forward pass. */
  function realLeafShapes(model: Module, inputShape: number[]): Array<[string, readonly number[]]> {
    const seen: Array<[string, readonly number[]]> = [];
    const leaves = model.namedModules().filter(([, m]) => m.children().length === 0);
    const removers = leaves.map(([name, m]) => m.registerForwardHook((_m, _in, out) => seen.push([name, (out as Tensor).shape.slice(1)])));
    model.eval();
    noGrad(() => model.forward(randn([1, ...inputShape])));
    removers.forEach((remove) => remove());
    return seen;
  }

  const zoo: Array<[string, number[], models.CreateModelOptions?]> = [
    ['lenet5', [28, 28, 1]],
    ['alexnet', [67, 67, 3], { inputSize: 67 }],
    ['vgg11_bn', [32, 32, 3], { inputSize: 32 }],
    ['resnet18', [33, 47, 3]],
    ['resnet50', [32, 32, 3]],
    ['googlenet', [40, 40, 3]],
    ['mobilenet_v1', [32, 32, 3]],
    ['mobilenet_v2', [35, 29, 3]],
  ];
  for (const [name, inputShape, options] of zoo) {
    it(`${name} at ${inputShape.join('x')}: every layer's output shape is the real one, built with or without values`, () => {
      const real = realLeafShapes(models.createModel(name, options), inputShape);
      for (const model of [models.createModel(name, options), buildShapeOnly(() => models.createModel(name, options))]) {
        const leafNames = new Set(model.namedModules().filter(([, m]) => m.children().length === 0).map(([n]) => n));
        const inferred = summary(model, inputShape).layers.filter((l) => leafNames.has(l.name));
        assert.deepEqual(inferred.map((l) => [l.name, l.outputShape]), real);
      }
    });
  }

  it('a user Sequential, with parameters built shape-only: the same rows as with values', () => {
    const build = (): Module =>
      new Sequential(new Conv2d(3, 8, 3, { stride: 2 }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2, { ceilMode: true }), new Flatten(), new Dropout(0.3), new Linear(128, 5));
    assert.deepEqual(summary(buildShapeOnly(build), [15, 15, 3]), summary(build(), [15, 15, 3]));
    assert.deepEqual(realLeafShapes(build(), [15, 15, 3]).at(-1), ['6', [5]]);
  });

  it('summarises an input of 30000x30000x3 without allocating it: the shapes and MACs from the geometry', () => {
    const result = summary(buildShapeOnly(() => models.createModel('resnet18')), [30000, 30000, 3]);
    assert.deepEqual(result.layers[0].outputShape, [15000, 15000, 64]);
    assert.equal(result.layers[0].macs, 15000 * 15000 * 64 * 7 * 7 * 3);
    assert.deepEqual(result.layers.at(-1)!.outputShape, [1000]);
    assert.equal(result.layers.at(-1)!.macs, 512 * 1000);
  });

  it('refuses MAC counts past 2^53 (no longer exact), naming the layer', () => {
    assert.throws(
      () => summary(new Conv2d(3, 64, 3, { padding: 'same' }), [1e7, 1e7, 3]),
      /summary: layer '' \(Conv2d\) has 1\.728e\+17 MACs for input 10000000x10000000x3, more than a count holds exactly \(2\^53 - 1/,
    );
  });
});

describe('formatSummary', () => {
  it('prints a table with thousands separators and the totals', () => {
    const model = new Sequential(new Conv2d(192, 16, 1), new ReLU(), new Conv2d(16, 32, 5, { padding: 'same' }));
    const text = formatSummary(summary(model, [28, 28, 192]));
    const lines = text.split('\n');
    assert.match(lines[0], /Input: 28x28x192 \(batch 1\)/);
    assert.match(text, /Layer \(type\)\s+Output shape\s+Params\s+MACs/);
    assert.match(text, /\n0 \(Conv2d\)\s+28x28x16\s+3,088\s+2,408,448\n/);
    assert.match(text, /\n1 \(ReLU\)\s+28x28x16\s+0\s+0\n/);
    assert.match(text, /\n2 \(Conv2d\)\s+28x28x32\s+12,832\s+10,035,200\n/);
    assert.match(text, /Total params: 15,920\nTrainable params: 15,920\nNon-trainable params: 0\nTotal MACs: 12,443,648 \(12\.4 M\)$/);
    // Columns line up: every row is as wide as the header rule or narrower.
    const rule = lines.find((l) => l.startsWith('='))!;
    assert.ok(lines.every((l) => l.length <= rule.length), 'rows fit the rule');
  });

  it('writes counts up to 2^53 with a unit (P past 10^15)', () => {
    const result = { inputShape: [1], layers: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 };
    assert.match(formatSummary({ ...result, totalMacs: 3_079_040_020_873_216 }), /Total MACs: 3,079,040,020,873,216 \(3\.08 P\)$/);
    assert.match(formatSummary({ ...result, totalMacs: 361_440_000_512_000 }), /Total MACs: 361,440,000,512,000 \(361 T\)$/);
  });
});
