// ConvKit's public entry point.
import './backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { Tensor, type TensorLike } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export * from './tensor/create.js';
export { shapeOnly, buildShapeOnly } from './tensor/shape-only.js';
export * as F from './ops/functional.js';
export { concat, stack } from './ops/movement.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export { customOp, type CustomOpDefinition, type CustomOpContext } from './autograd/custom-op.js';
export { Generator, manualSeed, defaultGenerator } from './util/random.js';
export {
  setBackend, getBackend, listBackends, registerBackend, registerKernels, defineReferenceKernel, runKernel, kernelsOn, KernelDeclined,
  type Backend, type FastKernel, type KernelTable,
} from './backend/registry.js';
export {
  ready, setNumThreads, getNumThreads, setWeightCacheLimit, usingRelaxedSimd, getWasmStats, resetWasmStats, type WasmStats,
} from './backend/wasm/index.js';
export * from './optim/index.js';
export * as io from './io/index.js';
export * as models from './models/index.js';
export * from './train/index.js';
