// Batch normalisation over NHWC (statistics per channel, over batch, height and width).
// A primitive with fused per-channel loops: as four broadcast elementwise ops it cost as much as all the
// convolutions of an eval-mode MobileNetV2 pass.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { record, type GradFn } from '../autograd/node.js';

export interface BatchNormOptions {
  training: boolean;
  momentum?: number; // running = (1 - momentum) * running + momentum * batch, as in PyTorch
  eps?: number;
}

/** Per-channel mean and biased variance of x viewed as [rows, C]. */
function channelStats(x: Tensor, channels: number): { mean: Float64Array; variance: Float64Array } {
  const rows = x.size / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const d = x.data;
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) mean[c] += d[r * channels + c];
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const t = d[r * channels + c] - mean[c];
      variance[c] += t * t;
    }
  }
  for (let c = 0; c < channels; c++) variance[c] /= rows;
  return { mean, variance };
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
  if (!isFloat(x.dtype)) throw new Error(`batchNorm: expects a float tensor, got ${x.dtype}`);
  const channels = x.shape[x.ndim - 1];
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
      throw new Error(`batchNorm: ${name} must be [${channels}] for input ${formatShape(x.shape)}, got ${formatShape(t.shape)}`);
    }
  }
  const eps = options.eps ?? 1e-5;
  const rows = x.size / channels;
  let mean: ArrayLike<number>;
  let variance: ArrayLike<number>;
  if (options.training) {
    if (rows < 2) throw new Error(`batchNorm: training needs more than one value per channel, got input ${formatShape(x.shape)}`);
    ({ mean, variance } = channelStats(x, channels));
    if (runningMean && runningVar) {
      const momentum = options.momentum ?? 0.1;
      const unbiased = rows / (rows - 1); // PyTorch keeps the unbiased variance in the running estimate
      for (let c = 0; c < channels; c++) {
        runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * mean[c];
        runningVar.data[c] = (1 - momentum) * runningVar.data[c] + momentum * variance[c] * unbiased;
      }
    }
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNorm: eval mode needs running statistics');
    mean = runningMean.data;
    variance = runningVar.data;
  }
  const invStd = Float64Array.from({ length: channels }, (_, c) => 1 / Math.sqrt(variance[c] + eps));
  // y = x * scale + shift per channel
  const scale = Float64Array.from({ length: channels }, (_, c) => invStd[c] * (weight ? weight.data[c] : 1));
  const shift = Float64Array.from({ length: channels }, (_, c) => (bias ? bias.data[c] : 0) - mean[c] * scale[c]);
  const xd = x.data;
  const y = allocate(x.dtype, x.size);
  for (let r = 0; r < rows; r++) {
    const o = r * channels;
    for (let c = 0; c < channels; c++) y[o + c] = xd[o + c] * scale[c] + shift[c];
  }
  const out = new Tensor(y, x.shape);

  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(out, 'batchNorm', inputs, (dy) => {
    const g = dy.data;
    // Per-channel sums of dy and of dy * xhat, shared by all three gradients.
    const sumDy = new Float64Array(channels);
    const sumDyXhat = new Float64Array(channels);
    for (let r = 0; r < rows; r++) {
      const o = r * channels;
      for (let c = 0; c < channels; c++) {
        sumDy[c] += g[o + c];
        sumDyXhat[c] += g[o + c] * (xd[o + c] - mean[c]) * invStd[c];
      }
    }
    const dx: GradFn = () => {
      const d = allocate(x.dtype, x.size);
      for (let r = 0; r < rows; r++) {
        const o = r * channels;
        for (let c = 0; c < channels; c++) {
          if (!options.training) {
            d[o + c] = g[o + c] * scale[c];
          } else {
            // Through the batch statistics: (scale / N) * (N*dy - sum(dy) - xhat * sum(dy*xhat))
            const xhat = (xd[o + c] - mean[c]) * invStd[c];
            d[o + c] = (scale[c] / rows) * (rows * g[o + c] - sumDy[c] - xhat * sumDyXhat[c]);
          }
        }
      }
      return new Tensor(d, x.shape);
    };
    const perChannel = (values: Float64Array, like: Tensor): Tensor => {
      const d = allocate(like.dtype, channels);
      d.set(values);
      return new Tensor(d, [channels]);
    };
    return [dx, ...(weight ? [() => perChannel(sumDyXhat, weight)] : []), ...(bias ? [() => perChannel(sumDy, bias)] : [])];
  });
}
