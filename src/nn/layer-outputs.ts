import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from './module.js';

/**
 * Run model on x and return the outputs of the named sub-modules (names from namedModules(), e.g.
 * 'features.3'), for feature maps, transfer-learning features and style-transfer losses. The outputs
 * stay in the autograd graph, so losses on them can be back-propagated to x.
 */
export function getLayerOutputs(model: AnyModule, x: Tensor, names: readonly string[]): Record<string, Tensor> {
  const modules = new Map(model.namedModules());
  const unknown = names.filter((n) => !modules.has(n));
  if (unknown.length) {
    const known = [...modules.keys()].filter((k) => k).slice(0, 30);
    throw new Error(`getLayerOutputs: no layer named ${unknown.map((n) => `'${n}'`).join(', ')}; layers include: ${known.join(', ')}`);
  }
  const outputs: Record<string, Tensor> = {};
  const removers = names.map((name) =>
    modules.get(name)!.registerForwardHook((_m, _in, out) => {
      outputs[name] = out as Tensor;
    }),
  );
  try {
    model.forward(x);
  } finally {
    removers.forEach((r) => r());
  }
  return outputs;
}
