// Batch normalisation over NHWC (statistics per channel, over batch, height and width).
// A primitive on the backend's per-channel kernels (sums, affine map): as four broadcast elementwise ops it
// cost as much as all the convolutions of an eval-mode MobileNetV2 pass.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { record, type GradFn } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { runKernel } from '../backend/registry.js';
import type { FloatArray } from '../backend/backend.js';
import { reluBackwardFromOutput } from './activation.js';

export interface BatchNormOptions {
  training: boolean;
  /**
   * running = (1 - momentum) * running + momentum * batch, as in PyTorch; in [0, 1], default 0.1. PyTorch's
   * `momentum: None` (a cumulative average) needs the count of batches seen: BatchNorm2d({ momentum: null })
   * keeps it and passes 1 / count here.
   */
  momentum?: number;
  eps?: number;
  /** 'relu': relu(batchNorm(x)) as one op (Keras's activation argument). */
  activation?: 'relu';
  /** A tensor of x's shape added to the normalised values before the activation (a residual connection). */
  residual?: Tensor;
}

/** A batch norm's momentum, checked: a number in [0, 1], or null for PyTorch's cumulative average. */
export function checkMomentum(momentum: unknown, where: string): number | null {
  if (momentum === null) return null;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new Error(`${where}: momentum must be a number in [0, 1], or null for the cumulative average, got ${typeof momentum === 'string' ? JSON.stringify(momentum) : String(momentum)}`);
  }
  return momentum;
}

/** Per-channel mean and biased variance of x viewed as [rows, C], in float64. */
function channelStats(xd: FloatArray, channels: number): { mean: Float64Array; variance: Float64Array } {
  const rows = xd.length / channels;
  const sums = new Float64Array(channels);
  runKernel('channelSums', { channels, aCenter: null, b: null, bCenter: null }, xd, sums, null);
  const mean = sums.map((s) => s / rows);
  const squares = new Float64Array(channels);
  runKernel('channelSums', { channels, aCenter: mean, b: xd, bCenter: mean }, xd, sums, squares);
  return { mean, variance: squares.map((s) => s / rows) };
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
  const relu = options.activation !== undefined;
  if (relu && options.activation !== 'relu') {
    throw new Error(`batchNorm: activation must be 'relu' or left out, got ${JSON.stringify(options.activation)}`);
  }
  const residual = options.residual;
  if (residual && (residual.dtype !== x.dtype || !shapesEqual(residual.shape, x.shape))) {
    throw new Error(`batchNorm: residual must be ${x.dtype} ${formatShape(x.shape)} like the input, got ${residual.dtype} ${formatShape(residual.shape)}`);
  }
  const eps = options.eps ?? 1e-5;
  const momentum = checkMomentum(options.momentum === undefined ? 0.1 : options.momentum, 'batchNorm');
  if (momentum === null) {
    throw new Error('batchNorm: momentum null (the cumulative average) needs the number of batches seen: use BatchNorm2d({ momentum: null }), which counts them, or pass 1 / batches');
  }
  const rows = x.size / channels;
  if (anyShapeOnly(x, runningMean, runningVar, weight, bias, residual)) return shapeOnly(x.shape, { dtype: x.dtype });
  const xd = x.data as FloatArray;
  let mean: Float64Array;
  let variance: Float64Array;
  if (options.training) {
    if (rows < 2) throw new Error(`batchNorm: training needs more than one value per channel, got input ${formatShape(x.shape)}`);
    ({ mean, variance } = channelStats(xd, channels));
    if (runningMean && runningVar) {
      const unbiased = rows / (rows - 1); // PyTorch keeps the unbiased variance in the running estimate
      for (let c = 0; c < channels; c++) {
        runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * mean[c];
        runningVar.data[c] = (1 - momentum) * runningVar.data[c] + momentum * variance[c] * unbiased;
      }
      runningMean.bumpVersion();
      runningVar.bumpVersion();
    }
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNorm: eval mode needs running statistics');
    mean = Float64Array.from(runningMean.data as FloatArray);
    variance = Float64Array.from(runningVar.data as FloatArray);
  }
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
  // y = (x - mean) * scale + bias per channel
  const scale = invStd.map((s, c) => s * (weight ? weight.data[c] : 1));
  const shift = bias ? Float64Array.from(bias.data as FloatArray) : new Float64Array(channels);
  const y = allocate(x.dtype, x.size) as FloatArray;
  const second = residual
    ? { x2: residual.data as FloatArray, center2: new Float64Array(channels), scale2: new Float64Array(channels).fill(1) }
    : null;
  runKernel('channelAffine', { channels, center: mean, scale, shift, second, relu }, xd, y);
  const out = new Tensor(y, x.shape);

  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : []), ...(residual ? [residual] : [])];
  const op = `batchNorm${residual ? 'Add' : ''}${relu ? 'Relu' : ''}`;
  return record(out, op, inputs, (upstream) => {
    const gradOut = relu ? reluBackwardFromOutput(y, upstream) : upstream;
    const g = gradOut.data as FloatArray;
    // Per-channel sums of dy and of dy * (x - mean), shared by all three gradients.
    const sumDy = new Float64Array(channels);
    const sumDyXc = new Float64Array(channels);
    runKernel('channelSums', { channels, aCenter: null, b: xd, bCenter: mean }, g, sumDy, sumDyXc);
    const sumDyXhat = sumDyXc.map((v, c) => v * invStd[c]);
    const dx: GradFn = () => {
      const d = allocate(x.dtype, x.size) as FloatArray;
      if (!options.training) {
        runKernel('channelAffine', { channels, center: null, scale, shift: new Float64Array(channels), second: null, relu: false }, g, d);
      } else {
        // Through the batch statistics: (scale / N) * (N*dy - sum(dy) - xhat * sum(dy*xhat))
        runKernel('channelAffine', {
          channels,
          center: null,
          scale,
          shift: scale.map((s, c) => (-s * sumDy[c]) / rows),
          second: { x2: xd, center2: mean, scale2: scale.map((s, c) => (-s * invStd[c] * sumDyXhat[c]) / rows) },
          relu: false,
        }, g, d);
      }
      return new Tensor(d, x.shape);
    };
    const perChannel = (values: Float64Array, like: Tensor): Tensor => {
      const d = allocate(like.dtype, channels);
      d.set(values);
      return new Tensor(d, [channels]);
    };
    return [
      dx,
      ...(weight ? [() => perChannel(sumDyXhat, weight)] : []),
      ...(bias ? [() => perChannel(sumDy, bias)] : []),
      ...(residual ? [() => gradOut] : []),
    ];
  });
}
