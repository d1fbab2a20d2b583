// Kernel entry points. Each takes (task record pointer, thread index, thread count) and does its share,
// so the same export runs on the calling thread and on every worker.
export { gemm, gemmReduce, SCRATCH_BYTES, GEMM_MR, GEMM_MC } from './gemm';
export { depthwiseForward, depthwiseBackwardInput, depthwiseBackwardFilter } from './depthwise';
export { col2im } from './col2im';
export { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward } from './pool';
export { igemm, packWeights } from './igemm';
export { padInput } from './im2col-pack';
export { filterGradDirect } from './filter-grad-direct';
export { channelAffine, channelSums } from './channel';
export { winogradFilter, winogradConv } from './winograd';
export { sgdStep, adamStep, rmspropStep } from './optim';
export { relu, reluBackward, relu6, relu6Backward, leakyRelu, leakyReluBackward } from './relu';
export { hardswish, hardswishBackward } from './hardswish';
export { silu, siluBackward } from './silu';
export { winogradFilterGrad, winogradFilterGradOut } from './winograd-filter-grad';
// The record offsets, codes and tile sizes, which the glue compares with its own when it loads the module.
export * from './layout.generated';
