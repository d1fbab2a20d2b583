// The shape AlexNet, VGG and MobileNet share: features, a parameter-free neck (flatten, or global average
// pooling), then the classifier, with the input checked in the model's terms before any layer runs.
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import type { Sequential } from '../nn/sequential.js';
import { checkModelInput } from './check-input.js';

export class FeaturesClassifier extends Module {
  // `declare` emits no field, so the children are defined in forward order below: features, neck, classifier.
  declare readonly features: Sequential;
  declare readonly classifier: Sequential;
  private readonly neck: string;

  constructor(
    readonly modelName: string,
    readonly inChannels: number,
    /** The square input size the classifier was sized for, or undefined when any size works. */
    readonly inputSize: number | undefined,
    features: Sequential,
    neck: readonly [name: string, layer: Module],
    classifier: Sequential,
  ) {
    super();
    Object.assign(this, { features, [neck[0]]: neck[1], classifier });
    this.neck = neck[0];
  }

  forward(x: Tensor): Tensor {
    checkModelInput(this.modelName, x, this.inChannels, this.inputSize);
    const neck = (this as unknown as Record<string, Module>)[this.neck];
    return this.classifier.forward(neck.forward(this.features.forward(x)));
  }
}
