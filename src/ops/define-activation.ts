// A pointwise activation, defined once: its name, its reference kernels (forward and gradient) and which
// tensor its gradient reads. The op it returns runs the active backend's kernels by name, so a SIMD kernel
// for it is a kernel file plus one registration in the backend, and nothing here changes.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { record } from '../autograd/node.js';
import { shapeOnly } from '../tensor/shape-only.js';
import type { ActivationArgs, ActivationBackwardArgs, FloatArray, KernelArgs, KernelName } from '../backend/backend.js';
import { defineReferenceKernel, runKernel } from '../backend/registry.js';

/** Kernel names whose arguments are an activation's forward or gradient arguments. */
type NamesWith<Args> = { [K in KernelName]: KernelArgs<K> extends Args ? (Args extends KernelArgs<K> ? K : never) : never }[KernelName];

export interface ActivationDefinition<F extends NamesWith<ActivationArgs>, B extends NamesWith<ActivationBackwardArgs>> {
  /** The op's and its forward kernel's name. */
  name: F;
  /** The gradient kernel's name. */
  backwardName: B;
  /** The gradient kernel reads the activation's input (ReLU6, hardswish) or its output (sigmoid, tanh). */
  gradFrom: 'input' | 'output';
  /** y[i] = f(x[i]); y may be x. */
  reference: (...args: ActivationArgs) => void;
  /** dx[i] = dy[i] * f'(x[i]) from v = the input or output, as gradFrom says. */
  referenceBackward: (...args: ActivationBackwardArgs) => void;
}

/** Registers the reference kernels and returns the differentiable op. */
export function defineActivation<F extends NamesWith<ActivationArgs>, B extends NamesWith<ActivationBackwardArgs>>(
  def: ActivationDefinition<F, B>,
): (x: Tensor) => Tensor {
  defineReferenceKernel(def.name, def.reference as (...args: KernelArgs<F>) => void);
  defineReferenceKernel(def.backwardName, def.referenceBackward as (...args: KernelArgs<B>) => void);
  const run = runKernel as (name: KernelName, ...args: FloatArray[]) => void;
  return (x: Tensor): Tensor => {
    if (!isFloat(x.dtype)) throw new Error(`${def.name}: expects a float tensor, got ${x.dtype}`);
    if (x.isShapeOnly) return shapeOnly(x.shape, { dtype: x.dtype });
    const y = allocate(x.dtype, x.size) as FloatArray;
    run(def.name, x.data as FloatArray, y);
    const out = new Tensor(y, x.shape);
    return record(out, def.name, [x], (dy) => [
      () => {
        const dx = allocate(x.dtype, x.size) as FloatArray;
        run(def.backwardName, def.gradFrom === 'input' ? (x.data as FloatArray) : y, dy.to(x.dtype).data as FloatArray, dx);
        return new Tensor(dx, x.shape);
      },
    ]);
  };
}
