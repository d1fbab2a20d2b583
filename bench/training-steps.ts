// The whole-model training steps the API loop and the residency prototype time: the same shapes and
// optimisers as the PyTorch rows of issue 14's table.
import { Adam, F, randn, SGD, type Tensor, fromTypedArray } from '../src/index.js';
import type { Module } from '../src/nn/module.js';
import { lenet5 } from '../src/models/lenet.js';
import { resnet18 } from '../src/models/resnet.js';
import { mobilenetV2 } from '../src/models/mobilenet.js';

const cyclicLabels = (batch: number): Tensor => fromTypedArray(Int32Array.from({ length: batch }, (_, i) => i % 10), [batch]);

/** One training step of `model` on a fixed batch: forward, cross-entropy, backward, optimiser update. */
export function trainingStep(model: Module, optimizer: SGD | Adam, images: Tensor, labels = cyclicLabels(images.shape[0])): () => Tensor {
  return () => {
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.forward(images), labels);
    loss.backward();
    optimizer.step();
    return loss;
  };
}

export function lenetStep(): () => Tensor {
  const model = lenet5();
  return trainingStep(model, new SGD(model.parameters(), { lr: 0.01 }), randn([64, 28, 28, 1]));
}

/** ResNet-18 with Adam: 11.2 M parameters, so the optimiser update is a visible share of the step. */
export function resnetStep(): () => Tensor {
  const model = resnet18({ numClasses: 10 });
  return trainingStep(model, new Adam(model.parameters(), { lr: 1e-3 }), randn([16, 32, 32, 3]));
}

/** MobileNetV2 with SGD: ReLU6 and depthwise convolutions. */
export function mobilenetStep(): () => Tensor {
  const model = mobilenetV2({ numClasses: 10 });
  return trainingStep(model, new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }), randn([8, 64, 64, 3]));
}
