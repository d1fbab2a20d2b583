// RMSprop with smoothing constant alpha, optional momentum, the centered variant and weight decay
// (torch.optim.RMSprop).
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { Optimizer, type OptimizerParams, type ParamGroup } from './optimizer.js';
import { asFloat, checkLengths, checkBoolean, checkNonNegative } from './check-hyper.js';
import { runKernel } from '../backend/registry.js';
import { bumpStorageVersion } from '../tensor/version.js';
import type { RmspropStep } from '../backend/backend.js';

export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the running average of squared gradients. */
  alpha: number;
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its raw second moment. */
  centered: boolean;
  maximize: boolean;
}

export interface RMSpropBuffers {
  squareAvg: TypedArray;
  /** Needed only with momentum > 0. */
  momentumBuffer: TypedArray | null;
  /** Needed only when centered. */
  gradAvg: TypedArray | null;
}

/**
 * One RMSprop update of `param` in place (on the active backend), torch's single-tensor form:
 *   g = grad + weightDecay * param;   s = alpha * s + (1 - alpha) * g^2
 *   centered: a = alpha * a + (1 - alpha) * g;  denom = sqrt(s - a^2) + eps,   otherwise denom = sqrt(s) + eps
 *   momentum > 0: buf = momentum * buf + g / denom;  param -= lr * buf,   otherwise param -= lr * g / denom
 */
export function rmspropUpdate(param: TypedArray, grad: TypedArray, buffers: RMSpropBuffers, h: RMSpropOptions): void {
  const { squareAvg, momentumBuffer, gradAvg } = buffers;
  if (h.momentum > 0 && !momentumBuffer) throw new Error('rmspropUpdate: momentum > 0 needs a momentum buffer');
  if (h.centered && !gradAvg) throw new Error('rmspropUpdate: centered needs a gradAvg buffer');
  checkLengths('rmspropUpdate', param, { grad, squareAvg, momentumBuffer, gradAvg });
  const step: RmspropStep = { lr: h.lr, alpha: h.alpha, eps: h.eps, weightDecay: h.weightDecay, momentum: h.momentum, sign: h.maximize ? -1 : 1 };
  const f = (a: TypedArray) => asFloat(a, 'rmspropUpdate');
  runKernel('rmspropStep', step, f(param), f(grad), f(squareAvg), h.momentum > 0 ? f(momentumBuffer!) : null, h.centered ? f(gradAvg!) : null);
  bumpStorageVersion(param); // packed copies of the old values are stale
}

type RMSpropState = { step?: number; squareAvg?: Tensor; momentumBuffer?: Tensor; gradAvg?: Tensor };

/** `new RMSprop(model.parameters(), { lr: 1e-2, alpha: 0.99 })`. */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: OptimizerParams<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, options, {
      name: 'RMSprop',
      defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
      stateTensors: ['squareAvg', 'momentumBuffer', 'gradAvg'],
      stateScalars: ['step'],
    });
  }

  protected validate(h: RMSpropOptions): void {
    checkNonNegative('RMSprop', 'lr', h.lr);
    checkNonNegative('RMSprop', 'alpha', h.alpha);
    checkNonNegative('RMSprop', 'eps', h.eps);
    checkNonNegative('RMSprop', 'weightDecay', h.weightDecay);
    checkNonNegative('RMSprop', 'momentum', h.momentum);
    checkBoolean('RMSprop', 'centered', h.centered);
    checkBoolean('RMSprop', 'maximize', h.maximize);
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: RMSpropState, group: ParamGroup<RMSpropOptions>): void {
    state.step = (state.step ?? 0) + 1;
    const buffers: RMSpropBuffers = {
      squareAvg: this.stateTensor(state, 'squareAvg', param).data,
      momentumBuffer: group.momentum > 0 ? this.stateTensor(state, 'momentumBuffer', param).data : null,
      gradAvg: group.centered ? this.stateTensor(state, 'gradAvg', param).data : null,
    };
    rmspropUpdate(param.data, grad.data, buffers, group);
  }
}
