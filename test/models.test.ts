// The model zoo: parameter counts against the reference implementations, the inception module against
// the texts' example, layer names, options, the registry, and the errors for bad input. Training runs are
// in models-train.test.ts, forward passes at 224x224 in models-native.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randn, zeros, tensor, manualSeed, noGrad, gradcheck } from '../src/index.js';
import { Module, Sequential, Conv2d, BatchNorm2d, Linear, getLayerOutputs } from '../src/nn/index.js';
import {
  AlexNet, VGG, alexnet, vgg11, vgg16, vgg19, resnet18, resnet34, resnet50, googlenet, mobilenetV1, mobilenetV2,
  InceptionModule, LocalResponseNorm, createModel, listModels, modelInputShape,
} from '../src/models/index.js';
import { assertAllClose } from './helpers/assert-close.js';

/** Run fn and print how long it took (the reference kernels are slow; the numbers show where time goes). */
function timed<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const out = fn();
  console.log(`  ${label}: ${(performance.now() - start).toFixed(0)} ms`);
  return out;
}

describe('parameter counts at 224x224x3 and 1000 classes', () => {
  // The reference numbers are torchvision's (AlexNet, VGG, ResNet, GoogLeNet without aux heads, MobileNet v2)
  // and Keras's trainable count for MobileNet v1.
  const cases: Array<[string, () => Module, number]> = [
    ['AlexNet (torchvision)', () => alexnet(), 61_100_840],
    ['ResNet-18', () => resnet18(), 11_689_512],
    ['ResNet-34', () => resnet34(), 21_797_672],
    ['ResNet-50 (v1.5)', () => resnet50(), 25_557_032],
    ['GoogLeNet', () => googlenet(), 6_624_904],
    ['MobileNet v1', () => mobilenetV1(), 4_231_976],
    ['MobileNet v2', () => mobilenetV2(), 3_504_872],
    ['VGG-16', () => vgg16(), 138_357_544],
  ];
  for (const [name, build, expected] of cases) {
    it(name, () => {
      const model = timed(`build ${name}`, build);
      assert.equal(model.numParameters(), expected);
      // torchvision pools adaptively to 6x6 (AlexNet) and 7x7 (VGG); at 224x224 the features already are.
      if (model instanceof AlexNet) assert.equal((model.classifier.at(1) as Linear).inFeatures, 6 * 6 * 256);
      if (model instanceof VGG) assert.equal((model.classifier.at(0) as Linear).inFeatures, 7 * 7 * 512);
    });
  }

  it("the original two-group AlexNet: the paper's layers by hand", () => {
    const conv = (k: number, inPerGroup: number, out: number) => k * k * inPerGroup * out + out;
    const dense = (inputs: number, out: number) => inputs * out + out;
    const expected =
      conv(11, 3, 96) + // conv1 sees the whole image
      conv(5, 48, 256) + // conv2: each GPU's 128 filters see its own 48 maps
      conv(3, 256, 384) + // conv3 sees both GPUs' maps
      conv(3, 192, 384) + // conv4 and conv5: groups of 2 again
      conv(3, 192, 256) +
      dense(6 * 6 * 256, 4096) +
      dense(4096, 4096) +
      dense(4096, 1000);
    assert.equal(expected, 60_965_224);
    assert.equal(alexnet({ original: true }).numParameters(), expected);
  });

  it('VGG-11, VGG-19 and VGG-16 with batch norm, built for 32x32 input', () => {
    // At 32x32 the features are 1x1x512 instead of 7x7x512, so the first dense layer has (25088 - 512) * 4096
    // fewer weights than torchvision's models (132,863,336; 143,667,240; 138,365,992 at 224x224).
    const fewer = (7 * 7 * 512 - 512) * 4096;
    assert.equal(vgg11({ inputSize: 32 }).numParameters(), 132_863_336 - fewer);
    assert.equal(vgg19({ inputSize: 32 }).numParameters(), 143_667_240 - fewer);
    assert.equal(vgg16({ inputSize: 32, batchNorm: true }).numParameters(), 138_365_992 - fewer);
  });
});

describe('InceptionModule', () => {
  // The texts' example: 28x28x192 in; 64 1x1, 128 3x3 and 32 5x5 filters and a 32-channel pool branch.
  const texts = { ch1x1: 64, ch3x3: 128, ch5x5: 32, poolProj: 32 };
  /** Multiplies of a branch's convolutions on a 28x28 map: 28 * 28 * (kH * kW * in * out) each. */
  const multiplies = (branch: Module) =>
    branch.namedModules().reduce((n, [, m]) => n + (m instanceof Conv2d ? 28 * 28 * m.weight.size : 0), 0);

  it('naive version maps 28x28x192 to 28x28x256', () => {
    manualSeed(1);
    const module = new InceptionModule(192, texts, { batchNorm: false });
    const y = timed('naive inception forward 28x28x192', () => noGrad(() => module.forward(randn([1, 28, 28, 192]))));
    assert.deepEqual(y.shape, [1, 28, 28, 256]);
    // Weights and biases of the 1x1, 3x3 and 5x5 convolutions and of the pool projection.
    const convParams = (k: number, out: number) => k * k * 192 * out + out;
    assert.equal(module.numParameters(), convParams(1, 64) + convParams(3, 128) + convParams(5, 32) + convParams(1, 32));
    // The texts: the 5x5 branch alone costs 28 * 28 * 32 * 5 * 5 * 192 = 120 M multiplies.
    assert.equal(multiplies(module.branch3), 120_422_400);
  });

  it('1x1 reductions cut the 5x5 branch from 120 M to 12.4 M multiplies with the same output', () => {
    const module = new InceptionModule(192, { ...texts, ch3x3Reduce: 96, ch5x5Reduce: 16 });
    assert.equal(module.outChannels, 256);
    // The texts: 28*28*16*192 = 2.4 M for the 1x1 reduction plus 28*28*32*5*5*16 = 10 M for the 5x5.
    assert.equal(multiplies(module.branch3), 28 * 28 * 16 * 192 + 28 * 28 * 32 * 5 * 5 * 16);
    const y = noGrad(() => module.forward(randn([2, 7, 7, 192])));
    assert.deepEqual(y.shape, [2, 7, 7, 256]);
  });

  it('without a pool projection the pool branch keeps the input channels', () => {
    const module = new InceptionModule(8, { ch1x1: 2, ch3x3: 3, ch5x5: 4 }, { batchNorm: false });
    assert.equal(module.outChannels, 2 + 3 + 4 + 8);
    const x = randn([1, 5, 5, 8]);
    const y = noGrad(() => module.forward(x));
    assert.deepEqual(y.shape, [1, 5, 5, 17]);
    // The last 8 channels are the 3x3 stride-1 max pool of the input: at least the input itself.
    for (let i = 0; i < 25; i++) for (let c = 0; c < 8; c++) assert.ok(y.data[i * 17 + 9 + c] >= x.data[i * 8 + c]);
  });

  it('rejects input with the wrong channels and bad branch sizes', () => {
    const module = new InceptionModule(16, texts);
    assert.throws(() => module.forward(zeros([1, 8, 8, 15])), /InceptionModule\(16 -> 256\).*16 channels/);
    assert.throws(() => new InceptionModule(16, { ...texts, ch3x3: 0 }), /ch3x3 must be a positive integer, got 0/);
  });
});

describe('LocalResponseNorm', () => {
  it('divides by (k + alpha/size * sum of squares over neighbouring channels)^beta', () => {
    const lrn = new LocalResponseNorm(3, { alpha: 3, beta: 1, k: 1 });
    const y = lrn.forward(tensor([1, 2, 3], [1, 1, 1, 3]));
    // Channel 0 sees 0 + 1 + 4, channel 1 sees 1 + 4 + 9, channel 2 sees 4 + 9 + 0.
    assertAllClose(y.data, [1 / 6, 2 / 15, 3 / 14]);
  });

  it('has the gradient of its definition', () => {
    const lrn = new LocalResponseNorm(4, { alpha: 0.5, beta: 0.75, k: 2 });
    const x = randn([2, 2, 3, 6]).to('float64').requiresGrad_();
    assert.ok(gradcheck((t) => lrn.forward(t), [x]));
  });
});

describe('layer names follow torchvision', () => {
  it('ResNet, GoogLeNet and MobileNet intermediate outputs by name', () => {
    manualSeed(3);
    const x = randn([2, 32, 32, 3]);
    const res = getLayerOutputs(resnet18({ widthMultiplier: 0.25 }).eval(), x, ['maxpool', 'layer1.0', 'layer4', 'layer2.0.downsample']);
    assert.deepEqual(res['maxpool'].shape, [2, 8, 8, 16]);
    assert.deepEqual(res['layer1.0'].shape, [2, 8, 8, 16]);
    assert.deepEqual(res['layer2.0.downsample'].shape, [2, 4, 4, 32]);
    assert.deepEqual(res['layer4'].shape, [2, 1, 1, 128]);
    const inc = getLayerOutputs(googlenet({ widthMultiplier: 0.25 }).eval(), x, ['inception3a', 'inception5b']);
    assert.deepEqual(inc['inception3a'].shape, [2, 4, 4, 64]);
    assert.deepEqual(inc['inception5b'].shape, [2, 1, 1, 256]);
    const mob = getLayerOutputs(mobilenetV2({ widthMultiplier: 0.5 }).eval(), x, ['features.1', 'features.18']);
    assert.deepEqual(mob['features.1'].shape, [2, 16, 16, 8]);
    assert.deepEqual(mob['features.18'].shape, [2, 1, 1, 1280]);
  });

  it('GoogLeNet without batch norm, as in the 2014 paper: biased convolutions, no BatchNorm2d', () => {
    const model = googlenet({ batchNorm: false, widthMultiplier: 0.125 });
    assert.ok(!model.namedModules().some(([, m]) => m instanceof BatchNorm2d));
    assert.ok(model.inception4a.branch1.conv.bias);
    assert.deepEqual(noGrad(() => model.forward(randn([1, 32, 32, 3]))).shape, [1, 1000]);
  });

  it("MobileNet's Keras conventions: TensorFlow 'same' padding and batch norm epsilon", () => {
    const model = mobilenetV2({ widthMultiplier: 0.25, padding: 'same', batchNormEps: 1e-3 });
    const stem = model.features.at(0) as Sequential;
    assert.equal((stem.at(0) as Conv2d).options.padding, 'same');
    assert.equal((stem.at(1) as BatchNorm2d).eps, 1e-3);
    assert.ok(model.namedModules().every(([, m]) => !(m instanceof BatchNorm2d) || m.eps === 1e-3));
    assert.deepEqual(noGrad(() => model.eval().forward(randn([1, 32, 32, 3]))).shape, [1, 1000]);
    assert.throws(() => mobilenetV1({ padding: 'valid' as 'same' }), /mobilenet_v1: padding must be 'symmetric' or 'same', got 'valid'/);
  });

  it('VGG with batch norm puts a BatchNorm2d after every convolution', () => {
    const model = vgg11({ batchNorm: true, inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 8 });
    const layers = model.features.children();
    const convs = layers.flatMap((m, i) => (m instanceof Conv2d ? [i] : []));
    assert.equal(convs.length, 8);
    for (const i of convs) assert.ok(layers[i + 1] instanceof BatchNorm2d, `features.${i + 1} follows a convolution`);
  });
});

describe('registry', () => {
  const small: Record<string, Record<string, unknown>> = {
    lenet5: {},
    alexnet: { inputSize: 63, widthMultiplier: 0.125, hiddenUnits: 8 },
    vgg11: { inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 8 },
    vgg11_bn: { inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 8 },
    vgg16: { inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 8 },
    vgg16_bn: { inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 8 },
    vgg19: { inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 8 },
    vgg19_bn: { inputSize: 32, widthMultiplier: 0.125, hiddenUnits: 8 },
    resnet18: { widthMultiplier: 0.125 },
    resnet34: { widthMultiplier: 0.125 },
    resnet50: { widthMultiplier: 0.125 },
    googlenet: { widthMultiplier: 0.125 },
    mobilenet_v1: { widthMultiplier: 0.25 },
    mobilenet_v2: { widthMultiplier: 0.25 },
  };

  it('lists every architecture with its native input shape', () => {
    const models = listModels();
    assert.deepEqual(models.map((m) => m.name).sort(), Object.keys(small).sort());
    const shapes = Object.fromEntries(models.map((m) => [m.name, m.inputShape]));
    assert.deepEqual(shapes['lenet5'], [28, 28, 1]);
    for (const name of ['alexnet', 'vgg16', 'resnet50', 'googlenet', 'mobilenet_v2']) assert.deepEqual(shapes[name], [224, 224, 3]);
    assert.deepEqual(modelInputShape('alexnet', { original: true }), [227, 227, 3]);
    assert.deepEqual(modelInputShape('resnet18', { inChannels: 1 }), [224, 224, 1]);
  });

  it('builds each model by name, and it accepts its input shape', () => {
    manualSeed(4);
    for (const [name, options] of Object.entries(small)) {
      const model = createModel(name, { numClasses: 5, ...options }).eval();
      const y = noGrad(() => model.forward(zeros([1, ...modelInputShape(name, options)])));
      assert.deepEqual(y.shape, [1, 5], name);
    }
    const bn = createModel('vgg16_bn', small['vgg16_bn']);
    assert.ok(bn.namedModules().some(([, m]) => m instanceof BatchNorm2d));
  });

  it('rejects unknown models and options with the valid ones', () => {
    assert.throws(() => createModel('resnet101'), /unknown model 'resnet101'; available: lenet5, alexnet, .*mobilenet_v2/);
    assert.throws(() => createModel('resnet18', { dropuot: 0.5 }), /resnet18: unknown option\(s\) 'dropuot'; valid options: numClasses, inChannels, widthMultiplier/);
  });
});

describe('bad input', () => {
  it('names the model, the shape received and the shape expected', () => {
    const net = alexnet({ inputSize: 63, widthMultiplier: 0.125, hiddenUnits: 8 });
    assert.throws(() => net.forward(zeros([1, 64, 64, 3])), /AlexNet: input \[1, 64, 64, 3\] is 64x64, the classifier was sized for 63x63/);
    assert.throws(() => net.forward(zeros([1, 63, 63, 1])), /AlexNet: input \[1, 63, 63, 1\] has 1 channels, the model was built for 3/);
    const res = resnet18({ widthMultiplier: 0.125, inChannels: 1 });
    assert.throws(() => res.forward(zeros([1, 32, 32, 3])), /resnet18: input \[1, 32, 32, 3\] has 3 channels, the model was built for 1/);
    assert.throws(() => res.forward(zeros([32, 32, 1])), /resnet18: input must be 4-D/);
  });

  it('rejects an input size too small for the feature stack and bad option values', () => {
    assert.throws(() => vgg16({ inputSize: 16 }), /vgg16: input 16x16x3 does not fit layer \d+ \(MaxPool2d/);
    assert.throws(() => alexnet({ dropout: 1 }), /alexnet: dropout must be in \[0, 1\), got 1/);
    assert.throws(() => mobilenetV2({ widthMultiplier: 0 }), /mobilenet_v2: widthMultiplier must be a positive finite number, got 0/);
    assert.throws(() => resnet50({ numClasses: 2.5 }), /resnet50: numClasses must be a positive integer, got 2.5/);
    assert.throws(() => googlenet({ largeKernelSize: 7 as 5 }), /googlenet: largeKernelSize must be 3 or 5, got 7/);
  });
});
