import { Tensor } from '../tensor/tensor.js';

/** A tensor that a Module owns as a learnable weight: requiresGrad is on unless frozen. */
export class Parameter extends Tensor {
  constructor(t: Tensor, requiresGrad = true) {
    super(t.isShapeOnly ? t.dtype : t.data, t.shape, requiresGrad);
  }
}
