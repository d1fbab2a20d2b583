// Issue 10, case 12: a loss over an empty batch (old: crossEntropy gave NaN, later a silent 0; mseLoss and the
// binary losses NaN). The mean is refused with an error naming the loss and the shape; 'sum' gives 0 with a
// gradient of the right (empty) shape, 'none' an empty tensor, as PyTorch.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, tensor, zeros } from '../src/index.js';

const noLabels = () => tensor([], [0], { dtype: 'int32' });
const empty = /the batch is empty \(input \[0, 10\]\), so its mean loss is undefined; reduction 'sum' gives 0/;

it('crossEntropy and nllLoss refuse the mean of an empty batch, labels or probabilities', () => {
  assert.throws(() => F.crossEntropy(zeros([0, 10]), noLabels()), new RegExp(`^Error: crossEntropy: ${empty.source}`));
  assert.throws(() => F.crossEntropy(zeros([0, 10]), zeros([0, 10])), new RegExp(`crossEntropy: ${empty.source}`));
  assert.throws(() => F.crossEntropy(zeros([0, 10]), noLabels(), { labelSmoothing: 0.1 }), new RegExp(`crossEntropy: ${empty.source}`));
  assert.throws(() => F.nllLoss(zeros([0, 10]), noLabels()), new RegExp(`nllLoss: ${empty.source}`));
});

it("'sum' of an empty batch is 0 with an empty gradient; 'none' is empty", () => {
  const logits = zeros([0, 10], { requiresGrad: true });
  const loss = F.crossEntropy(logits, noLabels(), { reduction: 'sum' });
  assert.deepEqual([loss.shape, Array.from(loss.data)], [[], [0]]);
  loss.backward();
  assert.deepEqual(logits.grad!.shape, [0, 10]);
  assert.deepEqual(F.crossEntropy(logits, noLabels(), { reduction: 'none' }).shape, [0]);
});

it('a batch whose labels are all ignored still gives 0 (not empty: the rows exist)', () => {
  assert.deepEqual(Array.from(F.crossEntropy(zeros([2, 10]), tensor([-100, -100], [2], { dtype: 'int32' })).data), [0]);
});

it('logits with no classes are refused by name', () => {
  assert.throws(() => F.crossEntropy(zeros([4, 0]), tensor([0, 0, 0, 0], [4], { dtype: 'int32' })), /crossEntropy: input \[4, 0\] has no classes \(its last dimension is 0\)/);
});

it('the elementwise losses refuse the mean of nothing too', () => {
  assert.throws(() => F.mseLoss(zeros([0]), zeros([0])), /mseLoss: the batch is empty \(input \[0\]\)/);
  assert.throws(() => F.binaryCrossEntropyWithLogits(zeros([0, 3]), zeros([0, 3])), /binaryCrossEntropyWithLogits: the batch is empty \(input \[0, 3\]\)/);
  assert.deepEqual(Array.from(F.l1Loss(zeros([0]), zeros([0]), { reduction: 'sum' }).data), [0]);
});
