// torchvision's initialisation for VGG, ResNet and MobileNet: He normal (fan out) for convolutions,
// zero biases, batch norm at identity, small normal dense weights. Deep plain stacks such as VGG train
// from scratch with it; the layers' default (uniform +-1/sqrt(fanIn)) shrinks the signal layer by layer.
import type { Module } from '../nn/module.js';
import { Conv2d, Linear, BatchNorm2d } from '../nn/layers.js';
import { kaimingNormal_, normal_, zeros_, ones_ } from '../nn/init.js';

export interface InitOptions {
  /** Standard deviation of dense weights (torchvision: 0.01 for VGG and MobileNet). */
  linearStd?: number;
  /** Keep the layers' default dense initialisation (torchvision's ResNet does). */
  keepLinearDefault?: boolean;
}

export function initWeightsLikeTorchvision(model: Module, options: InitOptions = {}): void {
  for (const [, m] of model.namedModules()) {
    if (m instanceof Conv2d) {
      kaimingNormal_(m.weight, { mode: 'fanOut' });
      if (m.bias) zeros_(m.bias);
    } else if (m instanceof BatchNorm2d) {
      if (m.weight) ones_(m.weight);
      if (m.bias) zeros_(m.bias);
    } else if (m instanceof Linear && !options.keepLinearDefault) {
      normal_(m.weight, 0, options.linearStd ?? 0.01);
      if (m.bias) zeros_(m.bias);
    }
  }
}
