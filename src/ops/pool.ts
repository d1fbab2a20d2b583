// Pooling over NHWC windows: max, average and sum (the texts name all three), and global average pooling.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { record } from '../autograd/node.js';
import { shapeOnly } from '../tensor/shape-only.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { runKernel } from '../backend/registry.js';
import type { AvgPoolMode, FloatArray, Pool2dParams } from '../backend/backend.js';
import { mean } from './reduce.js';
import { type Pair, type Padding, assertRank4, outputLength, pair, resolvePadding } from './geometry.js';

export interface Pool2dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair;
  padding?: Padding;
  ceilMode?: boolean;
  /** Average pooling only: divide by the full window including padding (PyTorch's default), except with
   * padding 'same', where only the real cells count (TensorFlow's rule). */
  countIncludePad?: boolean;
}

export function pool2dParams(shape: readonly number[], kernelSize: Pair, options: Pool2dOptions, opName: string): Pool2dParams {
  assertRank4(shape, 'input', opName);
  const [batch, inH, inW, channels] = shape;
  const kernel = pair(kernelSize, 'kernelSize', opName);
  const stride = pair(options.stride ?? kernel, 'stride', opName);
  const [padTop, padBottom, padLeft, padRight] = resolvePadding(options.padding ?? 'valid', inH, inW, kernel, stride, [1, 1], opName);
  const explicit = options.padding !== undefined && options.padding !== 'same' && options.padding !== 'valid';
  if (explicit && (Math.max(padTop, padBottom) > kernel[0] / 2 || Math.max(padLeft, padRight) > kernel[1] / 2)) {
    throw new Error(`${opName}: padding ${JSON.stringify(options.padding)} must be at most half the kernel size ${kernel[0]}x${kernel[1]}`);
  }
  if (kernel[0] > inH + padTop + padBottom || kernel[1] > inW + padLeft + padRight) {
    throw new Error(
      `${opName}: window ${kernel[0]}x${kernel[1]} is larger than the padded input ${inH + padTop + padBottom}x${inW + padLeft + padRight} (input [${shape.join(', ')}])`,
    );
  }
  const ceil = options.ceilMode ?? false;
  return {
    batch,
    inH,
    inW,
    channels,
    outH: outputLength(inH, padTop, padBottom, kernel[0], stride[0], 1, ceil),
    outW: outputLength(inW, padLeft, padRight, kernel[1], stride[1], 1, ceil),
    kH: kernel[0],
    kW: kernel[1],
    strideH: stride[0],
    strideW: stride[1],
    padTop,
    padLeft,
    countIncludePad: options.countIncludePad ?? options.padding !== 'same',
  };
}

function checkFloat(x: Tensor, opName: string): void {
  if (!isFloat(x.dtype)) throw new Error(`${opName}: expects a float tensor, got ${x.dtype}`);
}

/** Largest value in each window. */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  checkFloat(x, 'maxPool2d');
  const p = pool2dParams(x.shape, kernelSize, options, 'maxPool2d');
  if (x.isShapeOnly) return shapeOnly([p.batch, p.outH, p.outW, p.channels], { dtype: x.dtype });
  const n = p.batch * p.outH * p.outW * p.channels;
  const y = allocate(x.dtype, n) as FloatArray;
  // The winners are only needed for a gradient: inference skips recording them.
  const argmax = isGradEnabled() && x.requiresGrad ? new Int32Array(n) : null;
  runKernel('maxPool2d', p, x.data as FloatArray, y, argmax);
  const out = new Tensor(y, [p.batch, p.outH, p.outW, p.channels]);
  return record(out, 'maxPool2d', [x], (dy) => [
    () => {
      const dx = allocate(x.dtype, x.size) as FloatArray;
      runKernel('maxPool2dBackward', p, dy.data as FloatArray, argmax!, dx);
      return new Tensor(dx, x.shape);
    },
  ]);
}

function windowPool(x: Tensor, kernelSize: Pair, options: Pool2dOptions, mode: AvgPoolMode, opName: string): Tensor {
  checkFloat(x, opName);
  const p = pool2dParams(x.shape, kernelSize, options, opName);
  if (x.isShapeOnly) return shapeOnly([p.batch, p.outH, p.outW, p.channels], { dtype: x.dtype });
  const y = allocate(x.dtype, p.batch * p.outH * p.outW * p.channels) as FloatArray;
  runKernel('avgPool2d', p, mode, x.data as FloatArray, y);
  const out = new Tensor(y, [p.batch, p.outH, p.outW, p.channels]);
  return record(out, opName, [x], (dy) => [
    () => {
      const dx = allocate(x.dtype, x.size) as FloatArray;
      runKernel('avgPool2dBackward', p, mode, dy.data as FloatArray, dx);
      return new Tensor(dx, x.shape);
    },
  ]);
}

/** Mean of each window. */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  return windowPool(x, kernelSize, options, 'avg', 'avgPool2d');
}

/** Sum of each window. */
export function sumPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  return windowPool(x, kernelSize, options, 'sum', 'sumPool2d');
}

/** Mean over height and width: [N, H, W, C] -> [N, C] (or [N, 1, 1, C] with keepDims). */
export function globalAvgPool2d(x: Tensor, keepDims = false): Tensor {
  assertRank4(x.shape, 'input', 'globalAvgPool2d');
  return mean(x, [1, 2], keepDims);
}
