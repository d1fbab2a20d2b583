// The kernel exports every thread may run; a job names its kernel by index into this list.
export const CONVKIT_KERNEL_NAMES = [
  'gemm',
  'gemmReduce',
  'packWeights',
  'igemm',
  'depthwiseForward',
  'depthwiseBackwardInput',
  'depthwiseBackwardFilter',
  'col2im',
  'filterGradDirect',
  'padInput',
  'maxPool2d',
  'maxPool2dBackward',
  'avgPool2d',
  'avgPool2dBackward',
  'channelAffine',
  'channelSums',
] as const;
