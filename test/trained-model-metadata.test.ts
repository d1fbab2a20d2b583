// A trained-model bundle with bad metadata fails when it is read, naming the field and what is valid
// (issue 10, case 7: predict printed NaN% or wrong class names).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { lenet5 } from '../src/models/index.js';
import { TRAINED_MODEL_METADATA_KEY, parseTrainedModel, serializeSafetensors, type TrainedModelInfo } from '../src/io/index.js';

const GOOD: TrainedModelInfo = {
  model: 'lenet5',
  modelOptions: {},
  dataset: 'mnist',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  normalization: { mean: 0.1307, std: 0.3081 },
  inputShape: [28, 28, 1],
};

/** A LeNet-5 bundle whose metadata is GOOD with `changes` (undefined removes a field). */
function bundle(changes: Record<string, unknown>): Uint8Array {
  const info: Record<string, unknown> = { ...GOOD, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete info[k];
  return serializeSafetensors(lenet5().stateDict(), { [TRAINED_MODEL_METADATA_KEY]: JSON.stringify(info) });
}

it('good metadata loads', () => {
  assert.deepEqual(parseTrainedModel(bundle({}), { source: 'good' }).info, GOOD);
});

const CASES: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a string mean', { normalization: { mean: '0.1', std: 0.3 } }, /field 'normalization.mean' is "0.1"; expected a finite number/],
  ['a zero std', { normalization: { mean: 0.1, std: 0 } }, /field 'normalization.std' is 0; expected a finite number > 0/],
  ['no normalization', { normalization: undefined }, /field 'normalization' is missing; expected \{ mean, std \} with numbers/],
  ['one class name for ten outputs', { classes: ['cat'] }, /field 'classes' names 1 class\(es\) but the model has 10 outputs; expected one name per output/],
  ['classes that are not strings', { classes: [1, 2] }, /field 'classes' is \[1,2\]; expected a non-empty list of class names \(strings\)/],
  ['no model and no data set', { model: undefined, dataset: undefined }, /field 'model' is missing; expected a non-empty string; field 'dataset' is missing/],
  ['input shape 0', { inputShape: [0, 28, 1] }, /field 'inputShape' is \[0,28,1\]; expected \[height, width, channels\] of integers from 1 to 16384/],
  ['a huge input shape', { inputShape: [100000, 100000, 3] }, /field 'inputShape' is \[100000,100000,3\]/],
  ['modelOptions not an object', { modelOptions: 'big' }, /field 'modelOptions' is "big"; expected an object of model options/],
];

for (const [what, changes, message] of CASES) {
  it(`${what}: a clear error when the file is read`, () => {
    assert.throws(() => parseTrainedModel(bundle(changes), { source: 'bad.safetensors' }), (e: Error) => {
      assert.match(e.message, /^bad\.safetensors: metadata 'convkit\.trained': /);
      assert.match(e.message, message);
      return true;
    });
  });
}
