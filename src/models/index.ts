// convkit/models: the classic architectures, their reusable blocks, and the registry by name.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { type ModelOptions } from './model-options.js';
export { LeNet5, lenet5, type LeNet5Options, type LeNet5Variant } from './lenet.js';
export { AlexNet, alexnet, type AlexNetOptions } from './alexnet.js';
export { LocalResponseNorm, type LocalResponseNormOptions } from './local-response-norm.js';
export { VGG, vgg, vgg11, vgg16, vgg19, type VggDepth, type VggOptions } from './vgg.js';
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, type ResNetOptions, type ResidualBlockType } from './resnet.js';
export { InceptionModule, BasicConv2d, type InceptionBranches, type InceptionModuleOptions, type BasicConv2dOptions } from './inception-module.js';
export { GoogLeNet, googlenet, type GoogLeNetOptions } from './googlenet.js';
export { MobileNet, DepthwiseSeparableConv2d, InvertedResidual, mobilenetV1, mobilenetV2, type MobileNetOptions } from './mobilenet.js';
export { convNormActivation, type ConvNormActivationOptions, type PaddingConvention } from './conv-norm-activation.js';
export { createModel, createModelForInput, listModels, modelInputShape, type CreateModelOptions, type ModelInfo } from './registry.js';
