// Each optimiser's first steps against torch's formulas, written out here in scalar arithmetic independently of
// src/optim; frozen parameters; and minimisation of a quadratic and the Rosenbrock function.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, Tensor } from '../src/index.js';
import { SGD, Adam, AdamW, RMSprop, type Optimizer, type BaseHyperParams } from '../src/optim/index.js';
import { assertAllClose } from './helpers/assert-close.js';

// The test problem: loss = sum(a_i * p_i^2) / 2 - sum(b_i * p_i), so grad_i = a_i * p_i - b_i.
const A = [1, 2, 4];
const B = [0.5, 0, -1];
const P0 = [1, -2, 0.5];
const gradOf = (p: readonly number[]): number[] => p.map((v, i) => A[i] * v - B[i]);

function param(values: readonly number[]): Tensor {
  return tensor([...values], [values.length], { dtype: 'float64', requiresGrad: true });
}

/** Run `steps` optimiser steps with the exact gradient set by hand; returns the parameter after each step. */
function trajectory(make: (p: Tensor) => Optimizer<BaseHyperParams>, steps: number): number[][] {
  const p = param(P0);
  const opt = make(p);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    p.grad = tensor(gradOf(Array.from(p.data)), [3], { dtype: 'float64' });
    opt.step();
    out.push(Array.from(p.data));
  }
  return out;
}

function assertTrajectory(actual: number[][], expected: number[][], label: string): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((p, t) => assertAllClose(p, expected[t], { atol: 1e-12, rtol: 1e-12 }, `${label} step ${t + 1}`));
}

describe('SGD', () => {
  it('plain SGD: p -= lr * grad', () => {
    // grad at P0 = [0.5, -4, 3]; p1 = P0 - 0.1 * grad
    const got = trajectory((p) => new SGD([p], { lr: 0.1 }), 1);
    assertAllClose(got[0], [0.95, -1.6, 0.2], { atol: 1e-12 }, 'step 1');
  });

  it('momentum 0.9: the buffer starts at the first gradient', () => {
    // step 1: g = [0.5, -4, 3], buf = g, p = [0.95, -1.6, 0.2]
    // step 2: g = [0.45, -3.2, 1.8], buf = 0.9 * [0.5, -4, 3] + g = [0.9, -6.8, 4.5], p -= 0.1 * buf
    const got = trajectory((p) => new SGD([p], { lr: 0.1, momentum: 0.9 }), 2);
    assertTrajectory(got, [[0.95, -1.6, 0.2], [0.86, -0.92, -0.25]], 'momentum');
  });

  it('Nesterov: the step is grad + momentum * buf', () => {
    // step 1: buf = g = [0.5, -4, 3]; d = g + 0.9 * buf = 1.9 * g = [0.95, -7.6, 5.7]; p = P0 - 0.1 * d
    const got = trajectory((p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), 1);
    assertAllClose(got[0], [0.905, -1.24, -0.07], { atol: 1e-12 }, 'nesterov step 1');
  });

  it('momentum, dampening, Nesterov off, weight decay over several steps', () => {
    const lr = 0.05, momentum = 0.8, dampening = 0.3, wd = 0.1;
    const expected: number[][] = [];
    let p = [...P0];
    let buf: number[] = [];
    for (let t = 0; t < 4; t++) {
      const d = gradOf(p).map((g, i) => g + wd * p[i]);
      buf = t === 0 ? d : buf.map((b, i) => momentum * b + (1 - dampening) * d[i]);
      p = p.map((v, i) => v - lr * buf[i]);
      expected.push(p);
    }
    assertTrajectory(trajectory((q) => new SGD([q], { lr, momentum, dampening, weightDecay: wd }), 4), expected, 'SGD');
  });

  it('Nesterov with weight decay over several steps', () => {
    const lr = 0.05, momentum = 0.9, wd = 0.01;
    const expected: number[][] = [];
    let p = [...P0];
    let buf: number[] = [];
    for (let t = 0; t < 4; t++) {
      const d = gradOf(p).map((g, i) => g + wd * p[i]);
      buf = t === 0 ? d : buf.map((b, i) => momentum * b + d[i]);
      p = p.map((v, i) => v - lr * (d[i] + momentum * buf[i]));
      expected.push(p);
    }
    assertTrajectory(trajectory((q) => new SGD([q], { lr, momentum, nesterov: true, weightDecay: wd }), 4), expected, 'Nesterov');
  });

  it('maximize ascends', () => {
    const got = trajectory((p) => new SGD([p], { lr: 0.1, maximize: true }), 1);
    assertAllClose(got[0], [1.05, -2.4, 0.8], { atol: 1e-12 }, 'ascent');
  });

  it('rejects bad options, naming the option and the valid values', () => {
    const p = param(P0);
    assert.throws(() => new SGD([p], { lr: -1 }), /SGD: lr must be a finite number >= 0, got -1/);
    assert.throws(() => new SGD([p], { nesterov: true }), /SGD: nesterov needs momentum > 0 and dampening 0/);
    assert.throws(() => new SGD([p], { weight_decay: 1 } as never), /SGD: unknown option\(s\) weight_decay; valid: lr, momentum/);
    assert.throws(() => new SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/);
    assert.throws(() => new SGD(p as never), /SGD: params must be model.parameters\(\)/);
  });
});

/** Adam in the textbook form with bias-corrected moments mHat and vHat (equal to torch's rearranged form). */
function adamReference(steps: number, h: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean; amsgrad: boolean }): number[][] {
  let p = [...P0];
  let m = [0, 0, 0];
  let v = [0, 0, 0];
  let vMax = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    // The gradient is taken where the parameter stands before the step (backward runs before step()).
    const g = gradOf(p).map((x, i) => x + (h.decoupled ? 0 : h.wd * p[i]));
    if (h.decoupled) p = p.map((x) => x * (1 - h.lr * h.wd));
    m = m.map((x, i) => h.b1 * x + (1 - h.b1) * g[i]);
    v = v.map((x, i) => h.b2 * x + (1 - h.b2) * g[i] * g[i]);
    vMax = vMax.map((x, i) => Math.max(x, v[i]));
    const vUsed = h.amsgrad ? vMax : v;
    p = p.map((x, i) => {
      const mHat = m[i] / (1 - h.b1 ** t);
      const vHat = vUsed[i] / (1 - h.b2 ** t);
      return x - (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
    });
    out.push(p);
  }
  return out;
}

describe('Adam and AdamW', () => {
  it('the first Adam step moves each value by about lr against the sign of its gradient (bias correction)', () => {
    // mHat = g and vHat = g^2 at t = 1, so the step is lr * g / (|g| + eps).
    const got = trajectory((p) => new Adam([p], { lr: 0.1 }), 1);
    assertAllClose(got[0], [0.9, -1.9, 0.4], { atol: 1e-8 }, 'Adam step 1');
  });

  it('Adam matches the bias-corrected formula over several steps', () => {
    const h = { lr: 0.05, b1: 0.8, b2: 0.9, eps: 1e-3, wd: 0, decoupled: false, amsgrad: false };
    assertTrajectory(trajectory((p) => new Adam([p], { lr: h.lr, betas: [h.b1, h.b2], eps: h.eps }), 5), adamReference(5, h), 'Adam');
  });

  it('Adam weight decay is an L2 term in the gradient', () => {
    const h = { lr: 0.05, b1: 0.9, b2: 0.99, eps: 1e-3, wd: 0.2, decoupled: false, amsgrad: false };
    const got = trajectory((p) => new Adam([p], { lr: h.lr, betas: [h.b1, h.b2], eps: h.eps, weightDecay: h.wd }), 4);
    assertTrajectory(got, adamReference(4, h), 'Adam L2');
  });

  it('AMSGrad uses the largest second moment so far', () => {
    const h = { lr: 0.2, b1: 0.5, b2: 0.6, eps: 1e-3, wd: 0, decoupled: false, amsgrad: true };
    const got = trajectory((p) => new Adam([p], { lr: h.lr, betas: [h.b1, h.b2], eps: h.eps, amsgrad: true }), 6);
    assertTrajectory(got, adamReference(6, h), 'AMSGrad');
    // The check means something only if the maximum differs from the running average on this problem.
    const plain = adamReference(6, { ...h, amsgrad: false });
    assert.ok(Math.abs(plain[5][2] - got[5][2]) > 1e-6, 'AMSGrad should differ from Adam here');
  });

  it('AdamW decays the weights apart from the gradient (default weightDecay 1e-2)', () => {
    const h = { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01, decoupled: true, amsgrad: false };
    const opt = (p: Tensor) => new AdamW([p], { lr: h.lr });
    assert.equal(opt(param(P0)).defaults.weightDecay, 0.01);
    assertTrajectory(trajectory(opt, 4), adamReference(4, h), 'AdamW');
    // A zero gradient leaves only the decay: p * (1 - lr * wd).
    const p = param(P0);
    const adamw = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    p.grad = tensor([0, 0, 0], [3], { dtype: 'float64' });
    adamw.step();
    assertAllClose(Array.from(p.data), P0.map((x) => x * 0.95), { atol: 1e-12 }, 'AdamW decay only');
  });

  it('rejects betas outside [0, 1)', () => {
    assert.throws(() => new Adam([param(P0)], { betas: [0.9, 1] }), /Adam: betas\[1\] must be in \[0, 1\), got 1/);
    assert.throws(() => new AdamW([param(P0)], { betas: [0.9] as never }), /AdamW: betas must be \[beta1, beta2\]/);
  });
});

describe('RMSprop', () => {
  function rmspropReference(steps: number, h: { lr: number; alpha: number; eps: number; wd: number; momentum: number; centered: boolean }): number[][] {
    let p = [...P0];
    let sq = [0, 0, 0];
    let avg = [0, 0, 0];
    let buf = [0, 0, 0];
    const out: number[][] = [];
    for (let t = 0; t < steps; t++) {
      const g = gradOf(p).map((x, i) => x + h.wd * p[i]);
      sq = sq.map((s, i) => h.alpha * s + (1 - h.alpha) * g[i] ** 2);
      avg = avg.map((a, i) => h.alpha * a + (1 - h.alpha) * g[i]);
      const denom = sq.map((s, i) => Math.sqrt(h.centered ? s - avg[i] ** 2 : s) + h.eps);
      if (h.momentum > 0) {
        buf = buf.map((b, i) => h.momentum * b + g[i] / denom[i]);
        p = p.map((x, i) => x - h.lr * buf[i]);
      } else {
        p = p.map((x, i) => x - (h.lr * g[i]) / denom[i]);
      }
      out.push(p);
    }
    return out;
  }

  it('first step: p -= lr * g / (sqrt((1 - alpha) * g^2) + eps)', () => {
    // alpha 0.75: sqrt(0.25 g^2) = |g| / 2, so each value moves by 2 * lr against its gradient's sign.
    const got = trajectory((p) => new RMSprop([p], { lr: 0.01, alpha: 0.75, eps: 0 }), 1);
    assertAllClose(got[0], [0.98, -1.98, 0.48], { atol: 1e-12 }, 'RMSprop step 1');
  });

  for (const variant of [
    { momentum: 0, centered: false, wd: 0 },
    { momentum: 0.9, centered: false, wd: 0.1 },
    { momentum: 0, centered: true, wd: 0 },
    { momentum: 0.5, centered: true, wd: 0.05 },
  ]) {
    it(`matches torch's formula with momentum ${variant.momentum}, centered ${variant.centered}, weightDecay ${variant.wd}`, () => {
      const h = { lr: 0.01, alpha: 0.9, eps: 1e-4, ...variant };
      const got = trajectory(
        (p) => new RMSprop([p], { lr: h.lr, alpha: h.alpha, eps: h.eps, momentum: h.momentum, centered: h.centered, weightDecay: h.wd }),
        5,
      );
      assertTrajectory(got, rmspropReference(5, h), 'RMSprop');
    });
  }
});

describe('frozen parameters and parameter groups', () => {
  for (const [name, make] of [
    ['SGD', (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps: Tensor[]) => new Adam(ps, { lr: 0.1 })],
    ['AdamW', (ps: Tensor[]) => new AdamW(ps, { lr: 0.1 })],
    ['RMSprop', (ps: Tensor[]) => new RMSprop(ps, { lr: 0.1, momentum: 0.5, centered: true })],
  ] as const) {
    it(`${name} leaves frozen parameters and parameters without gradients untouched, with no state`, () => {
      const trained = param([1, 2, 3]);
      const frozen = param([4, 5, 6]).requiresGrad_(false);
      const noGradient = param([7, 8, 9]);
      const opt = make([trained, frozen, noGradient]);
      for (let t = 0; t < 3; t++) {
        trained.grad = tensor([1, 1, 1], [3], { dtype: 'float64' });
        frozen.grad = tensor([1, 1, 1], [3], { dtype: 'float64' }); // a stale gradient must not move a frozen weight
        opt.step();
      }
      assert.deepEqual(Array.from(frozen.data), [4, 5, 6]);
      assert.deepEqual(Array.from(noGradient.data), [7, 8, 9]);
      assert.ok(trained.data[0] < 1, 'the trainable parameter moved');
      const keys = Object.keys(opt.stateDict().tensors);
      assert.ok(keys.length > 0 && keys.every((k) => k.startsWith('0.')), `state only for parameter 0, got ${keys.join(', ')}`);
    });
  }

  it('groups keep their own hyper-parameters; unset ones come from the defaults', () => {
    const backbone = param([1, 1, 1]);
    const head = param([1, 1, 1]);
    const opt = new SGD([{ params: [backbone], lr: 0.01 }, { params: [head] }], { lr: 0.1, momentum: 0.5 });
    assert.equal(opt.paramGroups[0].lr, 0.01);
    assert.equal(opt.paramGroups[1].lr, 0.1);
    assert.equal(opt.paramGroups[0].momentum, 0.5);
    backbone.grad = tensor([1, 1, 1], [3], { dtype: 'float64' });
    head.grad = tensor([1, 1, 1], [3], { dtype: 'float64' });
    opt.step();
    assertAllClose(Array.from(backbone.data), [0.99, 0.99, 0.99], { atol: 1e-12 }, 'backbone');
    assertAllClose(Array.from(head.data), [0.9, 0.9, 0.9], { atol: 1e-12 }, 'head');
    assert.throws(() => opt.addParamGroup({ params: [head] }), /SGD: params\[0\] \[3\] already belongs to another parameter group/);
  });

  it('zeroGrad clears the gradients', () => {
    const p = param([1, 2, 3]);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 1, 1], [3], { dtype: 'float64' });
    opt.zeroGrad();
    assert.equal(p.grad, null);
  });

  it('a gradient of the wrong size is an error naming both shapes', () => {
    const p = param([1, 2, 3]);
    const opt = new Adam([p]);
    p.grad = tensor([1, 1], [2], { dtype: 'float64' });
    assert.throws(() => opt.step(), /Adam.step: gradient \[2\] does not match parameter \[3\]/);
  });
});

describe('optimisers minimise functions through autograd', () => {
  // A badly conditioned quadratic: loss = sum(c * (p - target)^2), minimum at target.
  const target = [3, -1, 0.5];
  const scales = [1, 10, 0.3];
  function quadraticLoss(p: Tensor): Tensor {
    return p.sub(tensor(target)).square().mul(tensor(scales)).sum();
  }
  for (const [name, make, steps] of [
    ['SGD with Nesterov momentum', (ps: Tensor[]) => new SGD(ps, { lr: 0.02, momentum: 0.9, nesterov: true }), 300],
    ['Adam', (ps: Tensor[]) => new Adam(ps, { lr: 0.1 }), 400],
    ['AdamW without decay', (ps: Tensor[]) => new AdamW(ps, { lr: 0.1, weightDecay: 0 }), 400],
    ['RMSprop', (ps: Tensor[]) => new RMSprop(ps, { lr: 0.01, momentum: 0.5 }), 600],
  ] as const) {
    it(`${name} finds the minimum of a quadratic`, () => {
      const p = tensor([0, 0, 0], [3], { requiresGrad: true });
      const opt = make([p]);
      for (let t = 0; t < steps; t++) {
        opt.zeroGrad();
        quadraticLoss(p).backward();
        opt.step();
      }
      assertAllClose(Array.from(p.data), target, { atol: 2e-2 }, name);
    });
  }

  it('Adam walks the Rosenbrock valley to (1, 1)', () => {
    const xy = tensor([-1.5, 2], [2], { dtype: 'float64', requiresGrad: true });
    const opt = new Adam([xy], { lr: 0.02 });
    const rosenbrock = (v: Tensor): Tensor => {
      const x = v.narrow(0, 0, 1);
      const y = v.narrow(0, 1, 1);
      return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
    };
    const start = rosenbrock(xy).item();
    for (let t = 0; t < 3000; t++) {
      opt.zeroGrad();
      rosenbrock(xy).backward();
      opt.step();
    }
    assert.ok(rosenbrock(xy).item() < 1e-4 * start, `loss ${rosenbrock(xy).item()} from ${start}`);
    assertAllClose(Array.from(xy.data), [1, 1], { atol: 2e-2 }, 'Rosenbrock minimum');
  });
});
