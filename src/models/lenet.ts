// LeNet-5 (LeCun et al., 1998) as in the course texts: conv 5x5x6 -> pool 2x2/2 -> conv 5x5x16 -> pool ->
// FC 120 -> FC 84 -> classes. The paper's network reads 32x32 images; MNIST is 28x28, so for 28x28 input
// conv1 pads by 2 ('same'), which keeps the texts' shapes from conv1 on: 28x28x6 -> 14x14x6 -> 10x10x16 ->
// 5x5x16 = 400 -> 120 -> 84 -> classes. 'classic' uses tanh and average pooling, 'relu' the modern ReLU and
// max pooling.
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Tanh } from '../nn/layers.js';
import { checkModelInput } from './check-input.js';
import { type ModelOptions, checkOptionNames, positiveIntOption } from './model-options.js';

export type LeNet5Variant = 'classic' | 'relu';

export interface LeNet5Options extends ModelOptions {
  /** 'relu' (ReLU and max pooling, the default) or 'classic' (tanh and average pooling). */
  variant?: LeNet5Variant;
  /** Side of the square input: 28 (MNIST; conv1 pads to 'same', the default) or 32 (the paper; no padding). */
  inputSize?: number;
}

const OPTION_NAMES = ['numClasses', 'inChannels', 'variant', 'inputSize'];

export class LeNet5 extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential;

  constructor(
    readonly variant: LeNet5Variant,
    readonly numClasses: number,
    readonly inChannels: number,
    readonly inputSize: number,
  ) {
    super();
    const activation = (): Module => (variant === 'classic' ? new Tanh() : new ReLU());
    const pool = (): Module => (variant === 'classic' ? new AvgPool2d(2, { stride: 2 }) : new MaxPool2d(2, { stride: 2 }));
    this.features = new Sequential({
      conv1: new Conv2d(inChannels, 6, 5, { padding: inputSize === 28 ? 'same' : 'valid' }),
      act1: activation(),
      pool1: pool(),
      conv2: new Conv2d(6, 16, 5),
      act2: activation(),
      pool2: pool(),
    });
    this.classifier = new Sequential({
      flatten: new Flatten(),
      fc1: new Linear(5 * 5 * 16, 120),
      act3: activation(),
      fc2: new Linear(120, 84),
      act4: activation(),
      fc3: new Linear(84, numClasses),
    });
  }

  /** x: [N, inputSize, inputSize, inChannels] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    checkModelInput('LeNet5', x, this.inChannels, this.inputSize);
    return this.classifier.forward(this.features.forward(x));
  }

  override extraRepr(): string {
    return `variant='${this.variant}', numClasses=${this.numClasses}, inputSize=${this.inputSize}`;
  }
}

/** LeNet-5 for [N, 28, 28, 1] MNIST-style input and 10 classes by default; see LeNet5Options. */
export function lenet5(options: LeNet5Options = {}): LeNet5 {
  checkOptionNames('lenet5', options, OPTION_NAMES);
  const variant = options.variant ?? 'relu';
  if (variant !== 'classic' && variant !== 'relu') throw new Error(`lenet5: variant must be 'classic' or 'relu', got '${String(variant)}'`);
  const numClasses = positiveIntOption('lenet5', 'numClasses', options.numClasses ?? 10);
  const inChannels = positiveIntOption('lenet5', 'inChannels', options.inChannels ?? 1);
  const inputSize = options.inputSize ?? 28;
  if (inputSize !== 28 && inputSize !== 32) throw new Error(`lenet5: inputSize must be 28 (conv1 padded to 'same') or 32 (the paper, unpadded), got ${inputSize}`);
  return new LeNet5(variant, numClasses, inChannels, inputSize);
}
