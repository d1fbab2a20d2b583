// The "must show" of weight import: Keras MobileNetV2 as shipped in nsfwjs (ImageNet weights up to block_10,
// uint8-quantised), built by ConvKit from its topology, gives the same frozen block outputs and the same
// final output as TF.js Layers on the CPU backend with the same weights, to float32 accuracy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Generator, noGrad, uniform } from '../src/index.js';
import { getLayerOutputs } from '../src/nn/index.js';
import { importKerasModel, storedByteLength, weightSpecsOf } from '../src/io/importers/index.js';
import { readNsfwjsMobileNetV2 } from '../src/node/import-files.js';
import { assertAllClose, maxAbs } from './helpers/assert-close.js';

tf.env().set('PROD', true);
await tf.setBackend('cpu');

const artifacts = readNsfwjsMobileNetV2();
const specs = weightSpecsOf(artifacts.weightsManifest);
const model = importKerasModel(artifacts);
const COMPARED = ['block_3_project_BN', 'block_10_project_BN', 'dense_3'];

describe('nsfwjs MobileNetV2 imported from its Keras topology', () => {
  it('has the 162 Keras layers, all 266 weights, and the ImageNet part frozen as saved', () => {
    assert.equal(model.nodes.length, 162);
    assert.equal(model.weightTargets.length, 266);
    assert.equal(specs.reduce((n, s) => n + storedByteLength(s), 0), artifacts.weightData.byteLength);
    // Keras's 2,619,461 parameters include the batch norms' moving statistics, which ConvKit keeps as buffers.
    const buffers = model.namedBuffers().reduce((n, [, t]) => n + t.size, 0);
    assert.equal(model.numParameters() + buffers, 2_619_461);
    const frozen = model.namedParameters().filter(([, p]) => !p.requiresGrad).map(([name]) => name);
    assert.ok(frozen.includes('Conv1.weight') && frozen.includes('block_10_project_BN.weight'));
    assert.ok(!frozen.some((name) => /^(block_1[1-6]|Conv_1|dense)/.test(name)), 'block_11 onward is trainable');
  });

  it('block_3, block_10 and the final output agree with TF.js Layers (CPU) on a 224x224x3 input', async (t) => {
    const x = uniform([1, 224, 224, 3], -1, 1, { generator: new Generator(224) });
    const ours = noGrad(() => getLayerOutputs(model, x, COMPARED));

    const reference = await tfl.loadLayersModel({
      load: async () => ({ modelTopology: artifacts.modelTopology as object, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData: artifacts.weightData.slice().buffer }),
    });
    const probe = tfl.model({ inputs: reference.inputs, outputs: COMPARED.map((n) => reference.getLayer(n).output as tfl.SymbolicTensor) });
    const theirs = tf.tidy(() => (probe.predict(tf.tensor(x.data as Float32Array, [...x.shape])) as tf.Tensor[]).map((t) => t.dataSync()));

    COMPARED.forEach((name, i) => {
      const scale = maxAbs(theirs[i]);
      let worst = 0;
      for (let j = 0; j < theirs[i].length; j++) worst = Math.max(worst, Math.abs(ours[name].data[j] - theirs[i][j]));
      t.diagnostic(`${name} [${ours[name].shape.join(', ')}]: max |activation| ${scale.toPrecision(4)}, max |difference| ${worst.toExponential(2)}`);
      assert.ok(scale > 0.1, `${name}: activations are not trivially small`);
      assertAllClose(ours[name].data, theirs[i], { atol: 1e-4 * scale, rtol: 1e-4 }, name);
    });
    assert.deepEqual(ours.dense_3.shape, [1, 5]);
  });
});
