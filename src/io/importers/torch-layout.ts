// PyTorch / ONNX weight layouts to ConvKit's: convolution weights are [out, in/groups, kH, kW] (OIHW) there
// and [kH, kW, in/groups, out] here; dense weights are [out, in] there and [in, out] here. A depthwise
// weight [C * mult, 1, kH, kW] becomes [kH, kW, 1, C * mult] with the same output-channel order.
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { permute } from '../../ops/movement.js';

/** Convolution weight [out, in/groups, kH, kW] -> [kH, kW, in/groups, out] (a copy). */
export function fromOIHW(weight: Tensor): Tensor {
  if (weight.ndim !== 4) throw new Error(`fromOIHW: expected a 4-D convolution weight [out, in/groups, kH, kW], got ${formatShape(weight.shape)}`);
  return permute(weight.detach(), [2, 3, 1, 0]);
}

/** Dense weight [out, in] -> [in, out] (a copy). */
export function fromOutIn(weight: Tensor): Tensor {
  if (weight.ndim !== 2) throw new Error(`fromOutIn: expected a 2-D dense weight [out, in], got ${formatShape(weight.shape)}`);
  return permute(weight.detach(), [1, 0]);
}
