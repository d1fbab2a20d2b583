// Adam (weight decay as an L2 term in the gradient, optional AMSGrad) and AdamW (decoupled weight decay),
// following torch.optim.Adam / torch.optim.AdamW, bias correction included.
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { Optimizer, type OptimizerParams, type ParamGroup } from './optimizer.js';
import { asFloat, checkLengths, checkBoolean, checkNonNegative, checkUnitInterval } from './check-hyper.js';
import { runKernel } from '../backend/registry.js';
import { bumpStorageVersion } from '../tensor/version.js';
import type { AdamStep } from '../backend/backend.js';

export interface AdamOptions {
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay param *= 1 - lr * weightDecay. */
  weightDecay: number;
  /** Use the maximum of all past squared-gradient averages (AMSGrad). */
  amsgrad: boolean;
  maximize: boolean;
}

export interface AdamBuffers {
  expAvg: TypedArray;
  expAvgSq: TypedArray;
  /** Needed only with amsgrad. */
  maxExpAvgSq: TypedArray | null;
}

/**
 * One Adam update of `param` in place at step `step` (1 for the first update), on the active backend,
 * torch's single-tensor form:
 *   decoupled: param *= 1 - lr * weightDecay          otherwise: g = grad + weightDecay * param
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2   (vMax = max(vMax, v) with amsgrad)
 *   param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 */
export function adamUpdate(param: TypedArray, grad: TypedArray, buffers: AdamBuffers, step: number, h: AdamOptions, decoupledWeightDecay: boolean): void {
  const { expAvg, expAvgSq, maxExpAvgSq } = buffers;
  if (h.amsgrad && !maxExpAvgSq) throw new Error('adamUpdate: amsgrad needs a maxExpAvgSq buffer');
  checkLengths('adamUpdate', param, { grad, expAvg, expAvgSq, maxExpAvgSq });
  const [beta1, beta2] = h.betas;
  const adam: AdamStep = {
    decay: decoupledWeightDecay ? 1 - h.lr * h.weightDecay : 1,
    l2: decoupledWeightDecay ? 0 : h.weightDecay,
    sign: h.maximize ? -1 : 1,
    beta1,
    beta2,
    stepSize: h.lr / (1 - beta1 ** step),
    biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
    eps: h.eps,
  };
  const f = (a: TypedArray) => asFloat(a, 'adamUpdate');
  runKernel('adamStep', adam, f(param), f(grad), f(expAvg), f(expAvgSq), maxExpAvgSq ? f(maxExpAvgSq) : null);
  bumpStorageVersion(param); // packed copies of the old values are stale
}

type AdamState = { step?: number; expAvg?: Tensor; expAvgSq?: Tensor; maxExpAvgSq?: Tensor };

/** Adam and AdamW share state and maths; they differ in how weight decay applies. */
abstract class AdamFamily extends Optimizer<AdamOptions, AdamState> {
  protected constructor(
    params: OptimizerParams<AdamOptions>,
    options: Partial<AdamOptions>,
    name: string,
    defaultWeightDecay: number,
    private readonly decoupledWeightDecay: boolean,
  ) {
    super(params, options, {
      name,
      defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: defaultWeightDecay, amsgrad: false, maximize: false },
      stateTensors: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
      stateScalars: ['step'],
    });
  }

  protected validate(h: AdamOptions): void {
    checkNonNegative(this.name, 'lr', h.lr);
    if (!Array.isArray(h.betas) || h.betas.length !== 2) throw new Error(`${this.name}: betas must be [beta1, beta2], got ${JSON.stringify(h.betas)}`);
    checkUnitInterval(this.name, 'betas[0]', h.betas[0]);
    checkUnitInterval(this.name, 'betas[1]', h.betas[1]);
    checkNonNegative(this.name, 'eps', h.eps);
    checkNonNegative(this.name, 'weightDecay', h.weightDecay);
    checkBoolean(this.name, 'amsgrad', h.amsgrad);
    checkBoolean(this.name, 'maximize', h.maximize);
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamOptions>): void {
    state.step = (state.step ?? 0) + 1;
    const buffers: AdamBuffers = {
      expAvg: this.stateTensor(state, 'expAvg', param).data,
      expAvgSq: this.stateTensor(state, 'expAvgSq', param).data,
      maxExpAvgSq: group.amsgrad ? this.stateTensor(state, 'maxExpAvgSq', param).data : null,
    };
    adamUpdate(param.data, grad.data, buffers, state.step, group, this.decoupledWeightDecay);
  }
}

/** `new Adam(model.parameters(), { lr: 1e-3 })`; weightDecay (default 0) is an L2 term added to the gradient. */
export class Adam extends AdamFamily {
  constructor(params: OptimizerParams<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, 'Adam', 0, false);
  }
}

/** `new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 1e-2 })`: weights decay directly, apart from the gradient. */
export class AdamW extends AdamFamily {
  constructor(params: OptimizerParams<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, 'AdamW', 1e-2, true);
  }
}
