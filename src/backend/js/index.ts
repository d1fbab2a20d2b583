// The reference backend: plain loops, the living spec that every fast kernel must agree with.
import type { Backend } from '../backend.js';
import { matmulRef } from './matmul.js';
import { conv2dRef, conv2dBackwardInputRef, conv2dBackwardFilterRef } from './conv2d.js';
import { channelAffineRef, channelSumsRef } from './channel.js';
import { maxPool2dRef, maxPool2dBackwardRef, avgPool2dRef, avgPool2dBackwardRef } from './pool2d.js';
import { adamStepRef, rmspropStepRef, sgdStepRef } from './optim.js';
import { relu6BackwardRef, relu6Ref, reluBackwardRef, reluRef } from './pointwise.js';

export const jsBackend: Backend = {
  name: 'js',
  matmul: matmulRef,
  conv2d: conv2dRef,
  conv2dBackwardInput: conv2dBackwardInputRef,
  conv2dBackwardFilter: conv2dBackwardFilterRef,
  maxPool2d: maxPool2dRef,
  maxPool2dBackward: maxPool2dBackwardRef,
  avgPool2d: avgPool2dRef,
  avgPool2dBackward: avgPool2dBackwardRef,
  channelAffine: channelAffineRef,
  channelSums: channelSumsRef,
  relu: reluRef,
  reluBackward: reluBackwardRef,
  relu6: relu6Ref,
  relu6Backward: relu6BackwardRef,
  sgdStep: sgdStepRef,
  adamStep: adamStepRef,
  rmspropStep: rmspropStepRef,
};
