// Local response normalisation across channels (Krizhevsky et al. 2012, section 3.3), used by the
// original AlexNet. PyTorch's definition: b_c = a_c / (k + alpha / size * sum_{c' near c} a_c'^2)^beta,
// the sum over `size` neighbouring channels (zero beyond the edges). Composed from existing ops, so it
// needs no kernel or backward rule of its own.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Module } from '../nn/module.js';
import { sumPool2d } from '../ops/pool.js';

export interface LocalResponseNormOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

export class LocalResponseNorm extends Module {
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(
    readonly size: number,
    options: LocalResponseNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(size) || size < 1) throw new Error(`LocalResponseNorm: size must be a positive integer, got ${size}`);
    this.alpha = options.alpha ?? 1e-4;
    this.beta = options.beta ?? 0.75;
    this.k = options.k ?? 1;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4) throw new Error(`LocalResponseNorm: input must be 4-D NHWC, got ${formatShape(x.shape)}`);
    const [n, h, w, c] = x.shape;
    // View channels as the width of a one-channel image, so a 1 x size sum pool sums neighbouring channels.
    const squares = x.square().reshape([n, h * w, c, 1]);
    const before = Math.floor(this.size / 2); // PyTorch pads size // 2 channels before, (size - 1) // 2 after
    const windowSums = sumPool2d(squares, [1, this.size], { stride: 1, padding: [0, 0, before, this.size - 1 - before] });
    const scale = windowSums.reshape(x.shape).mul(this.alpha / this.size).add(this.k).pow(this.beta);
    return x.div(scale);
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}
