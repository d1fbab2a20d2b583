// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay (torch.optim.SGD).
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { Optimizer, type OptimizerParams, type ParamGroup } from './optimizer.js';
import { asFloat, checkLengths, checkBoolean, checkNonNegative } from './check-hyper.js';
import { runKernel } from '../backend/registry.js';
import { bumpStorageVersion } from '../tensor/version.js';
import type { SgdStep } from '../backend/backend.js';

export interface SGDOptions {
  lr: number;
  /** Momentum factor; 0 turns momentum off (no buffer is kept). */
  momentum: number;
  /** Dampening for momentum: the buffer adds (1 - dampening) * gradient. */
  dampening: number;
  /** L2 penalty: weightDecay * param is added to the gradient. */
  weightDecay: number;
  nesterov: boolean;
  /** Ascend instead of descend (for filter visualisation and other gradient ascent). */
  maximize: boolean;
}

/**
 * One SGD update of `param` in place (on the active backend), in torch's single-tensor form:
 *   d = grad + weightDecay * param
 *   buf = d (first step) or momentum * buf + (1 - dampening) * d
 *   d = nesterov ? d + momentum * buf : buf
 *   param -= lr * d
 * `momentumBuffer` is needed when momentum != 0; `firstStep` says it holds no history yet.
 */
export function sgdUpdate(param: TypedArray, grad: TypedArray, momentumBuffer: TypedArray | null, firstStep: boolean, h: SGDOptions): void {
  if (h.momentum !== 0 && !momentumBuffer) throw new Error('sgdUpdate: momentum != 0 needs a momentum buffer');
  checkLengths('sgdUpdate', param, { grad, momentumBuffer });
  const step: SgdStep = {
    lr: h.lr, momentum: h.momentum, keep: 1 - h.dampening, weightDecay: h.weightDecay, nesterov: h.nesterov,
    sign: h.maximize ? -1 : 1, firstStep,
  };
  runKernel('sgdStep', step, asFloat(param, 'sgdUpdate'), asFloat(grad, 'sgdUpdate'), momentumBuffer && asFloat(momentumBuffer, 'sgdUpdate'));
  bumpStorageVersion(param); // packed copies of the old values are stale
}

type SGDState = { momentumBuffer?: Tensor };

/**
 * `new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 })` or per-group settings
 * `new SGD([{ params: backbone, lr: 1e-3 }, { params: head }], { lr: 1e-2 })`.
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: OptimizerParams<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, options, {
      name: 'SGD',
      defaults: { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
      stateTensors: ['momentumBuffer'],
      stateScalars: [],
    });
  }

  protected validate(h: SGDOptions): void {
    checkNonNegative('SGD', 'lr', h.lr);
    checkNonNegative('SGD', 'momentum', h.momentum);
    checkNonNegative('SGD', 'dampening', h.dampening);
    checkNonNegative('SGD', 'weightDecay', h.weightDecay);
    checkBoolean('SGD', 'nesterov', h.nesterov);
    checkBoolean('SGD', 'maximize', h.maximize);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new Error(`SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${h.momentum}, dampening ${h.dampening}`);
    }
  }

  protected updateParameter(param: Tensor, grad: Tensor, state: SGDState, group: ParamGroup<SGDOptions>): void {
    const firstStep = state.momentumBuffer === undefined;
    const buffer = group.momentum !== 0 ? this.stateTensor(state, 'momentumBuffer', param).data : null;
    sgdUpdate(param.data, grad.data, buffer, firstStep, group);
  }
}
