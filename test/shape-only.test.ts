// Shape-only tensors: every op gives the shape and dtype its real result has, without values; shape errors
// are the same as on real tensors; reading values, differentiating and custom ops fail with errors naming them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, Tensor, buildShapeOnly, customOp, models, randn, randint, shapeOnly, tensor, uniform, zeros } from '../src/index.js';
import { BatchNorm2d, Conv2d, Linear, Sequential } from '../src/nn/index.js';
import { forEachBackend } from './helpers/backends.js';

/** One call of an op on sample inputs (the real ones; the test makes shape-only copies). */
interface OpCase {
  op: keyof typeof F;
  inputs: () => Tensor[];
  call: (...t: Tensor[]) => Tensor;
}

const x4 = (): Tensor => randn([2, 5, 6, 3]);
const m = (): Tensor => randn([3, 4]);
const cases: OpCase[] = [
  ...(['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const).map(
    (op): OpCase => ({ op, inputs: () => [randn([2, 1, 4]), randn([3, 1])], call: (a, b) => (F[op] as (a: Tensor, b: Tensor) => Tensor)(a, b) }),
  ),
  ...(['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'square', 'relu', 'relu6', 'sigmoid', 'tanh', 'hardswish', 'atan', 'silu', 'mish', 'hardsigmoid', 'gelu'] as const).map(
    (op): OpCase => ({ op, inputs: () => [m()], call: (a) => (F[op] as (a: Tensor) => Tensor)(a) }),
  ),
  { op: 'pow', inputs: () => [m()], call: (a) => F.pow(a, 3) },
  { op: 'pow', inputs: () => [m(), randn([4])], call: (a, e) => F.pow(a, e) },
  { op: 'clamp', inputs: () => [m()], call: (a) => F.clamp(a, -1, 1) },
  { op: 'clamp', inputs: () => [m(), randn([3, 1])], call: (a, lo) => F.clamp(a, lo) },
  { op: 'normalize', inputs: () => [x4()], call: (a) => F.normalize(a, { p: 1, dim: 2 }) },
  { op: 'cast', inputs: () => [m()], call: (a) => F.cast(a, 'float64') },
  { op: 'leakyRelu', inputs: () => [m()], call: (a) => F.leakyRelu(a, 0.2) },
  { op: 'softmax', inputs: () => [m()], call: (a) => F.softmax(a, 0) },
  { op: 'logSoftmax', inputs: () => [m()], call: (a) => F.logSoftmax(a) },
  { op: 'dropout', inputs: () => [m()], call: (a) => F.dropout(a, 0.5, { training: true, generator: new Generator(1) }) },
  { op: 'sum', inputs: () => [x4()], call: (a) => F.sum(a, [0, 1, 2]) },
  { op: 'mean', inputs: () => [x4()], call: (a) => F.mean(a, [1, 2], true) },
  { op: 'max', inputs: () => [x4()], call: (a) => F.max(a, [0, 3]) },
  { op: 'min', inputs: () => [x4()], call: (a) => F.min(a, 2, true) },
  { op: 'argmax', inputs: () => [x4()], call: (a) => F.argmax(a, 1) },
  { op: 'argmin', inputs: () => [x4()], call: (a) => F.argmin(a, -1, true) },
  { op: 'variance', inputs: () => [x4()], call: (a) => F.variance(a, [0, 1, 2], false, 1) },
  { op: 'sumTo', inputs: () => [x4()], call: (a) => F.sumTo(a, [5, 1, 3]) },
  { op: 'reshape', inputs: () => [x4()], call: (a) => F.reshape(a, [-1, 9]) },
  { op: 'flatten', inputs: () => [x4()], call: (a) => F.flatten(a) },
  { op: 'permute', inputs: () => [x4()], call: (a) => F.permute(a, [3, 0, 2, 1]) },
  { op: 'transpose', inputs: () => [x4()], call: (a) => F.transpose(a, 1, 3) },
  { op: 'squeeze', inputs: () => [randn([2, 1, 3])], call: (a) => F.squeeze(a) },
  { op: 'unsqueeze', inputs: () => [m()], call: (a) => F.unsqueeze(a, 1) },
  { op: 'slice', inputs: () => [x4()], call: (a) => F.slice(a, [0, 1, -2], [1, 4]) },
  { op: 'narrow', inputs: () => [x4()], call: (a) => F.narrow(a, 3, 1, 2) },
  { op: 'broadcastTo', inputs: () => [randn([3, 1])], call: (a) => F.broadcastTo(a, [2, 3, 4]) },
  { op: 'pad', inputs: () => [x4()], call: (a) => F.pad(a, [[0, 0], [1, 2], [3, 0]], 1) },
  { op: 'pad', inputs: () => [x4()], call: (a) => F.pad(a, [[0, 0], [2, 1], [0, 3]], { mode: 'reflect' }) },
  { op: 'indexSelect', inputs: () => [x4(), tensor([4, 0, 0], [3], { dtype: 'int32' })], call: (a, i) => F.indexSelect(a, 1, i) },
  { op: 'gather', inputs: () => [m(), tensor([0, 3, 1, 2], [2, 2], { dtype: 'int32' })], call: (a, i) => F.gather(a, 1, i) },
  { op: 'take', inputs: () => [x4(), tensor([7, -1, 0], [1, 3], { dtype: 'int32' })], call: (a, i) => F.take(a, i) },
  { op: 'where', inputs: () => [F.gt(randn([3, 1]), 0), m(), randn([4])], call: (c, a, b) => F.where(c, a, b) },
  { op: 'maskedFill', inputs: () => [m(), F.lt(randn([4]), 0)], call: (a, mask) => F.maskedFill(a, mask, -1) },
  { op: 'sort', inputs: () => [x4()], call: (a) => F.sort(a, { dim: 1 }).values },
  { op: 'argsort', inputs: () => [x4()], call: (a) => F.argsort(a, { descending: true }) },
  { op: 'topk', inputs: () => [x4()], call: (a) => F.topk(a, 2, { dim: 2 }).indices },
  { op: 'topk', inputs: () => [x4()], call: (a) => F.topk(a, 3, { largest: false }).values },
  { op: 'concat', inputs: () => [x4(), randn([2, 5, 6, 4])], call: (a, b) => F.concat([a, b], -1) },
  { op: 'stack', inputs: () => [m(), m()], call: (a, b) => F.stack([a, b], 1) },
  { op: 'matmul', inputs: () => [randn([2, 3, 4]), randn([4, 5])], call: (a, b) => F.matmul(a, b) },
  { op: 'linear', inputs: () => [randn([2, 7, 4]), randn([4, 5]), randn([5])], call: (a, w, b) => F.linear(a, w, b) },
  {
    op: 'conv2d',
    inputs: () => [x4(), randn([3, 2, 1, 6]), randn([6])],
    call: (a, w, b) => F.conv2d(a, w, b, { stride: [2, 1], padding: 'same', groups: 3, activation: 'relu' }),
  },
  {
    op: 'convTranspose2d',
    inputs: () => [x4(), randn([3, 2, 2, 3]), randn([2])],
    call: (a, w, b) => F.convTranspose2d(a, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
  },
  { op: 'interpolate', inputs: () => [x4()], call: (a) => F.interpolate(a, { mode: 'bilinear', size: [7, 3], alignCorners: true }) },
  { op: 'interpolate', inputs: () => [x4()], call: (a) => F.interpolate(a, { mode: 'nearest', scaleFactor: 2 }) },
  { op: 'maxPool2d', inputs: () => [x4()], call: (a) => F.maxPool2d(a, 2, { ceilMode: true }) },
  { op: 'avgPool2d', inputs: () => [x4()], call: (a) => F.avgPool2d(a, 3, { stride: 1, padding: 1 }) },
  { op: 'sumPool2d', inputs: () => [x4()], call: (a) => F.sumPool2d(a, [1, 3], { padding: 'same' }) },
  { op: 'globalAvgPool2d', inputs: () => [x4()], call: (a) => F.globalAvgPool2d(a) },
  {
    op: 'batchNorm',
    inputs: () => [x4(), zeros([3]), tensor([1, 2, 3]), randn([3]), randn([3])],
    call: (a, rm, rv, w, b) => F.batchNorm(a, rm, rv, w, b, { training: false, activation: 'relu', residual: a }),
  },
  { op: 'crossEntropy', inputs: () => [m(), randint(0, 4, [3])], call: (a, t) => F.crossEntropy(a, t, { labelSmoothing: 0.1 }) },
  { op: 'nllLoss', inputs: () => [F.logSoftmax(m()), randint(0, 4, [3])], call: (a, t) => F.nllLoss(a, t, { reduction: 'none', weight: uniform([4], 0.5, 2), ignoreIndex: 2 }) },
  { op: 'mseLoss', inputs: () => [m(), m()], call: (a, t) => F.mseLoss(a, t, { reduction: 'sum' }) },
  { op: 'l1Loss', inputs: () => [m(), m()], call: (a, t) => F.l1Loss(a, t, { reduction: 'none' }) },
  { op: 'smoothL1Loss', inputs: () => [m(), m()], call: (a, t) => F.smoothL1Loss(a, t, { beta: 0.5 }) },
  { op: 'huberLoss', inputs: () => [m(), m()], call: (a, t) => F.huberLoss(a, t, { delta: 2, reduction: 'sum' }) },
  { op: 'binaryCrossEntropy', inputs: () => [uniform([3, 4], 0, 1), uniform([3, 4], 0, 1)], call: (a, t) => F.binaryCrossEntropy(a, t, { reduction: 'none' }) },
  { op: 'sigmoidFocalLoss', inputs: () => [m(), uniform([3, 4], 0, 1)], call: (a, t) => F.sigmoidFocalLoss(a, t, { reduction: 'mean' }) },
  { op: 'sumSquaredError', inputs: () => [m(), m()], call: (a, t) => F.sumSquaredError(a, t) },
  { op: 'binaryCrossEntropyWithLogits', inputs: () => [m(), m()], call: (a, t) => F.binaryCrossEntropyWithLogits(a, t, { posWeight: uniform([4], 0.5, 2) }) },
  ...(['eq', 'gt', 'lt', 'ne', 'ge', 'le'] as const).map((op): OpCase => ({ op, inputs: () => [m(), randn([4])], call: (a, b) => F[op](a, b) })),
];

/** F's exports that take no tensors (geometry helpers), so have no shape-only form. */
const notTensorOps = ['conv2dParams', 'convTranspose2dParams', 'pool2dParams', 'checkInterpolateOptions', 'outputLength', 'samePadding'];

const asShapeOnly = (t: Tensor): Tensor => shapeOnly(t.shape, { dtype: t.dtype });

describe('shape-only tensors: every op', () => {
  it('the table below covers every op in F', () => {
    const ops = Object.entries(F).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    const covered = new Set<string>([...cases.map((c) => c.op), ...notTensorOps]);
    assert.deepEqual(ops.filter((op) => !covered.has(op)), [], 'ops without a shape-only case');
  });

  forEachBackend(() => {
    for (const { op, inputs, call } of cases) {
      it(`${op}: the real result's shape and dtype, from shape-only inputs (all, or only the first)`, () => {
        const real = inputs();
        const expected = call(...real);
        assert.equal(expected.isShapeOnly, false);
        for (const meta of [real.map(asShapeOnly), [asShapeOnly(real[0]), ...real.slice(1)]]) {
          const got = call(...meta);
          assert.equal(got.isShapeOnly, true, `${op} gave values`);
          assert.deepEqual(got.shape, expected.shape);
          assert.equal(got.dtype, expected.dtype);
        }
      });
    }
  });

  it('shape errors are the same as on real tensors', () => {
    const bad: Array<[string, (meta: boolean) => Tensor]> = [
      ['conv2d', (s) => F.conv2d(pick(s, randn([1, 4, 4, 2])), randn([3, 3, 3, 8]))],
      ['matmul', (s) => F.matmul(pick(s, randn([2, 3])), randn([4, 2]))],
      ['add', (s) => F.add(pick(s, randn([2, 3])), randn([4]))],
      ['maxPool2d', (s) => F.maxPool2d(pick(s, randn([1, 2, 2, 1])), 3)],
      ['concat', (s) => F.concat([pick(s, randn([2, 3])), randn([3, 2])], 1)],
      ['reshape', (s) => F.reshape(pick(s, randn([2, 3])), [4, -1])],
    ];
    for (const [op, call] of bad) {
      let message = '';
      assert.throws(() => call(false), (e: Error) => ((message = e.message), true));
      assert.ok(message.startsWith(op), `${op}: ${message}`);
      assert.throws(() => call(true), { message });
    }
  });
});

function pick(meta: boolean, t: Tensor): Tensor {
  return meta ? asShapeOnly(t) : t;
}

describe('shape-only tensors: what needs values fails clearly', () => {
  it('reading values names Tensor.data and the shape; printing shows the shape', () => {
    const t = shapeOnly([2, 3]);
    for (const read of [() => t.data, () => t.toArray(), () => zeros([2, 3]).copy_(t)]) {
      assert.throws(read, /Tensor\.data: this float32 \[2, 3\] tensor is shape-only .* no values to read/);
    }
    assert.throws(() => shapeOnly([]).item(), /Tensor\.data: this float32 \[\] tensor is shape-only/);
    assert.equal(String(shapeOnly([2, 3], { dtype: 'int32' })), 'tensor(shape-only, shape=[2, 3], dtype=int32)');
  });

  it('ops are not recorded and backward says why', () => {
    const w = randn([3, 2], { requiresGrad: true });
    const loss = F.sum(F.matmul(shapeOnly([4, 3]), w));
    assert.equal(loss.requiresGrad, false);
    assert.throws(() => loss.backward(), /backward: this \[\] tensor is shape-only/);
  });

  it('a custom op names itself', () => {
    const double = customOp({ name: 'double', forward: (_ctx, x: Tensor) => F.mul(x, 2), backward: (_ctx, dy) => [F.mul(dy, 2)] });
    assert.equal(double(tensor([1, 2])).data[1], 4);
    assert.throws(() => double(shapeOnly([2, 2])), /double: a custom op has no shape rule, so it cannot take shape-only inputs \(\[2, 2\]/);
  });

  it('a shape-only shape past 2^53 values is refused', () => {
    assert.throws(() => shapeOnly([1e9, 1e9, 3]), /Tensor: shape \[1000000000, 1000000000, 3\] has 3000000000000000000 values, more than a count holds exactly/);
  });
});

describe('buildShapeOnly', () => {
  it('builds models with shape-only parameters and buffers of the real shapes', () => {
    for (const name of ['vgg11_bn', 'resnet18', 'googlenet', 'mobilenet_v2']) {
      const real = models.createModel(name);
      const meta = buildShapeOnly(() => models.createModel(name));
      const metaState = meta.stateDict();
      assert.ok(Object.values(metaState).every((t) => t.isShapeOnly), `${name}: all shape-only`);
      assert.deepEqual(
        Object.entries(metaState).map(([k, t]) => [k, t.shape, t.dtype, t.requiresGrad]),
        Object.entries(real.stateDict()).map(([k, t]) => [k, t.shape, t.dtype, t.requiresGrad]),
      );
    }
  });

  it('ends with its build, also when the build throws, and nests', () => {
    assert.throws(() => buildShapeOnly(() => new Conv2d(3, 0, 3)), /Conv2d: outChannels must be a positive integer/);
    assert.equal(new Linear(2, 3).weight.isShapeOnly, false);
    const [inner, after] = buildShapeOnly(() => [buildShapeOnly(() => new BatchNorm2d(2)), new Linear(2, 3)]);
    assert.ok((inner as BatchNorm2d).runningMean!.isShapeOnly && (after as Linear).weight.isShapeOnly);
    assert.equal(zeros([2]).isShapeOnly, false);
  });

  it('a shape-only model runs on real inputs too, giving shape-only outputs', () => {
    const model = buildShapeOnly(() => new Sequential(new Conv2d(3, 4, 3, { padding: 'same' }), new BatchNorm2d(4)));
    model.eval();
    const y = model.forward(randn([2, 5, 5, 3]));
    assert.ok(y.isShapeOnly);
    assert.deepEqual(y.shape, [2, 5, 5, 4]);
  });
});
