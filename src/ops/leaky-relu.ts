// Leaky ReLU, x for x > 0 and negativeSlope * x otherwise: Darknet's and face-api's detectors put one after
// every conv, so it runs as a kernel (SIMD in the wasm backend) rather than a loop in the op.
import type { FloatArray } from '../backend/backend.js';
import { defineReferenceKernel, runKernel } from '../backend/registry.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { record } from '../autograd/node.js';

declare module '../backend/backend.js' {
  interface KernelSignatures {
    leakyRelu: [x: FloatArray, y: FloatArray, negativeSlope: number];
  }
}

/** The product rounded once to the array's type (a float32 array stores the float64 product). */
export function leakyReluRef(x: FloatArray, y: FloatArray, negativeSlope: number): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : negativeSlope * x[i];
}
defineReferenceKernel('leakyRelu', leakyReluRef);

/** x for x > 0, negativeSlope * x otherwise. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (!isFloat(x.dtype)) throw new Error(`leakyRelu: expects a float tensor, got ${x.dtype}`);
  if (x.isShapeOnly) return shapeOnly(x.shape, { dtype: x.dtype });
  const xs = x.data as FloatArray;
  const y = allocate(x.dtype, x.size) as FloatArray;
  runKernel('leakyRelu', xs, y, negativeSlope);
  return record(new Tensor(y, x.shape), 'leakyRelu', [x], (dy) => [
    () => {
      const dx = allocate(x.dtype, x.size);
      for (let i = 0; i < xs.length; i++) dx[i] = xs[i] > 0 ? dy.data[i] : negativeSlope * dy.data[i];
      return new Tensor(dx, x.shape);
    },
  ]);
}
