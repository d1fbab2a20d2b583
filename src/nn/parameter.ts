import { Tensor } from '../tensor/tensor.js';
import { markWeightStorage } from '../tensor/version.js';

/** A tensor that a Module owns as a learnable weight: requiresGrad is on unless frozen. */
export class Parameter extends Tensor {
  constructor(t: Tensor, requiresGrad = true) {
    super(t.isShapeOnly ? t.dtype : t.data, t.shape, requiresGrad);
    if (!t.isShapeOnly) markWeightStorage(t.data); // the wasm backend keeps it packed from its first use
  }
}
