// convkit optimisers: SGD, Adam, AdamW, RMSprop, L-BFGS, learning-rate schedules and gradient clipping.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export {
  Optimizer,
  type BaseHyperParams,
  type ParamGroup,
  type ParamGroupInput,
  type OptimizerParams,
  type ParamState,
  type OptimizerSpec,
  type OptimizerStateDict,
  type OptimizerMeta,
} from './optimizer.js';
export { SGD, sgdUpdate, type SGDOptions } from './sgd.js';
export { Adam, AdamW, adamUpdate, type AdamOptions, type AdamBuffers } from './adam.js';
export { LBFGS, lbfgsDirection, type LBFGSOptions, type LossClosure } from './lbfgs.js';
export { strongWolfe, cubicInterpolate, type DirectionalObjective, type StrongWolfeOptions, type LineSearchResult } from './strong-wolfe.js';
export { RMSprop, rmspropUpdate, type RMSpropOptions, type RMSpropBuffers } from './rmsprop.js';
export {
  LRScheduler,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  type SchedulableOptimizer,
  type LrFormula,
  type LRSchedulerState,
} from './lr-scheduler.js';
export { LinearWarmup, warmup, type LinearWarmupOptions } from './linear-warmup.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip-grad.js';
