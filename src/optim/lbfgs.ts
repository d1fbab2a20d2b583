// L-BFGS with torch.optim.LBFGS's semantics: all parameters as one flat vector, `step(closure)` running up to
// maxIter iterations, a history of the last historySize (s, y) pairs, an optional strong-Wolfe line search,
// and the same stopping tests (toleranceGrad on max |g|, toleranceChange on the step, the loss and g.d).
import { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../backend/backend.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { bumpStorageVersion } from '../tensor/version.js';
import { formatShape } from '../tensor/shape.js';
import { checkNonNegative } from './check-hyper.js';
import { absMax, absSum, axpy, difference, dot, scaled } from './flat-vector.js';
import { strongWolfe } from './strong-wolfe.js';

export interface LBFGSOptions {
  /** Step scale (default 1). */
  lr: number;
  /** Most iterations per step() (default 20). */
  maxIter: number;
  /** Most closure evaluations per step() (default maxIter * 5 / 4, rounded down). */
  maxEval: number;
  /** Stop when max |gradient| is at most this (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the step, the loss change or the directional derivative is below this (default 1e-9). */
  toleranceChange: number;
  /** Number of (s, y) correction pairs kept (default 100). */
  historySize: number;
  /** 'strong_wolfe' or null for a fixed step of lr (default null, as in PyTorch). */
  lineSearchFn: 'strong_wolfe' | null;
}

/** Re-evaluates the objective: zero the gradients, compute the loss, call backward(), return the loss. */
export type LossClosure = () => Tensor | number;

/** What persists between step() calls, as in PyTorch's LBFGS state. */
interface LBFGSState {
  funcEvals: number;
  nIter: number;
  d: FloatArray | null;
  t: number;
  oldDirs: FloatArray[];
  oldSteps: FloatArray[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: FloatArray | null;
  prevLoss: number;
}

/**
 * The L-BFGS direction -H g by the two-loop recursion, from the correction pairs (s_i = x_{i+1} - x_i,
 * y_i = g_{i+1} - g_i, oldest first), rho_i = 1 / (y_i . s_i) and the initial inverse-Hessian scale hDiag.
 */
export function lbfgsDirection(grad: FloatArray, steps: readonly FloatArray[], dirs: readonly FloatArray[], ro: readonly number[], hDiag: number): FloatArray {
  const q = scaled(-1, grad);
  const alpha = new Array<number>(steps.length);
  for (let i = steps.length - 1; i >= 0; i--) {
    alpha[i] = dot(steps[i], q) * ro[i];
    axpy(-alpha[i], dirs[i], q);
  }
  const r = scaled(hDiag, q);
  for (let i = 0; i < steps.length; i++) {
    const beta = dot(dirs[i], r) * ro[i];
    axpy(alpha[i] - beta, steps[i], r);
  }
  return r;
}

export class LBFGS {
  readonly name = 'LBFGS';
  /** One group, as PyTorch's LBFGS allows; schedulers may change its lr. */
  readonly paramGroups: [LBFGSOptions & { params: Tensor[] }];
  private readonly params: Tensor[];
  private readonly size: number;
  private readonly float64: boolean;
  private readonly state: LBFGSState = {
    funcEvals: 0, nIter: 0, d: null, t: 0, oldDirs: [], oldSteps: [], ro: [], hDiag: 1, prevFlatGrad: null, prevLoss: NaN,
  };

  /** `new LBFGS([image], { lineSearchFn: 'strong_wolfe' })`; then `optimizer.step(closure)`. */
  constructor(params: Iterable<Tensor>, options: Partial<LBFGSOptions> = {}) {
    const list = [...params];
    if (list.length === 0) throw new Error('LBFGS: got an empty parameter list (pass model.parameters() or [image])');
    list.forEach((p, i) => {
      if (!(p instanceof Tensor) || (p.dtype !== 'float32' && p.dtype !== 'float64')) {
        throw new Error(`LBFGS: params[${i}] must be a float32 or float64 Tensor, got ${p instanceof Tensor ? `${p.dtype} ${formatShape(p.shape)}` : typeof p}`);
      }
    });
    if (new Set(list).size !== list.length) throw new Error('LBFGS: the parameter list names the same tensor twice');
    const valid = ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'];
    const unknown = Object.keys(options).filter((k) => !valid.includes(k));
    if (unknown.length) throw new Error(`LBFGS: unknown option(s) ${unknown.join(', ')}; valid: ${valid.join(', ')}`);
    const maxIter = options.maxIter ?? 20;
    const h: LBFGSOptions = {
      lr: options.lr ?? 1,
      maxIter,
      maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4),
      toleranceGrad: options.toleranceGrad ?? 1e-7,
      toleranceChange: options.toleranceChange ?? 1e-9,
      historySize: options.historySize ?? 100,
      lineSearchFn: options.lineSearchFn ?? null,
    };
    checkNonNegative('LBFGS', 'lr', h.lr);
    checkNonNegative('LBFGS', 'toleranceGrad', h.toleranceGrad);
    checkNonNegative('LBFGS', 'toleranceChange', h.toleranceChange);
    for (const key of ['maxIter', 'maxEval', 'historySize'] as const) {
      if (!Number.isInteger(h[key]) || h[key] < 1) throw new Error(`LBFGS: ${key} must be an integer >= 1, got ${String(h[key])}`);
    }
    if (h.lineSearchFn !== null && h.lineSearchFn !== 'strong_wolfe') {
      throw new Error(`LBFGS: lineSearchFn must be 'strong_wolfe' or null, got ${JSON.stringify(h.lineSearchFn)}`);
    }
    this.params = list;
    this.paramGroups = [{ ...h, params: list }];
    this.size = list.reduce((n, p) => n + p.size, 0);
    this.float64 = list.some((p) => p.dtype === 'float64');
  }

  /** Forget all gradients (sets them to null). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** Closure evaluations and iterations over all step() calls so far. */
  get funcEvals(): number {
    return this.state.funcEvals;
  }
  get nIter(): number {
    return this.state.nIter;
  }

  /**
   * Up to maxIter L-BFGS iterations; `closure` is called (with gradients enabled) whenever the loss and
   * gradient are needed. Returns the loss of the first evaluation, as PyTorch does.
   */
  step(closure: LossClosure): number {
    if (typeof closure !== 'function') throw new Error('LBFGS.step: needs a closure that computes the loss, calls backward() and returns the loss');
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const state = this.state;
    const evaluate = (): number => {
      const out = enableGrad(closure);
      const loss = out instanceof Tensor ? out.item() : out;
      if (typeof loss !== 'number') throw new Error(`LBFGS.step: the closure must return the loss (a Tensor or a number), got ${typeof loss}`);
      return loss;
    };

    const origLoss = evaluate();
    let loss = origLoss;
    let currentEvals = 1;
    state.funcEvals++;
    let flatGrad = this.gatherFlatGrad();
    if (absMax(flatGrad) <= toleranceGrad) return origLoss;

    let optimal = false;
    for (let nIter = 1; nIter <= maxIter; nIter++) {
      state.nIter++;
      // The search direction.
      if (state.nIter === 1) {
        state.d = scaled(-1, flatGrad);
        state.oldDirs = [];
        state.oldSteps = [];
        state.ro = [];
        state.hDiag = 1;
      } else {
        const y = difference(flatGrad, state.prevFlatGrad!);
        const s = scaled(state.t, state.d!);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (state.oldDirs.length === historySize) {
            state.oldDirs.shift();
            state.oldSteps.shift();
            state.ro.shift();
          }
          state.oldDirs.push(y);
          state.oldSteps.push(s);
          state.ro.push(1 / ys);
          state.hDiag = ys / dot(y, y);
        }
        state.d = lbfgsDirection(flatGrad, state.oldSteps, state.oldDirs, state.ro, state.hDiag);
      }
      state.prevFlatGrad = flatGrad.slice();
      state.prevLoss = loss;
      const d = state.d;

      // The step length: the first iteration ever is scaled by 1 / |g|_1.
      state.t = state.nIter === 1 ? Math.min(1, 1 / absSum(flatGrad)) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      if (lineSearchFn === 'strong_wolfe') {
        const x0 = this.cloneParams();
        const objective = (t: number) => {
          this.addToParams(t, d);
          const value = evaluate();
          const grad = this.gatherFlatGrad();
          this.setParams(x0);
          return { loss: value, grad };
        };
        const found = strongWolfe(objective, state.t, d, loss, flatGrad, gtd);
        loss = found.loss;
        flatGrad = found.grad;
        state.t = found.t;
        lsEvals = found.evals;
        this.addToParams(state.t, d);
        optimal = absMax(flatGrad) <= toleranceGrad;
      } else {
        this.addToParams(state.t, d);
        if (nIter !== maxIter) {
          // Re-evaluate only if another iteration follows (in a stochastic setting the last one is wasted).
          loss = evaluate();
          flatGrad = this.gatherFlatGrad();
          optimal = absMax(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.funcEvals += lsEvals;

      if (nIter === maxIter || currentEvals >= maxEval || optimal) break;
      if (absMax(d) * Math.abs(state.t) <= toleranceChange) break;
      if (Math.abs(loss - state.prevLoss) < toleranceChange) break;
    }
    return origLoss;
  }

  private newFlat(): FloatArray {
    return this.float64 ? new Float64Array(this.size) : new Float32Array(this.size);
  }

  /** The parameters' gradients end to end (zeros for a parameter without one). */
  private gatherFlatGrad(): FloatArray {
    const flat = this.newFlat();
    let offset = 0;
    for (const p of this.params) {
      if (p.grad) {
        if (p.grad.size !== p.size) throw new Error(`LBFGS.step: gradient ${formatShape(p.grad.shape)} does not match parameter ${formatShape(p.shape)}`);
        flat.set(p.grad.data, offset);
      }
      offset += p.size;
    }
    return flat;
  }

  /** params += t * d. */
  private addToParams(t: number, d: FloatArray): void {
    noGrad(() => {
      let offset = 0;
      for (const p of this.params) {
        const data = p.data;
        for (let i = 0; i < p.size; i++) data[i] += t * d[offset + i];
        offset += p.size;
        bumpStorageVersion(data); // packed copies of the old values are stale
      }
    });
  }

  private cloneParams(): FloatArray[] {
    return this.params.map((p) => (p.data as FloatArray).slice());
  }

  private setParams(values: readonly FloatArray[]): void {
    this.params.forEach((p, i) => {
      p.data.set(values[i]);
      bumpStorageVersion(p.data);
    });
  }
}
