// The functional forms, gathered for `import { F } from 'convkit'`: F.conv2d(x, w, b, { stride, padding }).
export { add, sub, mul, div, neg, exp, log, sqrt, rsqrt, abs, square, pow, clamp, maximum, minimum, cast } from './arithmetic.js';
export { relu, relu6, leakyRelu, sigmoid, tanh, softmax, logSoftmax, dropout } from './activation.js';
export { hardswish } from './hardswish.js';
export { normalize } from './normalize.js';
export { sum, mean, max, min, argmax, argmin, variance, sumTo } from './reduce.js';
export { reshape, flatten, permute, transpose, squeeze, unsqueeze, slice, narrow, broadcastTo, pad, concat, stack } from './movement.js';
export { matmul, linear } from './matmul.js';
export { conv2d, conv2dParams } from './conv.js';
export { maxPool2d, avgPool2d, sumPool2d, globalAvgPool2d, pool2dParams } from './pool.js';
export { batchNorm } from './norm.js';
export { crossEntropy, nllLoss, mseLoss, sumSquaredError, binaryCrossEntropyWithLogits } from './loss.js';
export { eq, gt, lt } from './compare.js';
export { outputLength, samePadding } from './geometry.js';
export type { Conv2dOptions } from './conv.js';
export type { Pool2dOptions } from './pool.js';
export type { Padding, Pair } from './geometry.js';
export type { Reduction, CrossEntropyOptions } from './loss.js';
