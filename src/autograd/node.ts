import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

/** A lazily computed gradient for one input: only called when that input needs a gradient. */
export type GradFn = (() => Tensor) | null;

/** The record an op leaves on its output: its inputs and its backward rule. */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Given dL/d(output), return for each input a thunk giving dL/d(input) (or null if not differentiable). */
  backward(dy: Tensor): GradFn[];
}

/**
 * Attach a backward rule to an op's freshly made output when recording is on and any input needs a
 * gradient (never to a shape-only output: it has no values to differentiate). Returns the output for chaining.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: (dy: Tensor) => GradFn[]): Tensor {
  if (isGradEnabled() && !out.isShapeOnly && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, inputs, backward };
  }
  return out;
}
