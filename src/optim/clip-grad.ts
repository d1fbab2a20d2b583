// Gradient clipping, in place on .grad, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_.
import { Tensor } from '../tensor/tensor.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling the gradients by it. */
  errorIfNonfinite?: boolean;
}

/**
 * Scale all gradients together so that their total norm (the norm of the concatenated gradients) is at most
 * maxNorm; returns the total norm before clipping. normType is p > 0 or Infinity (largest absolute value).
 * Parameters without a gradient are skipped. As in PyTorch, the scale is maxNorm / (total + 1e-6), so a norm
 * just at maxNorm is left alone.
 */
export function clipGradNorm(parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, options: ClipGradNormOptions = {}): number {
  if (!(maxNorm >= 0) || !Number.isFinite(maxNorm)) throw new Error(`clipGradNorm: maxNorm must be a finite number >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new Error(`clipGradNorm: normType must be a number > 0 or Infinity, got ${normType}`);
  const grads = gradientsOf(parameters, 'clipGradNorm');
  const total = normOf(grads, normType);
  if (!Number.isFinite(total) && options.errorIfNonfinite) {
    throw new Error(`clipGradNorm: the total gradient norm of order ${normType} is ${total}; the gradients hold NaN or infinity`);
  }
  const scale = maxNorm / (total + 1e-6);
  // NaN compares false, so a NaN norm scales (poisons) the gradients as in PyTorch unless errorIfNonfinite.
  if (!(scale >= 1)) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return total;
}

/** The total norm of the parameters' gradients (parameters without one are skipped): NaN or Infinity when any gradient value is. */
export function gradNorm(parameters: Iterable<Tensor> | Tensor, normType = 2): number {
  if (!(normType > 0)) throw new Error(`gradNorm: normType must be a number > 0 or Infinity, got ${normType}`);
  return normOf(gradientsOf(parameters, 'gradNorm'), normType);
}

function normOf(grads: Array<Tensor['data']>, normType: number): number {
  if (normType === Infinity) {
    let total = 0;
    // Math.max propagates NaN, so a NaN gradient gives a NaN norm.
    for (const g of grads) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]));
    return total;
  }
  let sum = 0;
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) sum += normType === 2 ? g[i] * g[i] : Math.abs(g[i]) ** normType;
  }
  return sum ** (1 / normType);
}

/** Clamp every gradient value to [-clipValue, clipValue] in place. */
export function clipGradValue(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0) || !Number.isFinite(clipValue)) throw new Error(`clipGradValue: clipValue must be a finite number >= 0, got ${clipValue}`);
  for (const g of gradientsOf(parameters, 'clipGradValue')) {
    for (let i = 0; i < g.length; i++) g[i] = Math.min(clipValue, Math.max(-clipValue, g[i]));
  }
}

function gradientsOf(parameters: Iterable<Tensor> | Tensor, fn: string): Array<Tensor['data']> {
  const list = parameters instanceof Tensor ? [parameters] : parameters && typeof parameters === 'object' && Symbol.iterator in parameters ? [...parameters] : null;
  if (!list) throw new Error(`${fn}: parameters must be a Tensor or a list of them (e.g. model.parameters()), got ${String(parameters)}`);
  return list.filter((p) => p.grad !== null).map((p) => p.grad!.data);
}
