// The reference kernels of the built-in kernels that take parameter records (products, convolutions,
// pooling, per-channel maps, optimiser steps): plain loops, the living spec every fast kernel must agree
// with. The registry starts from this table; ops that bring their own kernels (the activations) register
// their reference loops where they are defined.
import type { KernelArgs, KernelName } from '../backend.js';
import { matmulRef } from './matmul.js';
import { conv2dRef, conv2dBackwardInputRef, conv2dBackwardFilterRef } from './conv2d.js';
import { channelAffineRef, channelSumsRef } from './channel.js';
import { maxPool2dRef, maxPool2dBackwardRef, avgPool2dRef, avgPool2dBackwardRef } from './pool2d.js';
import { adamStepRef, rmspropStepRef, sgdStepRef } from './optim.js';

type BuiltIn = 'matmul' | 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardFilter' | 'maxPool2d' | 'maxPool2dBackward' |
  'avgPool2d' | 'avgPool2dBackward' | 'channelAffine' | 'channelSums' | 'sgdStep' | 'adamStep' | 'rmspropStep';

export const builtInReferenceKernels: { [K in BuiltIn & KernelName]: (...args: KernelArgs<K>) => void } = {
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
  sgdStep: sgdStepRef,
  adamStep: adamStepRef,
  rmspropStep: rmspropStepRef,
};
