// Loading a PyTorch-style state dict (names like 'features.0.weight', 'bn1.running_mean') into a ConvKit
// module whose children carry the same names: batch-norm statistics are renamed to camelCase, the
// 'num_batches_tracked' counters are dropped, and convolution and dense weights are converted to ConvKit's
// layouts according to the module that owns them; a Linear that reads a flattened feature map also gets its
// rows reordered from PyTorch's (c, h, w) flatten order to ConvKit's (h, w, c) (torch-flatten-order.ts). Loading itself goes through applyStateDict, so every
// missing, unexpected or mis-shaped tensor is reported at once and nothing is changed unless all fit.
import type { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';
import { Conv2d, ConvTranspose2d, Linear } from '../../nn/layers.js';
import { formatShape } from '../../tensor/shape.js';
import { applyStateDict, type ApplyStateDictResult } from '../apply-state-dict.js';
import { fromOIHW, fromOutIn } from './torch-layout.js';
import { flattenedLinearInputs, fromOutCHW } from './torch-flatten-order.js';

const TORCH_BUFFER_NAMES: Record<string, string> = { running_mean: 'runningMean', running_var: 'runningVar' };

export interface LoadTorchStateDictOptions {
  /** Map a PyTorch name onto the module's naming before anything else; return null to skip the tensor. */
  rename?: (torchName: string) => string | null;
  /** Missing and unexpected names are errors (default true). */
  strict?: boolean;
  source?: string;
  /**
   * [height, width, channels] of one input image: the model is run once on zeros of that shape to find the
   * Linear layers that read a flattened feature map. Default: the model's own (the zoo models' inputSize
   * and inChannels). Required for other models that have both convolutions and Linear layers.
   */
  inputShape?: readonly [number, number, number];
}

/** 'layer1.0.bn1.running_var' -> 'layer1.0.bn1.runningVar'; null for 'num_batches_tracked'. */
export function torchToConvKitName(name: string): string | null {
  const dot = name.lastIndexOf('.');
  const leaf = name.slice(dot + 1);
  if (leaf === 'num_batches_tracked') return null;
  return Object.hasOwn(TORCH_BUFFER_NAMES, leaf) ? name.slice(0, dot + 1) + TORCH_BUFFER_NAMES[leaf] : name;
}

/** Convert a tensor to ConvKit's layout if its owner is a convolution or dense layer's weight. */
function toConvKitLayout(name: string, tensor: Tensor, modules: Map<string, Module>, flattened: Map<string, [number, number, number]>): Tensor {
  const dot = name.lastIndexOf('.');
  if (name.slice(dot + 1) !== 'weight') return tensor;
  const ownerName = dot < 0 ? '' : name.slice(0, dot);
  const owner = modules.get(ownerName);
  if (owner instanceof Conv2d) return fromOIHW(tensor);
  // PyTorch's [in, out/groups, kH, kW] takes the same permutation to ConvKit's [kH, kW, out/groups, in].
  if (owner instanceof ConvTranspose2d) return fromOIHW(tensor);
  const map = flattened.get(ownerName);
  // A mis-shaped weight is transposed as it is, for applyStateDict to report with the rest.
  const reads = map && tensor.ndim === 2 && tensor.shape[1] === map[0] * map[1] * map[2];
  if (owner instanceof Linear) return reads ? fromOutCHW(tensor, map) : fromOutIn(tensor);
  return tensor;
}

/** The input shape to trace the model with: the option, or the model's own inputSize and inChannels. */
function traceInputShape(module: Module, options: LoadTorchStateDictOptions): readonly [number, number, number] | null {
  if (options.inputShape) {
    const shape = options.inputShape;
    if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new Error(`loadTorchStateDict: inputShape must be [height, width, channels] of positive integers, got ${formatShape(shape)}`);
    }
    return shape;
  }
  const own = module as unknown as { inputSize?: unknown; inChannels?: unknown };
  if (Number.isInteger(own.inputSize) && Number.isInteger(own.inChannels)) return [own.inputSize as number, own.inputSize as number, own.inChannels as number];
  return null;
}

export function loadTorchStateDict(module: Module, tensors: Record<string, Tensor>, options: LoadTorchStateDictOptions = {}): ApplyStateDictResult {
  const modules = new Map(module.namedModules());
  const kinds = [...modules.values()];
  let flattened = new Map<string, [number, number, number]>();
  if (kinds.some((m) => m instanceof Conv2d) && kinds.some((m) => m instanceof Linear)) {
    const inputShape = traceInputShape(module, options);
    if (!inputShape) {
      throw new Error(
        `loadTorchStateDict: ${module.constructor.name} has convolutions and Linear layers; pass inputShape [height, width, channels] ` +
          `so that a Linear after a Flatten gets its rows reordered from PyTorch's (c, h, w) to ConvKit's (h, w, c)`,
      );
    }
    flattened = flattenedLinearInputs(module, inputShape);
  }
  const state: Record<string, Tensor> = {};
  for (const [torchName, tensor] of Object.entries(tensors)) {
    const renamed = options.rename ? options.rename(torchName) : torchName;
    const name = renamed === null ? null : torchToConvKitName(renamed);
    if (name === null) continue;
    if (Object.hasOwn(state, name)) throw new Error(`loadTorchStateDict: '${torchName}' and another tensor both map to '${name}'`);
    state[name] = toConvKitLayout(name, tensor, modules, flattened);
  }
  return applyStateDict(module, state, { strict: options.strict, source: options.source ?? 'loadTorchStateDict' });
}
