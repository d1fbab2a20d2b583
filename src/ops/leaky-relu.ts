// Leaky ReLU, x for x > 0 and negativeSlope * x otherwise: Darknet's and face-api's detectors put one after
// every conv, so it and its gradient run as kernels (SIMD in the wasm backend) rather than loops in the op.
import type { FloatArray } from '../backend/backend.js';
import { leakyReluBackwardRef, leakyReluRef } from '../backend/js/pointwise.js';
import { defineReferenceKernel, runKernel } from '../backend/registry.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { record } from '../autograd/node.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    leakyRelu: [x: FloatArray, y: FloatArray, negativeSlope: number];
    leakyReluBackward: [x: FloatArray, dy: FloatArray, dx: FloatArray, negativeSlope: number];
  }
}

defineReferenceKernel('leakyRelu', leakyReluRef);
defineReferenceKernel('leakyReluBackward', leakyReluBackwardRef);

/** x for x > 0, negativeSlope * x otherwise. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (!isFloat(x.dtype)) throw new Error(`leakyRelu: expects a float tensor, got ${x.dtype}`);
  if (x.isShapeOnly) return shapeOnly(x.shape, { dtype: x.dtype });
  const xs = x.data as FloatArray;
  const y = allocate(x.dtype, x.size) as FloatArray;
  runKernel('leakyRelu', xs, y, negativeSlope);
  return record(new Tensor(y, x.shape), 'leakyRelu', [x], (dy) => [
    () => {
      const dx = allocate(x.dtype, x.size) as FloatArray;
      runKernel('leakyReluBackward', xs, dy.to(x.dtype).data as FloatArray, dx, negativeSlope);
      return new Tensor(dx, x.shape);
    },
  ]);
}
