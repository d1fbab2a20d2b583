// LBFGS (issue 13 item 9) with torch.optim.LBFGS's semantics. PyTorch is not installed here, so the checks
// are: the cubic interpolation and the line search's conditions by hand, the two-loop recursion against the
// dense BFGS inverse-Hessian update, the first two iterations on Rosenbrock traced by hand, PyTorch's
// evaluation counting and state carried across step() calls, and convergence.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LBFGS, Tensor, cubicInterpolate, lbfgsDirection, strongWolfe, tensor } from '../src/index.js';

const near = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} != ${b} (tol ${tol})`);

/** Rosenbrock f = (1 - x)^2 + 100 (y - x^2)^2 on a float64 [2] tensor, written as a closure for step(). */
function rosenbrock(p: Tensor): () => Tensor {
  return () => {
    p.grad = null;
    const [x, y] = [p.narrow(0, 0, 1), p.narrow(0, 1, 1)];
    const f = x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
    f.backward();
    return f;
  };
}
const rosenbrockGrad = (x: number, y: number) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];
const start = () => tensor([-1.5, 2], [2], { dtype: 'float64' }).requiresGrad_();

describe('cubicInterpolate', () => {
  it('finds the minimiser of a cubic from two points and slopes: f = x^3 - 3x has its minimum at 1', () => {
    const f = (x: number) => x ** 3 - 3 * x;
    const g = (x: number) => 3 * x * x - 3;
    near(cubicInterpolate(0, f(0), g(0), 2, f(2), g(2)), 1, 1e-12);
    near(cubicInterpolate(2, f(2), g(2), 0, f(0), g(0)), 1, 1e-12, 'points given in either order');
  });
  it('clamps to the bounds, and returns their midpoint when the cubic has no real minimiser', () => {
    const f = (x: number) => x ** 3 - 3 * x;
    const g = (x: number) => 3 * x * x - 3;
    assert.equal(cubicInterpolate(0, f(0), g(0), 2, f(2), g(2), [1.5, 3]), 1.5);
    // f = x^3 + 3x is monotone: d1^2 - g1 g2 < 0.
    assert.equal(cubicInterpolate(0, 0, 3, 1, 4, 6, [0, 4]), 2);
  });
});

describe('strongWolfe', () => {
  it('returns a step meeting both strong Wolfe conditions (c1 1e-4, c2 0.9) on Rosenbrock along -g', () => {
    const x0 = [-1.5, 2];
    const f = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const g0 = Float64Array.from(rosenbrockGrad(x0[0], x0[1]));
    const d = Float64Array.from(g0, (v) => -v);
    const at = (t: number) => [x0[0] + t * d[0], x0[1] + t * d[1]];
    const gtd = -(g0[0] ** 2 + g0[1] ** 2);
    const r = strongWolfe((t) => ({ loss: f(at(t)[0], at(t)[1]), grad: Float64Array.from(rosenbrockGrad(at(t)[0], at(t)[1])) }), 1, d, f(x0[0], x0[1]), g0, gtd);
    const gNew = rosenbrockGrad(at(r.t)[0], at(r.t)[1]);
    assert.ok(r.loss <= f(x0[0], x0[1]) + 1e-4 * r.t * gtd, 'sufficient decrease');
    assert.ok(Math.abs(gNew[0] * d[0] + gNew[1] * d[1]) <= -0.9 * gtd, 'curvature');
    near(r.loss, f(at(r.t)[0], at(r.t)[1]), 1e-12, 'the loss reported is the loss at t');
    assert.ok(r.evals >= 2 && r.evals <= 25, `${r.evals} evaluations`);
  });
});

describe('lbfgsDirection', () => {
  it('equals -H g with H from the dense BFGS update H+ = (I - r s y^T) H (I - r y s^T) + r s s^T, H0 = hDiag I', () => {
    const n = 4;
    const rand = (() => { let s = 7; return () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5; })();
    const vec = () => Float64Array.from({ length: n }, rand);
    const steps: Float64Array[] = [];
    const dirs: Float64Array[] = [];
    while (steps.length < 3) {
      const s = vec();
      const y = Float64Array.from(s, (v, i) => v * (2 + i) + 0.1 * rand()); // y ~ A s, A positive definite
      if (s.reduce((acc, v, i) => acc + v * y[i], 0) > 0) (steps.push(s), dirs.push(y));
    }
    const ro = steps.map((s, k) => 1 / s.reduce((acc, v, i) => acc + v * dirs[k][i], 0));
    const hDiag = 0.7;
    let H: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? hDiag : 0)));
    steps.forEach((s, k) => {
      const y = dirs[k];
      const r = ro[k];
      const left = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - r * s[i] * y[j]));
      const mm = (A: number[][], B: number[][]) => A.map((row) => B[0].map((_, j) => row.reduce((acc, v, m) => acc + v * B[m][j], 0)));
      const right = left[0].map((_, i) => left.map((row) => row[i])); // transpose
      H = mm(mm(left, H), right).map((row, i) => row.map((v, j) => v + r * s[i] * s[j]));
    });
    const g = vec();
    const expected = H.map((row) => -row.reduce((acc, v, j) => acc + v * g[j], 0));
    const got = lbfgsDirection(g, steps, dirs, ro, hDiag);
    expected.forEach((e, i) => near(got[i], e, 1e-12, `component ${i}`));
  });
});

describe('LBFGS', () => {
  it('first iteration (hand-traced): d = -g, t = min(1, 1 / |g|_1) * lr; at (-1.5, 2) g = (-155, -50)', () => {
    const p = start();
    const opt = new LBFGS([p], { maxIter: 1 });
    const loss = opt.step(rosenbrock(p));
    near(loss, 2.5 ** 2 + 100 * 0.25 ** 2, 1e-12, 'step() returns the loss before the update');
    near(p.data[0], -1.5 + 155 / 205, 1e-15);
    near(p.data[1], 2 + 50 / 205, 1e-15);
    assert.equal(opt.funcEvals, 1, 'without a line search the last iteration is not re-evaluated');
  });

  it('second iteration (hand-traced): one correction pair, hDiag = y.s / y.y, step lr', () => {
    const p = start();
    new LBFGS([p], { maxIter: 2, maxEval: 10 }).step(rosenbrock(p));
    const x0 = [-1.5, 2];
    const g0 = rosenbrockGrad(x0[0], x0[1]);
    const x1 = [x0[0] - g0[0] / 205, x0[1] - g0[1] / 205];
    const g1 = rosenbrockGrad(x1[0], x1[1]);
    const s = [x1[0] - x0[0], x1[1] - x0[1]];
    const y = [g1[0] - g0[0], g1[1] - g0[1]];
    const ys = s[0] * y[0] + s[1] * y[1];
    const rho = 1 / ys;
    const hDiag = ys / (y[0] ** 2 + y[1] ** 2);
    // Two-loop with one pair: q = -g1; a = rho s.q; q -= a y; r = hDiag q; b = rho y.r; r += (a - b) s.
    const q = [-g1[0], -g1[1]];
    const a = rho * (s[0] * q[0] + s[1] * q[1]);
    const q2 = [q[0] - a * y[0], q[1] - a * y[1]];
    const r = [hDiag * q2[0], hDiag * q2[1]];
    const b = rho * (y[0] * r[0] + y[1] * r[1]);
    const d = [r[0] + (a - b) * s[0], r[1] + (a - b) * s[1]];
    near(p.data[0], x1[0] + d[0], 1e-12);
    near(p.data[1], x1[1] + d[1], 1e-12);
  });

  it('state carries across step() calls: two step()s of 10 iterations equal one of 20 (no line search)', () => {
    const a = start();
    const b = start();
    const optA = new LBFGS([a], { maxIter: 10, maxEval: 100, lr: 0.5 });
    optA.step(rosenbrock(a));
    optA.step(rosenbrock(a));
    const optB = new LBFGS([b], { maxIter: 20, maxEval: 100, lr: 0.5 });
    optB.step(rosenbrock(b));
    assert.deepEqual([...a.data], [...b.data]);
    assert.equal(optA.nIter, 20);
    assert.equal(optA.funcEvals, optB.funcEvals, 'the second step() evaluates where the first stopped, which one step() does after iteration 10');
  });

  it('with strong Wolfe, converges on Rosenbrock from (-1.5, 2) to (1, 1)', () => {
    const p = start();
    const opt = new LBFGS([p], { lineSearchFn: 'strong_wolfe', maxIter: 200, maxEval: 400, toleranceGrad: 1e-10, toleranceChange: 1e-14 });
    opt.step(rosenbrock(p));
    near(p.data[0], 1, 1e-6);
    near(p.data[1], 1, 1e-6);
    assert.ok(opt.nIter < 60, `${opt.nIter} iterations (L-BFGS needs a few dozen, gradient descent thousands)`);
  });

  it('minimises an ill-conditioned 12-dimensional quadratic (condition number 122) to 1e-8, stopping on toleranceGrad', () => {
    const n = 12;
    const diag = Float64Array.from({ length: n }, (_, i) => 1 + i * i); // condition number 122
    const target = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const x = tensor(new Array(n).fill(0), [n], { dtype: 'float64' }).requiresGrad_();
    const A = tensor([...diag], [n], { dtype: 'float64' });
    const b = tensor([...target], [n], { dtype: 'float64' });
    const closure = () => {
      x.grad = null;
      const f = x.sub(b).square().mul(A).sum().mul(0.5);
      f.backward();
      return f;
    };
    const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe', maxIter: 100, historySize: n, toleranceGrad: 1e-9, toleranceChange: 0 });
    opt.step(closure);
    target.forEach((t, i) => near(x.data[i], t, 1e-8, `x[${i}]`));
    assert.ok(opt.nIter < 100, `${opt.nIter} iterations: stopped by toleranceGrad, not by maxIter`);
  });

  it('stops when maxEval evaluations are spent (default maxIter * 5 / 4 rounded down), as PyTorch does', () => {
    const p = start();
    const opt = new LBFGS([p], { maxIter: 2 }); // maxEval 2: the re-evaluation after iteration 1 spends it
    opt.step(rosenbrock(p));
    assert.equal(opt.nIter, 1);
    assert.equal(opt.funcEvals, 2);
  });

  it('returns at once when the gradient is already below toleranceGrad', () => {
    const p = tensor([1, 1], [2], { dtype: 'float64' }).requiresGrad_();
    const opt = new LBFGS([p]);
    assert.equal(opt.step(rosenbrock(p)), 0);
    assert.equal(opt.funcEvals, 1);
    assert.equal(opt.nIter, 0);
  });

  it('optimises float32 tensors of any shape (all parameters as one vector)', () => {
    const w = tensor([[3, -2], [1, 4]]).requiresGrad_();
    const v = tensor([5]).requiresGrad_();
    const closure = () => {
      w.grad = null;
      v.grad = null;
      const f = w.square().sum().add(v.sub(2).square().sum());
      f.backward();
      return f;
    };
    new LBFGS([w, v], { lineSearchFn: 'strong_wolfe' }).step(closure);
    [...w.data].forEach((value) => near(value, 0, 1e-5));
    near(v.data[0], 2, 1e-5);
  });

  it('bad options and closures get errors that say what is valid', () => {
    const p = start();
    assert.throws(() => new LBFGS([]), /LBFGS: got an empty parameter list/);
    assert.throws(() => new LBFGS([p], { historySize: 0 }), /LBFGS: historySize must be an integer >= 1, got 0/);
    assert.throws(() => new LBFGS([p], { lineSearchFn: 'backtracking' as 'strong_wolfe' }), /lineSearchFn must be 'strong_wolfe' or null, got "backtracking"/);
    assert.throws(() => new LBFGS([p], { momentum: 0.9 } as object), /LBFGS: unknown option\(s\) momentum; valid: lr, maxIter/);
    assert.throws(() => new LBFGS([p]).step(undefined as unknown as () => number), /LBFGS.step: needs a closure/);
    assert.throws(() => new LBFGS([p]).step((() => 'x') as unknown as () => number), /the closure must return the loss \(a Tensor or a number\), got string/);
  });
});
