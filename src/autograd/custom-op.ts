// A differentiable op from a user's forward and backward (PyTorch's torch.autograd.Function): guided
// backprop, custom losses, straight-through estimators. The forward runs with recording off, so whatever it
// does (ops or plain loops over .data) runs on every backend; the backward gets the upstream gradient and
// returns one gradient per input.
import { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { record } from './node.js';
import { noGrad } from './grad-mode.js';

export interface CustomOpContext<I extends Tensor[]> {
  /** The inputs of this call. */
  readonly inputs: I;
  /** The output of this call (set once forward has returned). */
  readonly output: Tensor;
  /** Values kept by forward for backward (ctx.save(...)), in order. */
  readonly saved: unknown[];
  save(...values: unknown[]): void;
}

export interface CustomOpDefinition<I extends Tensor[]> {
  /** Names the op in the graph and in errors. */
  name: string;
  /** Computes the output; runs without recording. */
  forward(ctx: CustomOpContext<I>, ...inputs: I): Tensor;
  /** dL/d(input) for each input, given dL/d(output) (null: no gradient for that input). Runs without recording. */
  backward(ctx: CustomOpContext<I>, dy: Tensor): ReadonlyArray<Tensor | null>;
}

/** Returns the differentiable op. */
export function customOp<I extends Tensor[]>(def: CustomOpDefinition<I>): (...inputs: I) => Tensor {
  const { name } = def;
  return (...inputs: I): Tensor => {
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`${name}: input ${i} is not a Tensor (got ${typeof t})`);
    });
    if (inputs.some((t) => t.isShapeOnly)) {
      const shapes = inputs.map((t) => formatShape(t.shape)).join(', ');
      throw new Error(`${name}: a custom op has no shape rule, so it cannot take shape-only inputs (${shapes}; summary() passes them)`);
    }
    const saved: unknown[] = [];
    let output: Tensor | null = null;
    const ctx: CustomOpContext<I> = {
      inputs,
      get output(): Tensor {
        if (!output) throw new Error(`${name}: ctx.output is only available in backward`);
        return output;
      },
      saved,
      save: (...values) => void saved.push(...values),
    };
    const result = noGrad(() => def.forward(ctx, ...inputs));
    if (!(result instanceof Tensor)) throw new Error(`${name}: forward must return a Tensor, got ${typeof result}`);
    // An input returned as is gets a tensor of its own, so recording never rewrites the input's graph node.
    output = inputs.includes(result) ? result.detach() : result;
    return record(output, name, inputs, (dy) => {
      const grads = noGrad(() => def.backward(ctx, dy));
      if (!Array.isArray(grads) || grads.length !== inputs.length) {
        throw new Error(`${name}: backward must return an array of ${inputs.length} gradients (one per input, null for none), got ${Array.isArray(grads) ? grads.length : typeof grads}`);
      }
      return grads.map((g, i) => {
        if (g === null) return null;
        if (!(g instanceof Tensor) || !shapesEqual(g.shape, inputs[i].shape)) {
          const got = g instanceof Tensor ? `shape ${formatShape(g.shape)}` : typeof g;
          throw new Error(`${name}: backward's gradient for input ${i} must be a Tensor of shape ${formatShape(inputs[i].shape)}, got ${got}`);
        }
        return () => g;
      });
    });
  };
}
