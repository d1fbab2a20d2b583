// Keras layers models: small functional and Sequential models built with TF.js Layers (every supported
// layer class, seeded weights), saved through an IOHandler as TF.js would write model.json + weights,
// imported into ConvKit, and run side by side. Also: topology and weight errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Generator, Tensor, noGrad, uniform } from '../src/index.js';
import { getLayerOutputs } from '../src/nn/index.js';
import { buildKerasModel, importKerasModel, loadKerasWeights, SUPPORTED_KERAS_LAYERS, type KerasModelArtifacts } from '../src/io/importers/index.js';
import { ReLU6 } from '../src/nn/layers.js';
import { loadKerasLayersModel, loadTfjsWeights } from '../src/node/import-files.js';
import { assertAllClose, maxAbs } from './helpers/assert-close.js';

tf.env().set('PROD', true);
await tf.setBackend('cpu');

/** Give every weight seeded values (variances positive) so both libraries run the same numbers. */
function seedWeights(model: tfl.LayersModel, seed: number): void {
  const g = new Generator(seed);
  model.setWeights(
    model.weights.map((w) => {
      const [low, high] = w.originalName.endsWith('moving_variance') ? [0.5, 1.5] : [-0.6, 0.6];
      return tf.tensor(uniform(w.shape as number[], low, high, { generator: g }).data as Float32Array, w.shape as number[]);
    }),
  );
}

/** What model.save() writes: the topology, the weight specs and the concatenated weight bytes. */
async function saveArtifacts(model: tfl.LayersModel): Promise<KerasModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  const weightData = saved!.weightData as ArrayBuffer;
  return { modelTopology: saved!.modelTopology, weightSpecs: saved!.weightSpecs as KerasModelArtifacts['weightSpecs'], weightData };
}

function assertSameOutput(ours: Tensor, theirs: tf.Tensor, label: string): void {
  assert.deepEqual(ours.shape, theirs.shape, `${label}: shape`);
  const expected = theirs.dataSync();
  assertAllClose(ours.data, expected, { rtol: 1e-4, atol: 1e-4 * maxAbs(expected) }, label);
}

/** A functional model using every multi-input and convolution layer class. */
function functionalModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [9, 8, 3], name: 'image' });
  const padded = tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 2]], name: 'pad' }).apply(input) as tfl.SymbolicTensor;
  const c1 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c1' }).apply(padded) as tfl.SymbolicTensor;
  const dw = tfl.layers.depthwiseConv2d({ kernelSize: [3, 2], depthMultiplier: 2, padding: 'same', name: 'dw' }).apply(c1) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'bn', epsilon: 0.01 }).apply(dw) as tfl.SymbolicTensor;
  const r6 = tfl.layers.reLU({ maxValue: 6, name: 'r6' }).apply(bn) as tfl.SymbolicTensor;
  const sep = tfl.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'sep' }).apply(c1) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ axis: -1, name: 'cat' }).apply([r6, sep]) as tfl.SymbolicTensor;
  const proj = tfl.layers.conv2d({ filters: 13, kernelSize: 1, useBias: false, name: 'proj' }).apply(cat) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([cat, proj]) as tfl.SymbolicTensor;
  const maxp = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'maxp' }).apply(sum) as tfl.SymbolicTensor;
  const avgp = tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same', name: 'avgp' }).apply(maxp) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(avgp) as tfl.SymbolicTensor;
  const gmp = tfl.layers.globalMaxPooling2d({ name: 'gmp' }).apply(sum) as tfl.SymbolicTensor;
  const both = tfl.layers.concatenate({ name: 'pooled' }).apply([gap, gmp]) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 6, activation: 'softmax', name: 'probs' }).apply(both) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'functional_test' });
}

/** A Sequential model with the reshaping and element-wise layers. */
function sequentialModel(): tfl.Sequential {
  return tfl.sequential({
    name: 'sequential_test',
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 2, dilationRate: 2, name: 'conv' }),
      tfl.layers.leakyReLU({ alpha: 0.2, name: 'leaky' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dropout({ rate: 0.3, name: 'drop' }),
      tfl.layers.dense({ units: 8, activation: 'relu', name: 'fc' }),
      tfl.layers.reshape({ targetShape: [2, 4], name: 'rows' }),
      tfl.layers.activation({ activation: 'sigmoid', name: 'sig' }),
      tfl.layers.dense({ units: 3, name: 'out' }),
    ],
  });
}

describe('importKerasModel against TF.js Layers', () => {
  it('a functional model with every convolution, merge and pooling layer gives the same outputs', async () => {
    const source = functionalModel();
    seedWeights(source, 1);
    const model = importKerasModel(await saveArtifacts(source));
    const x = uniform([2, 9, 8, 3], -1, 1, { generator: new Generator(2) });
    const names = ['c1', 'r6', 'sep', 'sum', 'avgp', 'probs'];
    const ours = noGrad(() => getLayerOutputs(model, x, names));
    const probe = tfl.model({ inputs: source.inputs, outputs: names.map((n) => source.getLayer(n).output as tfl.SymbolicTensor) });
    const theirs = probe.predict(tf.tensor(x.data as Float32Array, [...x.shape])) as tf.Tensor[];
    names.forEach((n, i) => assertSameOutput(ours[n], theirs[i], n));
    assert.ok(model.layer('r6') instanceof ReLU6, 'ReLU with max_value 6 is a ReLU6');
  });

  it('a Sequential model with flatten, dropout, dense, reshape and activations gives the same output', async () => {
    const source = sequentialModel();
    seedWeights(source, 3);
    const model = importKerasModel(await saveArtifacts(source));
    assert.deepEqual(model.nodes.map((n) => n.className).slice(0, 2), ['InputLayer', 'Conv2D']);
    const x = uniform([3, 6, 6, 2], -1, 1, { generator: new Generator(4) });
    assertSameOutput(noGrad(() => model.forward(x)), source.predict(tf.tensor(x.data as Float32Array, [...x.shape])) as tf.Tensor, 'sequential');
  });

  it('keeps parameter counts and Keras names, returns eval mode and freezes layers saved as not trainable', async () => {
    const source = functionalModel();
    source.getLayer('c1').trainable = false;
    const model = buildKerasModel((await saveArtifacts(source)).modelTopology);
    // Keras counts batch-norm statistics as (non-trainable) parameters; ConvKit keeps them as buffers.
    const buffers = model.namedBuffers().reduce((n, [, t]) => n + t.size, 0);
    assert.equal(model.numParameters() + buffers, source.countParams());
    assert.equal(model.training, false);
    assert.deepEqual(model.namedParameters().filter(([, p]) => !p.requiresGrad).map(([n]) => n), ['c1.weight', 'c1.bias']);
    assert.ok(model.weightTargets.some((t) => t.name === 'dw/depthwise_kernel' && t.target.shape.join() === '3,2,1,8'));
  });
});

describe('model.json and manifest files', () => {
  it('loadKerasLayersModel reads model.json and shards split mid-tensor; a missing shard is named', async () => {
    const source = sequentialModel();
    seedWeights(source, 6);
    const artifacts = await saveArtifacts(source);
    const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
    const folder = mkdtempSync(join(tmpdir(), 'convkit-import-'));
    try {
      writeFileSync(join(folder, 'shard1.bin'), bytes.subarray(0, 101));
      writeFileSync(join(folder, 'shard2.bin'), bytes.subarray(101));
      const weightsManifest = [{ paths: ['shard1.bin', 'shard2.bin'], weights: artifacts.weightSpecs }];
      writeFileSync(join(folder, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest }));
      writeFileSync(join(folder, 'weights_manifest.json'), JSON.stringify(weightsManifest));
      const model = await loadKerasLayersModel(join(folder, 'model.json'));
      const x = uniform([2, 6, 6, 2], -1, 1, { generator: new Generator(7) });
      assertSameOutput(noGrad(() => model.forward(x)), source.predict(tf.tensor(x.data as Float32Array, [...x.shape])) as tf.Tensor, 'from files');
      const weights = await loadTfjsWeights(join(folder, 'weights_manifest.json'));
      assert.deepEqual(Object.keys(weights), artifacts.weightSpecs!.map((w) => w.name));

      rmSync(join(folder, 'shard2.bin'));
      await assert.rejects(loadKerasLayersModel(join(folder, 'model.json')), /loadKerasLayersModel\('.*model\.json'\): no such file '.*shard2\.bin'/);
      writeFileSync(join(folder, 'graph.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
      await assert.rejects(loadKerasLayersModel(join(folder, 'graph.json')), /the file is a TF.js graph model \(format graph-model\); a layers model.json has 'modelTopology' and 'weightsManifest'/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('Keras import errors', () => {
  const topology = (layers: unknown[]) => ({ class_name: 'Model', config: { name: 'm', layers, input_layers: [['in', 0, 0]], output_layers: [[layers.at(-1) && (layers.at(-1) as { name: string }).name, 0, 0]] } });
  const inputLayer = { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 4, 2], name: 'in' }, inbound_nodes: [] };
  const layer = (name: string, className: string, config: object, from: string) => ({ name, class_name: className, config: { name, ...config }, inbound_nodes: [[[from, 0, 0, {}]]] });

  it('an unknown layer class names the layer, its class and the supported classes', () => {
    const layers = [inputLayer, layer('conv', 'Conv2D', { filters: 2, kernel_size: [1, 1] }, 'in'), layer('mystery', 'Lambda', {}, 'conv')];
    assert.throws(() => buildKerasModel(topology(layers)), (e: Error) => {
      assert.match(e.message, /cannot import layer 'mystery' \(Lambda\): unsupported class; supported layer classes: /);
      for (const name of SUPPORTED_KERAS_LAYERS) assert.ok(e.message.includes(name), name);
      return true;
    });
  });

  it('reads Keras 3 inbound nodes ({ args: [keras tensors] }) as Keras 2 ones', () => {
    const kerasTensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4, 4, 2], keras_history: [name, 0, 0] } });
    const keras3 = (name: string, className: string, config: object, from: string[]) => ({
      name,
      class_name: className,
      config: { name, ...config },
      inbound_nodes: [{ args: from.length === 1 ? [kerasTensor(from[0])] : [from.map(kerasTensor)], kwargs: {} }],
    });
    const layers = [
      { ...inputLayer, config: { batch_shape: [null, 4, 4, 2], name: 'in' } },
      keras3('a', 'ReLU', {}, ['in']),
      keras3('b', 'ReLU', { max_value: 6 }, ['in']),
      keras3('sum', 'Add', {}, ['a', 'b']),
    ];
    const model = buildKerasModel({ ...topology(layers), class_name: 'Functional' });
    assert.deepEqual(model.nodes.map((n) => [n.name, n.inbound]), [['in', []], ['a', ['in']], ['b', ['in']], ['sum', ['a', 'b']]]);
    const x = uniform([1, 4, 4, 2], -8, 8, { generator: new Generator(9) });
    const expected = Array.from(x.data, (v) => Math.max(v, 0) + Math.min(Math.max(v, 0), 6));
    assertAllClose(model.forward(x).data, expected, { atol: 1e-6 }, 'relu + relu6');
  });

  it('bad settings and graphs name the layer and the value', () => {
    const conv = (config: object) => topology([inputLayer, layer('conv', 'Conv2D', { filters: 2, kernel_size: [3, 3], ...config }, 'in')]);
    assert.throws(() => buildKerasModel(conv({ padding: 'causal' })), /layer 'conv' \(Conv2D\): padding is "causal"; expected one of 'valid', 'same'/);
    assert.throws(() => buildKerasModel(conv({ data_format: 'channels_first' })), /data_format is "channels_first"; expected one of 'channels_last'/);
    assert.throws(() => buildKerasModel(conv({ activation: 'gelu' })), /activation is "gelu"; expected one of 'linear', 'relu'/);
    assert.throws(() => buildKerasModel(conv({ kernel_size: [5, 5] })), /layer 'conv' \(Conv2D\): its 5x5 window does not fit an input of size 4/);
    assert.throws(() => buildKerasModel(topology([inputLayer, layer('conv', 'Conv2D', { filters: 2, kernel_size: 1 }, 'nowhere')])), /layer 'conv' reads from 'nowhere', which the topology does not define/);
    assert.throws(() => buildKerasModel({ class_name: 'Graph', config: {} }), /class_name is 'Graph'; supported: 'Model', 'Functional', 'Sequential'/);
  });

  it('every missing, unexpected or mis-shaped weight is reported, and nothing is loaded', async () => {
    const source = sequentialModel();
    seedWeights(source, 5);
    const artifacts = await saveArtifacts(source);
    const model = importKerasModel(artifacts);
    const before = model.namedParameters().map(([, p]) => Array.from(p.data));
    const tensors: Record<string, Tensor> = {
      'conv/kernel': new Tensor(new Float32Array(2 * 2 * 2 * 3), [2, 2, 2, 3]),
      'conv/bias': new Tensor(new Float32Array(4), [4]),
      'fc/kernel': new Tensor(new Float32Array(12 * 8), [12, 8]),
      'extra/kernel': new Tensor(new Float32Array(1), [1]),
    };
    assert.throws(() => loadKerasWeights(model, tensors), (e: Error) => {
      assert.match(e.message, /nothing was loaded/);
      assert.match(e.message, /missing 'fc\/bias'/);
      assert.match(e.message, /missing 'out\/kernel'/);
      assert.match(e.message, /unexpected 'extra\/kernel' \[1\]/);
      assert.match(e.message, /shape of 'conv\/bias': weights have \[4\], layer 'conv' needs \[3\]/);
      return true;
    });
    assert.deepEqual(model.namedParameters().map(([, p]) => Array.from(p.data)), before);
    const partial = loadKerasWeights(model, { 'conv/kernel': tensors['conv/kernel'] }, { strict: false });
    assert.deepEqual(partial.missing, ['conv/bias', 'fc/kernel', 'fc/bias', 'out/kernel', 'out/bias']);
    assert.ok(model.namedParameters()[0][1].data.every((v) => v === 0), 'the one supplied weight was loaded');
  });

  it('a model input with the wrong channels is rejected with the expected shape', () => {
    const model = buildKerasModel(topology([inputLayer, layer('conv', 'Conv2D', { filters: 2, kernel_size: 1 }, 'in')]));
    assert.throws(() => model.forward(new Tensor(new Float32Array(16 * 3), [1, 4, 4, 3])), /input 'in' has shape \[1, 4, 4, 3\]; the topology expects \[batch, 4, 4, 2\]/);
  });
});
