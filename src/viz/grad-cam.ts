// Grad-CAM (Selvaraju et al., ICCV 2017): which places in a convolutional layer's map the class depends on.
// Each channel k of the layer's activation A [h, w, K] is weighted by the spatial mean of the class score's
// gradient, alpha_k = mean_ij d score / d A_ijk; the map is ReLU(sum_k alpha_k A_k), upsampled bilinearly
// (PyTorch's F.interpolate, alignCorners false) to the image.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { zerosLike } from '../tensor/create.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { interpolate } from '../ops/interpolate.js';
import type { AnyModule } from '../nn/module.js';
import { type Attribution, type AttributionOptions, asBatchOfOne, findLayer, inAttributionMode, outputsPerImage, resolveTarget } from './attribution.js';

export interface GradCamResult extends Attribution {
  /** The map at the layer's resolution [h, w], before upsampling. */
  layerMap: Tensor;
}

/** Grad-CAM of the target class at the named layer (any layer whose output is a map [1, h, w, channels]). */
export function gradCam(model: AnyModule, image: Tensor, layerName: string, options: AttributionOptions = {}): GradCamResult {
  const x = asBatchOfOne(image, 'gradCam');
  const layer = findLayer(model, layerName, 'gradCam');
  return inAttributionMode(model, () => {
    const activations: Tensor[] = [];
    // The layer's output becomes the graph's leaf (the parameters are frozen and the image needs no
    // gradient): the backward pass stops there instead of differentiating the layers below it.
    const remove = layer.registerForwardHook((_m, _inputs, out) => {
      activations.push((out as Tensor).requiresGrad_().retainGrad());
    });
    let outputs: Tensor;
    try {
      outputs = enableGrad(() => outputsPerImage(model.forward(x), 1, 'gradCam'));
    } finally {
      remove();
    }
    if (activations.length !== 1) {
      throw new Error(`gradCam: layer '${layerName}' ran ${activations.length} times in one forward pass; Grad-CAM needs a layer that runs once`);
    }
    const a = activations[0];
    if (a.ndim !== 4 || a.shape[0] !== 1) {
      throw new Error(`gradCam: layer '${layerName}' gives a ${formatShape(a.shape)} output; Grad-CAM needs a convolutional map [1, h, w, channels]`);
    }
    const target = resolveTarget(outputs, options.target, 'gradCam');
    const score = outputs.narrow(1, target, 1);
    // A score that does not depend on the layer (no path, or a constant output) has a zero gradient.
    if (score.requiresGrad) score.sum().backward();
    const gradient = a.grad ?? zerosLike(a);
    return noGrad(() => {
      const [, h, w] = a.shape;
      const alpha = gradient.mean([1, 2], true); // [1, 1, 1, K]
      const weighted = a.detach().mul(alpha).sum(3, true).relu(); // [1, h, w, 1]
      const map = interpolate(weighted, { size: [x.shape[1], x.shape[2]], mode: 'bilinear' });
      return { map: map.reshape([x.shape[1], x.shape[2]]), layerMap: weighted.reshape([h, w]), target, score: Number(score.item()) };
    });
  });
}
