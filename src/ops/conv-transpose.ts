// convTranspose2d (PyTorch's conv_transpose2d; "deconvolution"): the gradient of conv2d with respect to its
// input, taken as an op of its own. So it runs on the convolution kernels: its forward is conv2d's
// input-gradient kernel, its input gradient is conv2d's forward and its weight gradient conv2d's
// filter-gradient kernel (with the roles of x and dy swapped), each with the backend's fast paths.
// NHWC input [N, H, W, inC]; weight [kH, kW, outC/groups, inC] (TensorFlow's conv2dTranspose filter layout;
// PyTorch's [inC, outC/groups, kH, kW] permuted (2, 3, 1, 0)); output [N, outH, outW, outC] with
// outH = (H - 1) * strideH - 2 * padH + dilationH * (kH - 1) + outputPaddingH + 1.
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat, promote } from '../tensor/dtype.js';
import { allocateTensor } from '../tensor/allocation.js';
import { formatShape } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { runKernel } from '../backend/registry.js';
import type { Conv2dParams, FloatArray } from '../backend/backend.js';
import { sum } from './reduce.js';
import { type Pair, assertRank4, pair } from './geometry.js';

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Rows and columns taken off each side of the full output (PyTorch's padding: dilation * (k - 1) - padding is added to the input). */
  padding?: Pair;
  /** Extra rows and columns on the bottom and right only, to pick among the sizes a strided conv maps to one size; smaller than stride or dilation. */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** Stride, dilation, padding and outputPadding as pairs, checked (nn.ConvTranspose2d checks them when constructed). */
export function convTranspose2dGeometry(options: ConvTranspose2dOptions, opName = 'convTranspose2d') {
  const stride = pair(options.stride ?? 1, 'stride', opName);
  const dilation = pair(options.dilation ?? 1, 'dilation', opName);
  const padding = pair(options.padding ?? 0, 'padding', opName, 0);
  const outputPadding = pair(options.outputPadding ?? 0, 'outputPadding', opName, 0);
  for (const a of [0, 1]) {
    if (outputPadding[a] >= stride[a] && outputPadding[a] >= dilation[a]) {
      throw new Error(`${opName}: outputPadding [${outputPadding}] must be smaller than either stride [${stride}] or dilation [${dilation}]`);
    }
  }
  return { stride, dilation, padding, outputPadding };
}

/**
 * The geometry of the convolution whose input gradient this transposed convolution is: that convolution
 * maps the transposed output [N, outH, outW, outC] to the transposed input [N, H, W, inC].
 */
export function convTranspose2dParams(
  xShape: readonly number[],
  wShape: readonly number[],
  options: ConvTranspose2dOptions = {},
  opName = 'convTranspose2d',
): Conv2dParams {
  assertRank4(xShape, 'input', opName);
  if (wShape.length !== 4) {
    throw new Error(`${opName}: weight must be 4-D [kH, kW, outChannels/groups, inChannels], got ${formatShape(wShape)}`);
  }
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, coutG, wInC] = wShape;
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || inC % groups !== 0) {
    throw new Error(`${opName}: groups = ${groups} must be a positive integer dividing the input channels ${inC}`);
  }
  if (wInC !== inC) {
    throw new Error(`${opName}: input ${formatShape(xShape)} has ${inC} channels but weight ${formatShape(wShape)} expects ${wInC}; weights are [kH, kW, outChannels/groups, inChannels]`);
  }
  const { stride, dilation, padding, outputPadding } = convTranspose2dGeometry(options, opName);
  const outH = (inH - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kH - 1) + outputPadding[0] + 1;
  const outW = (inW - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kW - 1) + outputPadding[1] + 1;
  if (outH < 1 || outW < 1) {
    throw new Error(`${opName}: input ${formatShape(xShape)} with kernel ${kH}x${kW}, stride [${stride}], padding [${padding}] gives an empty output ${outH}x${outW}`);
  }
  return {
    batch,
    inH: outH,
    inW: outW,
    inC: coutG * groups,
    outH: inH,
    outW: inW,
    outC: inC,
    kH,
    kW,
    strideH: stride[0],
    strideW: stride[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
    padTop: padding[0],
    padLeft: padding[1],
    groups,
  };
}

/** Transposed 2-D convolution: x [N, H, W, inC], weight [kH, kW, outC/groups, inC], bias [outC]. */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  if (!isFloat(x.dtype) || !isFloat(weight.dtype)) throw new Error(`convTranspose2d: expects float tensors, got ${x.dtype} and ${weight.dtype}`);
  const p = convTranspose2dParams(x.shape, weight.shape, options);
  const outC = p.inC;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outC)) {
    throw new Error(`convTranspose2d: bias must be [${outC}], got ${formatShape(bias.shape)}`);
  }
  const dtype = promote(x.dtype, weight.dtype);
  if (anyShapeOnly(x, weight, bias)) return shapeOnly([p.batch, p.inH, p.inW, outC], { dtype });
  const xd = x.to(dtype).data as FloatArray;
  const wd = weight.to(dtype).data as FloatArray;
  const y = allocateTensor('convTranspose2d', [p.batch, p.inH, p.inW, outC], dtype) as FloatArray;
  runKernel('conv2dBackwardInput', p, xd, wd, y);
  if (bias) {
    const b = bias.to(dtype).data;
    for (let i = 0; i < y.length; i += outC) for (let c = 0; c < outC; c++) y[i + c] += b[c];
  }
  const out = new Tensor(y, [p.batch, p.inH, p.inW, outC]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, 'convTranspose2d', inputs, (dy) => {
    const dyd = dy.to(dtype).data as FloatArray;
    return [
      () => {
        const dx = allocate(dtype, x.size) as FloatArray;
        runKernel('conv2d', p, dyd, wd, null, dx);
        return new Tensor(dx, x.shape);
      },
      () => {
        const dw = allocate(dtype, weight.size) as FloatArray;
        runKernel('conv2dBackwardFilter', p, dyd, xd, dw);
        return new Tensor(dw, weight.shape);
      },
      () => sum(dy, [0, 1, 2]),
    ];
  });
}
