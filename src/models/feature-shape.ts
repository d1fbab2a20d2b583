// The output shape of a plain feature stack (convolutions, pools, element-wise layers) computed from the
// layers' geometry, without running it: AlexNet and VGG size their first dense layer from it.
import type { Module } from '../nn/module.js';
import { Conv2d, MaxPool2d, AvgPool2d, BatchNorm2d, ReLU, ReLU6, Dropout } from '../nn/layers.js';
import { conv2dParams } from '../ops/conv.js';
import { pool2dParams } from '../ops/pool.js';
import { LocalResponseNorm } from './local-response-norm.js';

/** [H, W, C] after the layers, or an error naming the model and the layer the input is too small for. */
export function featureShape(modelName: string, layers: readonly Module[], inputShape: readonly [number, number, number]): [number, number, number] {
  let shape = [1, ...inputShape];
  layers.forEach((layer, i) => {
    try {
      if (layer instanceof Conv2d) {
        const p = conv2dParams(shape, layer.weight.shape, layer.options);
        shape = [1, p.outH, p.outW, p.outC];
      } else if (layer instanceof MaxPool2d || layer instanceof AvgPool2d) {
        const p = pool2dParams(shape, layer.kernelSize, layer.options, layer.constructor.name);
        shape = [1, p.outH, p.outW, p.channels];
      } else if (!isShapePreserving(layer)) {
        throw new Error(`featureShape: cannot infer the output shape of ${layer.constructor.name}`);
      }
    } catch (err) {
      throw new Error(`${modelName}: input ${inputShape.join('x')} does not fit layer ${i} (${layer}): ${(err as Error).message}`);
    }
  });
  return [shape[1], shape[2], shape[3]];
}

function isShapePreserving(layer: Module): boolean {
  return [BatchNorm2d, ReLU, ReLU6, Dropout, LocalResponseNorm].some((kind) => layer instanceof kind);
}
