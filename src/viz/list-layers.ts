// The layers of a model by the names the viz functions take (namedModules() paths such as 'layer1.0.conv2'),
// with their output shapes, from one shape-only forward pass (no kernels run, nothing allocated).
import { Tensor } from '../tensor/tensor.js';
import { shapeOnly } from '../tensor/shape-only.js';
import type { AnyModule } from '../nn/module.js';

export interface LayerInfo {
  name: string;
  type: string;
  /** Output shape per sample ([H, W, C] for a feature map), or null where the output is not one tensor. */
  outputShape: number[] | null;
}

/** Every named sub-module in call order (a module called twice is listed once), for input [H, W, C]. */
export function listLayers(model: AnyModule, inputShape: readonly [number, number, number]): LayerInfo[] {
  const seen = new Map<string, LayerInfo>();
  const removers = model.namedModules().filter(([name]) => name !== '').map(([name, m]) =>
    m.registerForwardHook((_m, _inputs, out) => {
      if (!seen.has(name)) seen.set(name, { name, type: m.constructor.name, outputShape: out instanceof Tensor ? out.shape.slice(1) : null });
    }),
  );
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    model.forward(shapeOnly([1, ...inputShape]));
  } catch (e) {
    throw new Error(`listLayers: the forward pass of ${model.constructor.name} on input ${inputShape.join('x')} failed: ${(e as Error).message}`);
  } finally {
    removers.forEach((remove) => remove());
    for (const [m, training] of modes) m.training = training;
  }
  return [...seen.values()];
}
