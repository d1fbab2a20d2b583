// Loading a PyTorch-style state dict (names like 'features.0.weight', 'bn1.running_mean') into a ConvKit
// module whose children carry the same names: batch-norm statistics are renamed to camelCase, the
// 'num_batches_tracked' counters are dropped, and convolution and dense weights are converted to ConvKit's
// layouts according to the module that owns them. Loading itself goes through applyStateDict, so every
// missing, unexpected or mis-shaped tensor is reported at once and nothing is changed unless all fit.
import type { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';
import { Conv2d, Linear } from '../../nn/layers.js';
import { applyStateDict, type ApplyStateDictResult } from '../apply-state-dict.js';
import { fromOIHW, fromOutIn } from './torch-layout.js';

const TORCH_BUFFER_NAMES: Record<string, string> = { running_mean: 'runningMean', running_var: 'runningVar' };

export interface LoadTorchStateDictOptions {
  /** Map a PyTorch name onto the module's naming before anything else; return null to skip the tensor. */
  rename?: (torchName: string) => string | null;
  /** Missing and unexpected names are errors (default true). */
  strict?: boolean;
  source?: string;
}

/** 'layer1.0.bn1.running_var' -> 'layer1.0.bn1.runningVar'; null for 'num_batches_tracked'. */
export function torchToConvKitName(name: string): string | null {
  const dot = name.lastIndexOf('.');
  const leaf = name.slice(dot + 1);
  if (leaf === 'num_batches_tracked') return null;
  return Object.hasOwn(TORCH_BUFFER_NAMES, leaf) ? name.slice(0, dot + 1) + TORCH_BUFFER_NAMES[leaf] : name;
}

/** Convert a tensor to ConvKit's layout if its owner is a convolution or dense layer's weight. */
function toConvKitLayout(name: string, tensor: Tensor, modules: Map<string, Module>): Tensor {
  const dot = name.lastIndexOf('.');
  if (name.slice(dot + 1) !== 'weight') return tensor;
  const owner = modules.get(dot < 0 ? '' : name.slice(0, dot));
  if (owner instanceof Conv2d) return fromOIHW(tensor);
  if (owner instanceof Linear) return fromOutIn(tensor);
  return tensor;
}

export function loadTorchStateDict(module: Module, tensors: Record<string, Tensor>, options: LoadTorchStateDictOptions = {}): ApplyStateDictResult {
  const modules = new Map(module.namedModules());
  const state: Record<string, Tensor> = {};
  for (const [torchName, tensor] of Object.entries(tensors)) {
    const renamed = options.rename ? options.rename(torchName) : torchName;
    const name = renamed === null ? null : torchToConvKitName(renamed);
    if (name === null) continue;
    if (Object.hasOwn(state, name)) throw new Error(`loadTorchStateDict: '${torchName}' and another tensor both map to '${name}'`);
    state[name] = toConvKitLayout(name, tensor, modules);
  }
  return applyStateDict(module, state, { strict: options.strict, source: options.source ?? 'loadTorchStateDict' });
}
