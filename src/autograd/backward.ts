import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from './grad-mode.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add } from '../ops/arithmetic.js';
import { sumTo } from '../ops/reduce.js';
import { onesLike } from '../tensor/create.js';

/** Tensors reachable from root through recorded ops, in reverse topological order (root first). */
function reverseTopological(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: deep networks would overflow the call stack with recursion.
  const stack: Array<[Tensor, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/**
 * Back-propagate from root: fills .grad on every leaf that requires a gradient (parameters and inputs
 * alike) and on tensors marked with retainGrad(). Gradients accumulate across calls until zeroed.
 */
export function backward(root: Tensor, grad?: Tensor): void {
  if (root.isShapeOnly) {
    throw new Error(`backward: this ${formatShape(root.shape)} tensor is shape-only (shape inference, no values): ops on shape-only tensors are not recorded`);
  }
  if (!root.requiresGrad) {
    throw new Error('backward: this tensor does not require a gradient (no input of the computation had requiresGrad = true)');
  }
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new Error(`backward: output of shape ${formatShape(root.shape)} is not a scalar; pass the gradient of the output explicitly`);
    }
    grad = onesLike(root);
  } else if (!shapesEqual(grad.shape, root.shape)) {
    throw new Error(`backward: gradient shape ${formatShape(grad.shape)} does not match output shape ${formatShape(root.shape)}`);
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>([[root, grad!]]);
    for (const t of reverseTopological(root)) {
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t); // free memory as soon as a gradient is consumed
      if (!t.node || t.retainsGrad) t.grad = t.grad ? add(t.grad, g) : g.dtype === t.dtype ? g : g.to(t.dtype);
      if (!t.node) continue;
      const fns = t.node.backward(g);
      t.node.inputs.forEach((input, i) => {
        const fn = fns[i];
        if (!input.requiresGrad || !fn) return;
        const gi = sumTo(fn(), input.shape);
        const prev = grads.get(input);
        grads.set(input, prev ? add(prev, gi) : gi);
      });
    }
  });
}
