// Modules for Keras layers that ConvKit's standard layers do not cover one-to-one: layers with a fused
// activation, separable convolution, the merge layers and reshape. Each keeps PyTorch-style names.
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape, shapesEqual } from '../../tensor/shape.js';
import { Module } from '../../nn/module.js';
import { Conv2d, Linear, ReLU, type Conv2dLayerOptions } from '../../nn/layers.js';
import { add, clamp } from '../../ops/arithmetic.js';
import { concat, reshape } from '../../ops/movement.js';
import { max } from '../../ops/reduce.js';
import type { Pair } from '../../ops/geometry.js';

/** Conv2d followed by the activation Keras fuses into the layer (`activation: 'relu'`). */
export class Conv2dWithActivation extends Conv2d {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions,
    readonly activation: Module,
  ) {
    super(inChannels, outChannels, kernelSize, options);
  }
  override forward(x: Tensor): Tensor {
    // A ReLU nobody watches runs fused into the convolution (same results, one pass and tensor fewer).
    if (Object.getPrototypeOf(this.activation) === ReLU.prototype && !this.activation.hasForwardHooks()) {
      return this.forwardRelu(x);
    }
    return this.activation.forward(super.forward(x));
  }
}

/** Linear followed by the activation Keras fuses into Dense. */
export class LinearWithActivation extends Linear {
  constructor(
    inFeatures: number,
    outFeatures: number,
    options: { bias?: boolean },
    readonly activation: Module,
  ) {
    super(inFeatures, outFeatures, options);
  }
  override forward(x: Tensor): Tensor {
    return this.activation.forward(super.forward(x));
  }
}

/** Depthwise convolution (groups = channels), then a 1x1 pointwise convolution, then an optional activation. */
export class SeparableConv2d extends Module {
  constructor(
    readonly depthwise: Conv2d,
    readonly pointwise: Conv2d,
    readonly activation: Module | null,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    const y = this.pointwise.forward(this.depthwise.forward(x));
    return this.activation ? this.activation.forward(y) : y;
  }
}

/** min(max(x, 0), maxValue): Keras ReLU with a max_value other than 6. */
export class ClampedReLU extends Module {
  constructor(readonly maxValue: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return clamp(x, 0, this.maxValue);
  }
  override extraRepr(): string {
    return `maxValue=${this.maxValue}`;
  }
}

/** Elementwise sum of same-shaped inputs (Keras Add). */
export class Add extends Module {
  forward(...xs: Tensor[]): Tensor {
    if (xs.length < 2 || xs.some((x) => !shapesEqual(x.shape, xs[0].shape))) {
      throw new Error(`Add: needs two or more inputs of one shape, got ${xs.map((x) => formatShape(x.shape)).join(', ')}`);
    }
    return xs.slice(1).reduce((sum, x) => add(sum, x), xs[0]);
  }
}

/** Join inputs along an axis (Keras Concatenate; axis counts the batch, -1 is channels). */
export class Concatenate extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(...xs: Tensor[]): Tensor {
    return concat(xs, this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** Reshape every sample to targetShape (without the batch; one entry may be -1). */
export class Reshape extends Module {
  constructor(readonly targetShape: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }
  override extraRepr(): string {
    return formatShape(this.targetShape);
  }
}

/** Largest value over height and width: [N, H, W, C] -> [N, C] (keepDims: [N, 1, 1, C]). */
export class GlobalMaxPool2d extends Module {
  constructor(readonly keepDims = false) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4) throw new Error(`GlobalMaxPool2d: input must be 4-D NHWC, got ${formatShape(x.shape)}`);
    return max(x, [1, 2], this.keepDims);
  }
}
