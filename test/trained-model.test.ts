// The trained-model bundle (convkit/io, convkit/node): weights plus what they are, rebuilt by name with the
// weights checked; plain weights and checkpoints load when the model is named; mismatches are errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed } from '../src/index.js';
import type { Module } from '../src/nn/index.js';
import { lenet5 } from '../src/models/index.js';
import {
  TRAINED_MODEL_METADATA_KEY,
  parseSafetensors,
  parseTrainedModel,
  serializeCheckpoint,
  serializeSafetensors,
  serializeTrainedModel,
  trainedModelInfo,
  type TrainedModelInfo,
} from '../src/io/index.js';
import { loadTrainedModel, loadTrainedModelInfo, saveTrainedModel, saveWeights } from '../src/node/index.js';

const INFO: TrainedModelInfo = {
  model: 'lenet5',
  modelOptions: { numClasses: 3, variant: 'classic' },
  dataset: 'shapes',
  classes: ['circle', 'square', 'star'],
  normalization: { mean: 0.5, std: 0.25 },
  inputShape: [28, 28, 1],
};

function trainedLeNet(): Module {
  manualSeed(5);
  return lenet5({ numClasses: 3, variant: 'classic' });
}

function assertSameWeights(actual: Module, expected: Module): void {
  const want = expected.stateDict();
  const got = actual.stateDict();
  assert.deepEqual(Object.keys(got), Object.keys(want));
  for (const [name, t] of Object.entries(want)) assert.deepEqual(got[name].data, t.data, name);
}

describe('serializeTrainedModel / parseTrainedModel', () => {
  it('rebuilds the named model with its options and the same weights, and hands back the info', () => {
    const source = trainedLeNet();
    const bytes = serializeTrainedModel(source, INFO);
    assert.deepEqual(JSON.parse(parseSafetensors(bytes).metadata[TRAINED_MODEL_METADATA_KEY]), INFO, 'the info is JSON under convkit.trained');
    const { model, info, inputShape } = parseTrainedModel(bytes);
    assert.deepEqual(info, INFO);
    assert.deepEqual(inputShape, [28, 28, 1]);
    assert.equal(model.constructor.name, 'LeNet5');
    assertSameWeights(model, source);
    assert.equal((model as unknown as { variant: string }).variant, 'classic', 'built with the stored options');
  });

  it('loads plain weights and checkpoints when the model is named, with its default input shape', () => {
    const source = trainedLeNet();
    const plain = serializeSafetensors(source.stateDict());
    assert.equal(trainedModelInfo(parseSafetensors(plain).metadata), null);
    assert.throws(() => parseTrainedModel(plain, { source: 'w.safetensors' }), /^Error: w\.safetensors: the weights do not say which model they are for \(no 'convkit\.trained' metadata\); name the model, e.g\. lenet5/);
    // Plain weights carry no options: a 3-class file needs a 3-class model, which the default lenet5 is not.
    assert.throws(() => parseTrainedModel(plain, { model: 'lenet5' }), /shape of 'classifier\.fc3\.weight': saved \[84, 3\], model \[84, 10\]/);
    manualSeed(6);
    const tenClasses = lenet5();
    const loaded = parseTrainedModel(serializeSafetensors(tenClasses.stateDict()), { model: 'lenet5' });
    assert.equal(loaded.info, null);
    assert.deepEqual(loaded.inputShape, [28, 28, 1]);
    assertSameWeights(loaded.model, tenClasses);
    const fromCheckpoint = parseTrainedModel(serializeCheckpoint({ model: tenClasses, epoch: 2, step: 10 }), { model: 'lenet5' });
    assertSameWeights(fromCheckpoint.model, tenClasses);
  });

  it('refuses another model name than the stored one, and metadata that is not JSON', () => {
    const bytes = serializeTrainedModel(trainedLeNet(), INFO);
    assert.throws(() => parseTrainedModel(bytes, { model: 'alexnet', source: 'lenet.safetensors' }), /^Error: lenet\.safetensors: it holds lenet5 weights \(trained on shapes\), not alexnet/);
    const broken = serializeSafetensors(trainedLeNet().stateDict(), { [TRAINED_MODEL_METADATA_KEY]: '{model:' });
    assert.throws(() => parseTrainedModel(broken), /^Error: bytes: metadata 'convkit\.trained' is not valid JSON/);
  });
});

describe('saveTrainedModel / loadTrainedModel', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-trained-model-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the same bytes serializeTrainedModel gives, and reads model and info back', async () => {
    const source = trainedLeNet();
    const path = join(dir, 'shapes.safetensors');
    await saveTrainedModel(path, source, INFO);
    assert.deepEqual(new Uint8Array(await readFile(path)), serializeTrainedModel(source, INFO));
    assert.deepEqual(await loadTrainedModelInfo(path), INFO);
    const { model, info } = await loadTrainedModel(path);
    assert.deepEqual(info, INFO);
    assertSameWeights(model, source);
    await assert.rejects(loadTrainedModel(path, { model: 'vgg11' }), new RegExp(`loadTrainedModel\\('${path.replace(/[.\\/]/g, '\\$&')}'\\): it holds lenet5 weights`));
    const plain = join(dir, 'plain.safetensors');
    await saveWeights(plain, source);
    assert.equal(await loadTrainedModelInfo(plain), null);
  });
});
