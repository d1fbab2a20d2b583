// Batch normalisation over NHWC (statistics per channel, over batch, height and width).
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, div, mul, sqrt, sub } from './arithmetic.js';
import { mean, variance } from './reduce.js';

export interface BatchNormOptions {
  training: boolean;
  momentum?: number; // running = (1 - momentum) * running + momentum * batch, as in PyTorch
  eps?: number;
}

/**
 * y = (x - mean) / sqrt(var + eps) * weight + bias. In training, batch statistics are used and the running
 * statistics (updated in place) move towards them; in eval, the running statistics are used.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  options: BatchNormOptions,
): Tensor {
  const channels = x.shape[x.ndim - 1];
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
      throw new Error(`batchNorm: ${name} must be [${channels}] for input ${formatShape(x.shape)}, got ${formatShape(t.shape)}`);
    }
  }
  const eps = options.eps ?? 1e-5;
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  let m: Tensor;
  let v: Tensor;
  if (options.training) {
    const count = x.size / channels;
    if (count < 2) throw new Error(`batchNorm: training needs more than one value per channel, got input ${formatShape(x.shape)}`);
    m = mean(x, axes);
    v = variance(x, axes);
    if (runningMean && runningVar) {
      const momentum = options.momentum ?? 0.1;
      noGrad(() => {
        // PyTorch keeps the unbiased variance in the running estimate.
        const unbiased = mul(v, count / (count - 1));
        runningMean.copy_(add(mul(runningMean, 1 - momentum), mul(m, momentum)));
        runningVar.copy_(add(mul(runningVar, 1 - momentum), mul(unbiased, momentum)));
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNorm: eval mode needs running statistics');
    m = runningMean;
    v = runningVar;
  }
  let y = div(sub(x, m), sqrt(add(v, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}
