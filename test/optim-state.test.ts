// Optimiser state dicts: a saved and reloaded optimiser continues exactly as the original, through JSON; and
// loading a mismatched state reports every problem and changes nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, Tensor, randn, Generator } from '../src/index.js';
import { SGD, Adam, AdamW, RMSprop, type Optimizer, type BaseHyperParams, type OptimizerStateDict } from '../src/optim/index.js';

type Make = (ps: Tensor[]) => Optimizer<BaseHyperParams>;

const makers: Array<[string, Make]> = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
  ['AdamW', (ps) => new AdamW([{ params: ps.slice(0, 1), lr: 0.02 }, { params: ps.slice(1) }], { lr: 0.01 })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01, momentum: 0.5, centered: true })],
];

function makeParams(seed: number): Tensor[] {
  const g = new Generator(seed);
  return [randn([2, 3], { generator: g, requiresGrad: true }), randn([4], { generator: g, requiresGrad: true })];
}

/** A few steps on loss = sum(p^3 / 3 + p), a non-quadratic so state matters. */
function train(opt: Optimizer<BaseHyperParams>, params: Tensor[], steps: number): void {
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    params.map((p) => p.pow(3).div(3).add(p).sum()).reduce((a, b) => a.add(b)).backward();
    opt.step();
  }
}

/** What a checkpoint file would do to the state: tensors copied, meta through JSON. */
function throughStorage(s: OptimizerStateDict): OptimizerStateDict {
  const tensors = Object.fromEntries(Object.entries(s.tensors).map(([k, t]) => [k, tensor(Array.from(t.data), t.shape)]));
  return { tensors, meta: JSON.parse(JSON.stringify(s.meta)) };
}

describe('optimiser state dicts', () => {
  for (const [name, make] of makers) {
    it(`${name}: a reloaded optimiser continues exactly like the original`, () => {
      const original = makeParams(1);
      const optA = make(original);
      train(optA, original, 3);
      const saved = throughStorage(optA.stateDict());

      const copy = makeParams(2).map((p, i) => p.copy_(original[i]));
      const optB = make(copy);
      optB.paramGroups.forEach((g) => (g.lr = 123)); // the saved hyper-parameters must win
      optB.loadStateDict(saved);
      assert.deepEqual(optB.paramGroups.map((g) => g.lr), optA.paramGroups.map((g) => g.lr));

      train(optA, original, 3);
      train(optB, copy, 3);
      original.forEach((p, i) => assert.deepEqual(Array.from(copy[i].data), Array.from(p.data), `${name} parameter ${i}`));
    });
  }

  it('names state tensors by parameter index and keeps step counts in meta', () => {
    const params = makeParams(3);
    const opt = new Adam(params, { lr: 0.01 });
    train(opt, params, 2);
    const { tensors, meta } = opt.stateDict();
    assert.deepEqual(Object.keys(tensors).sort(), ['0.expAvg', '0.expAvgSq', '1.expAvg', '1.expAvgSq']);
    assert.deepEqual(meta.state, { 0: { step: 2 }, 1: { step: 2 } });
    assert.equal(meta.optimizer, 'Adam');
    assert.deepEqual(meta.paramGroups[0].params, [0, 1]);
    assert.deepEqual(meta.paramGroups[0].betas, [0.9, 0.999]);
  });

  it('the state dict is a snapshot: later steps do not change it', () => {
    const params = makeParams(4);
    const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
    train(opt, params, 1);
    const saved = opt.stateDict();
    const before = Array.from(saved.tensors['0.momentumBuffer'].data);
    train(opt, params, 1);
    assert.deepEqual(Array.from(saved.tensors['0.momentumBuffer'].data), before);
  });

  it('reports every mismatch at once and leaves the optimiser unchanged', () => {
    const params = makeParams(5);
    const opt = new Adam(params, { lr: 0.01 });
    train(opt, params, 1);
    const good = opt.stateDict();
    const bad: OptimizerStateDict = {
      tensors: { ...good.tensors, '0.expAvg': tensor([1, 2], [2]), '1.velocity': tensor([0, 0, 0, 0], [4]), '7.expAvg': tensor([1], [1]) },
      meta: { ...good.meta, paramGroups: [{ ...good.meta.paramGroups[0], momentum: 0.9, betas: [0.9, 2] }] },
    };
    const other = new Adam(makeParams(6), { lr: 0.5 });
    assert.throws(
      () => other.loadStateDict(bad),
      (e: Error) =>
        /Adam.loadStateDict: 5 problem\(s\)/.test(e.message) &&
        e.message.includes("tensor '0.expAvg': saved [2], parameter 0 has shape [2, 3]") &&
        e.message.includes("tensor '1.velocity': unknown state 'velocity', valid: expAvg, expAvgSq, maxExpAvgSq") &&
        e.message.includes("tensor '7.expAvg': expected '<parameter index 0..1>") &&
        e.message.includes('group 0: unknown hyper-parameter(s) momentum') &&
        e.message.includes('group 0: Adam: betas[1] must be in [0, 1), got 2'),
    );
    assert.equal(other.paramGroups[0].lr, 0.5);
    assert.deepEqual(Object.keys(other.stateDict().tensors), []);
  });

  it('refuses a state dict from another optimiser or with other groups', () => {
    const params = makeParams(7);
    const sgd = new SGD(params, { lr: 0.1, momentum: 0.9 });
    train(sgd, params, 1);
    assert.throws(() => new Adam(params).loadStateDict(sgd.stateDict()), /Adam.loadStateDict: the state dict is from SGD, not Adam/);
    const twoGroups = new SGD([{ params: [params[0]] }, { params: [params[1]] }], { lr: 0.1, momentum: 0.9 });
    assert.throws(() => twoGroups.loadStateDict(sgd.stateDict()), /1 parameter group\(s\) saved, 2 in this optimiser/);
    const fewer = new SGD([params[0]], { lr: 0.1, momentum: 0.9 });
    assert.throws(() => fewer.loadStateDict(sgd.stateDict()), /group 0: 2 parameters saved, 1 in this optimiser/);
    assert.throws(() => fewer.loadStateDict({} as never), /SGD.loadStateDict: expected \{ tensors, meta/);
  });
});
