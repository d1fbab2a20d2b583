// gradcheck: compare backward() with central differences in float64, for tests and for users' own ops.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Generator } from '../util/random.js';
import { noGrad } from './grad-mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw with details on a mismatch (default) or return false. */
  raiseException?: boolean;
}

/**
 * Checks the gradients of fn at float64 inputs. A non-scalar output is reduced to sum(output * r) with a
 * fixed random r, so every output element's gradient is exercised. Inputs with requiresGrad are checked.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  for (const t of inputs) {
    if (t.requiresGrad && t.dtype !== 'float64') {
      throw new Error(`gradcheck: inputs that require a gradient must be float64 (got ${t.dtype} ${formatShape(t.shape)}); use .to('float64')`);
    }
  }
  const probe = noGrad(() => fn(...inputs));
  const g = new Generator(1234);
  const weights = new Tensor(Float64Array.from({ length: probe.size }, () => g.uniform(0.5, 1.5)), probe.shape);
  const scalar = (): number => {
    const y = noGrad(() => fn(...inputs));
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i] * weights.data[i];
    return s;
  };

  for (const t of inputs) t.grad = null;
  fn(...inputs).mul(weights).sum().backward();

  for (const [k, t] of inputs.entries()) {
    if (!t.requiresGrad) continue;
    const analytic = t.grad?.data ?? new Float64Array(t.size);
    for (let i = 0; i < t.size; i++) {
      const orig = t.data[i];
      const perturb = (value: number) => ((t.data[i] = value), t.bumpVersion());
      perturb(orig + eps);
      const plus = scalar();
      perturb(orig - eps);
      const minus = scalar();
      perturb(orig);
      const numeric = (plus - minus) / (2 * eps);
      if (!(Math.abs(analytic[i] - numeric) <= atol + rtol * Math.abs(numeric))) {
        if (!raiseException) return false;
        throw new Error(
          `gradcheck: gradient of input ${k} ${formatShape(t.shape)} at flat index ${i} is ${analytic[i]} but central differences give ${numeric}`,
        );
      }
    }
  }
  return true;
}
