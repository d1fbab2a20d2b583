// The style-transfer loop (issue 13 item 9) on a tiny network, the feature networks, SWAG's softmax and the
// colour preservation. The full-size runs and the network comparison are in bench/style-compare.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, noGrad, rand, tensor, type Tensor } from '../src/index.js';
import { Conv2d, ReLU, Sequential, AvgPool2d } from '../src/nn/index.js';
import { getLayerOutputs } from '../src/nn/index.js';
import {
  contentCost, featureNetwork, preserveColors, randomVgg19Features, rgbToYuv, softmaxFeatures, styleTransfer, yuvToRgb, VGG19_LAYER_NAMES,
} from '../src/style/index.js';
import { loadNsfwjsMobileNetV2 } from '../src/node/index.js';
import { kaimingNormal_ } from '../src/nn/init.js';

function maxDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** A two-stage random conv net, small enough for many steps in a test. */
function tinyNetwork() {
  const g = new Generator(3);
  const conv1 = new Conv2d(3, 8, 3, { padding: 1 });
  const conv2 = new Conv2d(8, 16, 3, { padding: 1 });
  kaimingNormal_(conv1.weight, { generator: g });
  kaimingNormal_(conv2.weight, { generator: g });
  const model = new Sequential({ conv1, relu1: new ReLU(), pool1: new AvgPool2d(2), conv2, relu2: new ReLU() });
  return featureNetwork(model, { name: 'tiny', contentLayer: 'relu2', styleLayers: ['relu1', 'relu2'], inputScaling: 'unit' });
}
const image = (seed: number, h = 12, w = 16) => rand([1, h, w, 3], { generator: new Generator(seed) });

describe('styleTransfer', () => {
  const net = tinyNetwork();
  const content = image(1);
  const style = image(2);

  for (const optimizer of ['lbfgs', 'adam'] as const) {
    it(`${optimizer}: lowers the total cost, reports every step, returns an image in [0, 1] of the content's size`, () => {
      const seen: number[] = [];
      const r = styleTransfer(net, content, [style], { steps: 15, optimizer, init: 'noise', onStep: (s) => seen.push(s.step) });
      assert.deepEqual(seen, Array.from({ length: 15 }, (_, i) => i + 1));
      assert.equal(r.history.length, 15);
      assert.ok(r.history[14].total < r.history[0].total / 2, `total ${r.history[0].total} -> ${r.history[14].total}`);
      assert.deepEqual(r.image.shape, [1, 12, 16, 3]);
      assert.ok([...r.image.data].every((v) => v >= 0 && v <= 1));
    });
  }

  it('with the style weight 0 and noise init, reconstructs the content activation (content cost falls towards 0)', () => {
    const r = styleTransfer(net, content, [style], { steps: 40, styleWeight: 0, init: 'noise' });
    assert.ok(r.history[0].content > 0.01 && r.costs.content < r.history[0].content / 20, `${r.history[0].content} -> ${r.costs.content}`);
  });

  it('init content with the style weight 0 leaves the content image as it is (its content cost is 0)', () => {
    const r = styleTransfer(net, content, [style], { steps: 3, styleWeight: 0 });
    assert.equal(r.costs.content, 0);
    assert.ok(maxDiff(r.image, content) < 1e-6);
  });

  it('the content cost is the texts\' J_content relative to the content image\'s own activation', () => {
    // Pixels in [0.1, 0.9] and two small Adam steps keep G inside [0, 1], so the returned (clamped) image is G.
    const inner = noGrad(() => content.mul(0.8).add(0.1));
    const r = styleTransfer(net, inner, [style], { steps: 2, optimizer: 'adam', lr: 1e-3 });
    const feats = noGrad(() => ({ c: net.extract(inner, ['relu2']).relu2, g: net.extract(r.image, ['relu2']).relu2 }));
    const expected = contentCost(feats.c, feats.g).item() / (feats.c.square().sum().item() / 2);
    assert.ok(Math.abs(r.costs.content - expected) <= 1e-5 * expected, `${r.costs.content} vs ${expected}`);
  });

  it('multi-resolution: stages run in order, each its steps, and the image ends at the last size', () => {
    const sizes: number[][] = [];
    const r = styleTransfer(net, image(1, 24, 32), [style], { steps: 3, sizes: [16, 32], onStep: (s) => sizes.push(s.size) });
    assert.deepEqual(sizes, [[12, 16], [12, 16], [12, 16], [24, 32], [24, 32], [24, 32]]);
    assert.deepEqual(r.image.shape, [1, 24, 32, 3]);
    assert.equal(r.steps, 6);
  });

  it('blending a style with itself is that style; blend weights of 0 ignore a style', () => {
    const one = styleTransfer(net, content, [style], { steps: 5, init: 'noise' });
    const twice = styleTransfer(net, content, [style, style], { steps: 5, init: 'noise', styleBlendWeights: [0.3, 0.7] });
    const ignored = styleTransfer(net, content, [style, image(9)], { steps: 5, init: 'noise', styleBlendWeights: [1, 0] });
    assert.ok(maxDiff(one.image, twice.image) < 1e-5);
    assert.ok(maxDiff(one.image, ignored.image) < 1e-5);
  });

  it('preserveColors keeps the chrominance of the content image', () => {
    const r = styleTransfer(net, content, [style], { steps: 5, preserveColors: true });
    const uv = (x: Tensor) => rgbToYuv(x).narrow(-1, 1, 2);
    assert.ok(maxDiff(uv(r.image), uv(content)) < 0.05, 'chroma within the clamp of [0, 1]');
  });

  it('bad options get errors that name the option and what is valid', () => {
    assert.throws(() => styleTransfer(net, content, []), /styleTransfer: give at least one style image/);
    assert.throws(() => styleTransfer(net, content.squeeze(0), [style]), /styleTransfer: content must be one RGB image \[1, H, W, 3\] in \[0, 1\], got \[12, 16, 3\]/);
    assert.throws(() => styleTransfer(net, content, [style], { optimizer: 'sgd' as 'adam' }), /optimizer must be 'lbfgs' or 'adam', got "sgd"/);
    assert.throws(() => styleTransfer(net, content, [style], { init: 'zeros' as 'noise' }), /init must be 'content', 'style' or 'noise'/);
    assert.throws(() => styleTransfer(net, content, [style], { styleWeight: -1 }), /styleWeight must be a finite number >= 0, got -1/);
    assert.throws(() => styleTransfer(net, content, [style], { sizes: [32, 16] }), /sizes must be ascending positive integers/);
    assert.throws(() => styleTransfer(net, content, [style], { styleBlendWeights: [1, 1] }), /styleBlendWeights must be 1 number\(s\) >= 0/);
    assert.throws(() => styleTransfer(net, content, [style], { styleLayerWeights: [1] }), /2 style layer\(s\) but 1 styleLayerWeights/);
  });
});

describe('feature networks', () => {
  it('softmaxFeatures is exp(a) / sum exp(a) over the whole activation', () => {
    const a = tensor([0, 1, 2, 3], [1, 1, 2, 2]);
    const z = 1 + Math.E + Math.E ** 2 + Math.E ** 3;
    [...softmaxFeatures(a).data].forEach((v, i) => assert.ok(Math.abs(v - Math.E ** i / z) < 1e-7));
  });

  it('featureNetwork names the missing layers and lists the model\'s', () => {
    const model = new Sequential({ conv: new Conv2d(3, 4, 3), relu: new ReLU() });
    assert.throws(() => featureNetwork(model, { contentLayer: 'relu', styleLayers: ['conv9'] }), /featureNetwork: no layer named 'conv9' in the model; its layers include: conv, relu/);
  });

  it('the random VGG-19 is seeded, named as in the paper, and stops at upTo', () => {
    assert.equal(VGG19_LAYER_NAMES.length, 16 * 2 + 5);
    const a = randomVgg19Features({ seed: 1, upTo: 'relu2_1' });
    const b = randomVgg19Features({ seed: 1, upTo: 'relu2_1' });
    const c = randomVgg19Features({ seed: 2, upTo: 'relu2_1' });
    assert.deepEqual(a.namedChildren().map(([n]) => n), ['conv1_1', 'relu1_1', 'conv1_2', 'relu1_2', 'pool1', 'conv2_1', 'relu2_1']);
    const w = (m: Sequential) => [...(m.namedParameters().find(([n]) => n === 'conv2_1.weight')![1].data)];
    assert.deepEqual(w(a), w(b));
    assert.notDeepEqual(w(a), w(c));
    assert.throws(() => randomVgg19Features({ upTo: 'relu6_1' }), /randomVgg19Features: no layer 'relu6_1'; VGG-19's layers: conv1_1, relu1_1/);
  });

  it('KerasModel.upTo runs the graph only to a layer, with the same activations there', () => {
    const full = loadNsfwjsMobileNetV2();
    const cut = full.upTo('block_3_expand_relu');
    assert.equal(cut.nodes[cut.nodes.length - 1].name, 'block_3_expand_relu');
    const x = rand([1, 224, 224, 3], { generator: new Generator(5) }).mul(2).sub(1);
    const expected = noGrad(() => getLayerOutputs(full, x, ['block_3_expand_relu']).block_3_expand_relu);
    assert.equal(maxDiff(noGrad(() => cut.forward(x)), expected), 0);
    // At 96x128 the full model's 7x7 head pooling cannot run; the cut graph can.
    assert.deepEqual(noGrad(() => cut.forward(rand([1, 96, 128, 3]))).shape, [1, 24, 32, 144]);
    assert.throws(() => full.upTo('block_99'), /KerasModel.upTo: no layer named 'block_99'/);
  });
});

describe('colour conversion', () => {
  it('YUV and back is the identity to the coefficients\' 5 digits, and Y is BT.601 luma', () => {
    const x = rand([1, 4, 4, 3], { generator: new Generator(8) });
    assert.ok(maxDiff(yuvToRgb(rgbToYuv(x)), x) < 1e-4);
    const y = rgbToYuv(tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3])).narrow(-1, 0, 1);
    assert.deepEqual([...y.data].map((v) => +v.toFixed(3)), [0.299, 0.587, 0.114]);
  });

  it('preserveColors: the luminance of the stylised image with the chrominance of the content', () => {
    const stylised = tensor([0.2, 0.4, 0.6], [1, 1, 1, 3]);
    const content = tensor([0.5, 0.5, 0.1], [1, 1, 1, 3]);
    const out = preserveColors(stylised, content);
    const yuv = rgbToYuv(out);
    assert.ok(Math.abs(yuv.data[0] - rgbToYuv(stylised).data[0]) < 1e-4);
    assert.ok(Math.abs(yuv.data[1] - rgbToYuv(content).data[1]) < 1e-4);
    assert.ok(Math.abs(yuv.data[2] - rgbToYuv(content).data[2]) < 1e-4);
    assert.throws(() => preserveColors(stylised, tensor([1, 2], [1, 1, 1, 2])), /preserveColors: stylised \[1, 1, 1, 3\] and content \[1, 1, 1, 2\] must be the same RGB shape/);
  });
});
