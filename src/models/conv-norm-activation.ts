// Convolution (no bias) + batch norm + ReLU or ReLU6 as one Sequential, named 0/1/2 like torchvision's
// Conv2dNormActivation so that weight names line up with torchvision's MobileNet.
import { Sequential } from '../nn/sequential.js';
import { Conv2d, BatchNorm2d, ReLU, ReLU6 } from '../nn/layers.js';

/**
 * How 3x3 stride-2 convolutions pad: 'symmetric' pads (k - 1) / 2 on every side (PyTorch's models),
 * 'same' is TensorFlow's rule (for even inputs: nothing before, one after), which Keras weights expect.
 */
export type PaddingConvention = 'symmetric' | 'same';

export interface ConvNormActivationOptions {
  stride?: number;
  groups?: number;
  activation?: 'relu' | 'relu6';
  padding?: PaddingConvention;
  eps?: number;
}

export function convNormActivation(inChannels: number, outChannels: number, kernelSize: number, options: ConvNormActivationOptions = {}): Sequential {
  const padding = options.padding === 'same' ? 'same' : (kernelSize - 1) / 2;
  return new Sequential(
    new Conv2d(inChannels, outChannels, kernelSize, { stride: options.stride ?? 1, padding, groups: options.groups ?? 1, bias: false }),
    new BatchNorm2d(outChannels, { eps: options.eps ?? 1e-5 }),
    options.activation === 'relu6' ? new ReLU6() : new ReLU(),
  );
}
