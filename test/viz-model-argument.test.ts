// The one model resolver of `convkit viz` (issue 13 item 6): zoo names, trained-model files and the Keras
// MobileNetV2; the layer listing against a real forward pass; and `convkit viz receptive-field`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { full, manualSeed, rand, Generator } from '../src/index.js';
import { lenet5, resnet18 } from '../src/models/index.js';
import { getLayerOutputs } from '../src/nn/index.js';
import { loadModelArgument, saveTrainedModel } from '../src/node/index.js';
import { listLayers } from '../src/viz/index.js';
import { lastJson, runConvkit } from './helpers/run-cli.js';

describe('loadModelArgument', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-viz-model-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a zoo model with seeded weights, ImageNet scaling for colour input', async () => {
    const a = await loadModelArgument('resnet18', { seed: 3 });
    manualSeed(3);
    const b = resnet18();
    assert.deepEqual(a.inputShape, [224, 224, 3]);
    assert.deepEqual(Array.from(a.module.stateDict()['conv1.weight'].data.slice(0, 20)), Array.from(b.stateDict()['conv1.weight'].data.slice(0, 20)));
    const x = rand([1, 2, 2, 3], { generator: new Generator(1) });
    const scaled = a.prepare(x).data;
    assert.ok(Math.abs(scaled[0] - (x.data[0] - 0.485) / 0.229) < 1e-6);
    assert.ok(Math.abs(scaled[2] - (x.data[2] - 0.406) / 0.225) < 1e-6);
  });

  it('builds a zoo model for another input size', async () => {
    const m = await loadModelArgument('vgg11', { inputShape: [32, 32, 1] });
    assert.deepEqual(m.inputShape, [32, 32, 1]);
    assert.deepEqual(m.module.forward(rand([1, 32, 32, 1])).shape, [1, 1000]);
  });

  it("reads a trained-model file with its weights and normalisation", async () => {
    manualSeed(5);
    const source = lenet5({ numClasses: 3 });
    const path = join(dir, 'trained.safetensors');
    await saveTrainedModel(path, source, { model: 'lenet5', modelOptions: { numClasses: 3 }, dataset: 'shapes', classes: ['a', 'b', 'c'], normalization: { mean: 0.5, std: 0.25 }, inputShape: [28, 28, 1] });
    const m = await loadModelArgument(path);
    assert.deepEqual(m.inputShape, [28, 28, 1]);
    assert.deepEqual(Array.from(m.module.stateDict()['features.conv1.weight'].data), Array.from(source.stateDict()['features.conv1.weight'].data));
    assert.deepEqual(Array.from(m.prepare(full([1, 1, 2, 1], 0.75)).data), [1, 1]);
  });

  it('loads the Keras MobileNetV2 scaled to [-1, 1]', async () => {
    const m = await loadModelArgument('keras-mobilenet_v2');
    assert.deepEqual(m.inputShape, [224, 224, 3]);
    assert.deepEqual(Array.from(m.prepare(full([1, 1, 1, 3], 0.25)).data), [-0.5, -0.5, -0.5]);
    assert.ok(new Map(m.module.namedModules()).has('block_3_expand_relu'));
  });

  it('names what is valid for an unknown argument', async () => {
    await assert.rejects(loadModelArgument('resnet99'), /loadModelArgument: 'resnet99' is not a zoo model \(lenet5, .*resnet18.*\), 'keras-mobilenet_v2', or an existing trained-model file/);
  });
});

describe('listLayers', () => {
  it('gives the output shapes a real forward pass gives, for every named module', () => {
    manualSeed(0);
    const model = resnet18({ numClasses: 10 });
    const layers = listLayers(model, [64, 64, 3]);
    const names = model.namedModules().map(([n]) => n).filter(Boolean);
    assert.deepEqual(new Set(layers.map((l) => l.name)), new Set(names));
    const outputs = getLayerOutputs(model, rand([1, 64, 64, 3]), names);
    for (const l of layers) assert.deepEqual(l.outputShape, outputs[l.name].shape.slice(1), l.name);
    assert.deepEqual(layers.find((l) => l.name === 'layer1.0.conv2'), { name: 'layer1.0.conv2', type: 'Conv2d', outputShape: [16, 16, 64] });
  });
});

describe('convkit viz receptive-field', () => {
  it('prints the window of a ResNet-18 unit as JSON', async () => {
    const r = await runConvkit(['viz', 'receptive-field', 'resnet18', '--layer', 'layer1.0.conv2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    // conv1 7 (jump 2), maxpool 3 (jump 4), two 3x3 convs: 7 + 2*2 + 2*4 + 2*4 = 27, padding 3 + 1*2 + 1*4 + 1*4 = 13.
    assert.deepEqual(lastJson(r.stdout), { files: [], figures: { model: 'resnet18', layer: 'layer1.0.conv2', inputShape: [224, 224, 3], size: [27, 27], stride: [4, 4], offset: [-13, -13], center: [0, 0] } });
  });

  it('lists the layers, and asks for --layer otherwise', async () => {
    const list = await runConvkit(['viz', 'receptive-field', 'lenet5', '--list-layers', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const { layers } = lastJson<{ layers: Array<{ name: string; outputShape: number[] }> }>(list.stdout);
    assert.deepEqual(layers.find((l) => l.name === 'features.conv2')?.outputShape, [10, 10, 16]);
    const missing = await runConvkit(['viz', 'receptive-field', 'lenet5']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /required option '--layer <name>'/);
    const unknown = await runConvkit(['viz', 'receptive-field', 'lenet5', '--layer', 'conv9']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no layer named 'conv9'; layers include: features, features.conv1/);
  });
});
