// Attribution (issue 13 viz item 4): saliency against float64 central differences of the class score;
// SmoothGrad with no noise equals saliency, and with noise equals the mean over the same seeded noisy copies;
// Grad-CAM on a hand-built net whose answer is known, and against a direct computation from the layer's
// activations and float64 central-difference gradients of the layers above it; occlusion against a
// brute-force loop over pixels and windows. The references are computed in float64 once, before the backend
// suites; the methods run on each backend in float32.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, manualSeed, models, noGrad, rand, tensor } from '../src/index.js';
import { Conv2d, Flatten, GlobalAvgPool2d, Linear, MaxPool2d, Module, Parameter, ReLU, Sequential, Tanh } from '../src/nn/index.js';
import { getLayerOutputs } from '../src/nn/layer-outputs.js';
import { Generator } from '../src/util/random.js';
import { gradCam, occlusion, saliency, smoothGrad } from '../src/viz/index.js';
import { windowStarts } from '../src/viz/occlusion.js';
import { forEachBackend } from './helpers/backends.js';

/** The same module with float64 copies of its parameters. */
function toFloat64<M extends Module>(model: M): M {
  for (const [, m] of model.namedModules()) {
    for (const [key, value] of Object.entries(m)) if (value instanceof Parameter) (m as unknown as Record<string, Parameter>)[key] = new Parameter(value.to('float64'));
  }
  return model.eval();
}

/** d f / d x by float64 central differences, for every element of x. */
function centralDifferences(f: (x: Tensor) => number, x: Tensor, eps = 1e-6): Float64Array {
  const out = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const bumped = (d: number) => {
      const y = x.clone();
      y.data[i] += d;
      return f(y);
    };
    out[i] = (bumped(eps) - bumped(-eps)) / (2 * eps);
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** float32 against a float64 reference: within 1e-5 of the reference's largest magnitude (float32 keeps 24 bits). */
function assertCloseToReference(actual: Tensor, reference: ArrayLike<number>, what: string): void {
  const scale = Math.max(...Array.from(reference, Math.abs));
  assert.ok(scale > 0, `${what}: the reference is all zeros, so the test would prove nothing`);
  const err = maxAbsDiff(actual.toFlatArray(), reference);
  assert.ok(err <= 1e-5 * scale, `${what}: max difference ${err} vs largest value ${scale}`);
}

// A tiny classifier: smooth (tanh), so central differences have no kinks to straddle.
const tinyNet = () => {
  manualSeed(5);
  return new Sequential(new Conv2d(2, 3, 3, { padding: 1 }), new Tanh(), new Flatten(), new Linear(5 * 4 * 3, 4)).eval();
};
const tinyImage = rand([5, 4, 2], { generator: new Generator(6) });
const tiny64 = toFloat64(tinyNet());
const score64 = (x: Tensor, target: number) => noGrad(() => tiny64.forward(x.to('float64').unsqueeze(0)).data[target]);
const top64 = noGrad(() => tiny64.forward(tinyImage.to('float64').unsqueeze(0)).argmax(-1).item());
/** The float64 saliency of `target`: |central difference| with the maximum over the 2 channels. */
function saliencyReference(image: Tensor, target: number): number[] {
  const g = centralDifferences((x) => score64(x, target), image.to('float64'));
  return Array.from({ length: g.length / 2 }, (_, p) => Math.max(Math.abs(g[2 * p]), Math.abs(g[2 * p + 1])));
}
const saliencyTop = saliencyReference(tinyImage, top64);
const saliencyClass2 = saliencyReference(tinyImage, 2);
const topScore64 = score64(tinyImage, top64);
const saliencyOf64 = saliency(tiny64, tinyImage.to('float64'));

// Grad-CAM directly: A at features.3 (a convolution, before its ReLU), gradients of the layers above from float64
// central differences on A, alpha = their spatial mean, ReLU(sum_k alpha_k A_k), interpolated to the image.
const camNet = () => {
  manualSeed(8);
  return new Sequential({
    features: new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Conv2d(4, 5, 3, { padding: 1 }), new ReLU()),
    head: new Sequential(new Flatten(), new Linear(4 * 3 * 5, 3)),
  }).eval();
};
const camImage = rand([8, 6, 3], { generator: new Generator(9) });
const cam64 = toFloat64(camNet());
const camReference = (() => {
  const a = noGrad(() => getLayerOutputs(cam64, camImage.to('float64').unsqueeze(0), ['features.3'])['features.3']);
  const above = (t: Tensor) => noGrad(() => (cam64 as unknown as { head: Module }).head.forward(F.relu(t)));
  const target = noGrad(() => above(a).argmax(-1).item());
  const grad = centralDifferences((t) => above(t).data[target], a);
  const [, h, w, k] = a.shape;
  const alpha = Array.from({ length: k }, (_, c) => {
    let s = 0;
    for (let p = 0; p < h * w; p++) s += grad[p * k + c];
    return s / (h * w);
  });
  const layerMap = Array.from({ length: h * w }, (_, p) => Math.max(0, alpha.reduce((s, al, c) => s + al * a.data[p * k + c], 0)));
  const map = F.interpolate(tensor(layerMap, [1, h, w, 1], { dtype: 'float64' }), { size: [8, 6], mode: 'bilinear' });
  return { target, layerMap, map: map.toFlatArray() };
})();

/** Occlusion by brute force: every pixel, every window covering it (starts on the stride grid or flush with the end), one forward each. */
function occlusionBruteForce(model: Module, image: Tensor, window: number, stride: number, baseline: number, target: number): number[] {
  const [h, w, c] = image.shape;
  const score = (x: Tensor) => noGrad(() => model.forward(x.unsqueeze(0)).data[target]);
  const base = score(image);
  const starts = (n: number) => Array.from({ length: n - window + 1 }, (_, s) => s).filter((s) => s % stride === 0 || s === n - window);
  const drops = new Map<string, number>();
  const dropAt = (top: number, left: number) => {
    const key = `${top},${left}`;
    if (!drops.has(key)) {
      const x = image.clone();
      for (let r = top; r < top + window; r++) for (let col = left; col < left + window; col++) for (let k = 0; k < c; k++) x.data[(r * w + col) * c + k] = baseline;
      drops.set(key, base - score(x));
    }
    return drops.get(key)!;
  };
  const out: number[] = [];
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const covering = starts(h).filter((t) => t <= r && r < t + window).flatMap((t) => starts(w).filter((l) => l <= col && col < l + window).map((l) => dropAt(t, l)));
      out.push(covering.reduce((a, b) => a + b, 0) / covering.length);
    }
  }
  return out;
}
const occImage = rand([7, 6, 2], { generator: new Generator(10) });
const occlusionReference = occlusionBruteForce(toFloat64(tinyOccNet()), occImage.to('float64'), 3, 2, 0.5, 1);
function tinyOccNet() {
  manualSeed(12);
  return new Sequential(new Conv2d(2, 3, 3), new Tanh(), new Flatten(), new Linear(5 * 4 * 3, 3)).eval();
}

describe('saliency in float64', () => {
  it('equals the central differences to 1e-8 (their own error is about eps^2 = 1e-12 plus rounding / eps, 1e-10)', () => {
    assert.equal(saliencyOf64.map.dtype, 'float64');
    assert.ok(maxAbsDiff(saliencyOf64.map.toFlatArray(), saliencyTop) < 1e-8);
  });
});

forEachBackend(() => {
  describe('saliency', () => {
    it('is |d score / d pixel| (float64 central differences), max over channels, for the top class by default', () => {
      const r = saliency(tinyNet(), tinyImage);
      assert.equal(r.target, top64);
      assert.deepEqual(r.map.shape, [5, 4]);
      assertCloseToReference(r.map, saliencyTop, 'saliency of the top class');
      assert.ok(Math.abs(r.score - topScore64) < 1e-5);
    });

    it('explains the class it is given, from an image [1, H, W, C] as well', () => {
      const r = saliency(tinyNet(), tinyImage.unsqueeze(0), { target: 2 });
      assert.equal(r.target, 2);
      assertCloseToReference(r.map, saliencyClass2, 'saliency of class 2');
    });

    it("leaves the model's mode, requiresGrad and gradients as they were", () => {
      const net = tinyNet().train();
      saliency(net, tinyImage);
      assert.ok(net.namedModules().every(([, m]) => m.training));
      assert.ok(net.parameters().every((p) => p.requiresGrad && p.grad === null));
    });

    it('says what is wrong with a bad image or target', () => {
      assert.throws(() => saliency(tinyNet(), rand([2, 5, 4, 2])), /saliency: the image must be one image \[H, W, C\] or \[1, H, W, C\] as the model takes it, got \[2, 5, 4, 2\]/);
      assert.throws(() => saliency(tinyNet(), tinyImage, { target: 4 }), /saliency: target must be an integer in \[0, 3\] \(the model has 4 outputs per image\), got 4/);
    });
  });

  describe('smoothGrad', () => {
    it('with no noise equals saliency exactly', () => {
      const plain = saliency(tinyNet(), tinyImage, { target: 1 });
      const smooth = smoothGrad(tinyNet(), tinyImage, { target: 1, noise: 0, samples: 7, batchSize: 3 });
      assert.deepEqual(smooth.map.toFlatArray(), plain.map.toFlatArray());
    });

    it('is the mean of the saliency maps of the seeded noisy copies (one channel, so max over channels is the identity)', () => {
      manualSeed(21);
      const net = new Sequential(new Conv2d(1, 2, 3, { padding: 1 }), new Tanh(), new Flatten(), new Linear(6 * 5 * 2, 3));
      const image = rand([6, 5, 1], { generator: new Generator(22) });
      const noise = 0.2;
      const samples = 6;
      const sigma = noise * (image.max().item() - image.min().item());
      const g = new Generator(4);
      const mean = new Float64Array(30);
      for (let s = 0; s < samples; s++) {
        const n = new Float64Array(30);
        g.fillNormal(n, 0, sigma);
        const noisy = tensor(Array.from(image.data, (v, i) => v + n[i]), [6, 5, 1]);
        saliency(net, noisy, { target: 0 }).map.data.forEach((v, i) => (mean[i] += v / samples));
      }
      const smooth = smoothGrad(net, image, { target: 0, noise, samples, seed: 4, batchSize: 4 });
      assert.ok(maxAbsDiff(smooth.map.toFlatArray(), mean) <= 1e-6 * Math.max(...mean));
    });

    it('is reproducible by seed, and another seed gives another map', () => {
      const run = (seed: number) => smoothGrad(tinyNet(), tinyImage, { samples: 5, seed }).map.toFlatArray();
      assert.deepEqual(run(3), run(3));
      assert.notDeepEqual(run(3), run(4));
    });

    it('rejects bad samples, noise and batch sizes', () => {
      assert.throws(() => smoothGrad(tinyNet(), tinyImage, { samples: 0 }), /smoothGrad: samples must be an integer >= 1, got 0/);
      assert.throws(() => smoothGrad(tinyNet(), tinyImage, { noise: -1 }), /smoothGrad: noise must be a finite number >= 0/);
      assert.throws(() => smoothGrad(tinyNet(), tinyImage, { batchSize: 1.5 }), /smoothGrad: batchSize must be an integer >= 1, got 1.5/);
    });
  });

  describe('gradCam', () => {
    // conv 1x1 (stride 2) with weights +1 and -1, ReLU, global average, linear [[2, 0], [0, 3]]: the score of
    // class 0 is 2 mean(relu(x)) over the 2x2 map, so at the ReLU alpha = [2/4, 0] and the map is relu(x)/2;
    // class 1's is 3 relu(-x)/4. At the convolution, alpha_0 = 2/4 * (share of positive x): a multiple of relu(x).
    const handBuilt = () => {
      const conv = new Conv2d(1, 2, 1, { stride: 2 });
      conv.weight.data.set([1, -1]);
      conv.bias!.data.set([0, 0]);
      const fc = new Linear(2, 2);
      fc.weight.data.set([2, 0, 0, 3]);
      fc.bias!.data.set([0, 0]);
      return new Sequential(conv, new ReLU(), new GlobalAvgPool2d(), fc);
    };
    const x = tensor([1, 9, -2, 9, 9, 9, 9, 9, -4, 9, 3, 9, 9, 9, 9, 9], [4, 4, 1]); // the conv sees 1, -2, -4, 3

    it('on a hand-built net: the known maps at the layer, upsampled bilinearly', () => {
      const c0 = gradCam(handBuilt(), x, '1', { target: 0 });
      assert.deepEqual(c0.layerMap.toFlatArray(), [0.5, 0, 0, 1.5]);
      const c1 = gradCam(handBuilt(), x, '1', { target: 1 });
      assert.deepEqual(c1.layerMap.toFlatArray(), [0, 1.5, 3, 0]);
      assert.equal(c1.score, 4.5);
      const expected = F.interpolate(tensor([0, 1.5, 3, 0], [1, 2, 2, 1]), { size: [4, 4], mode: 'bilinear' });
      assert.deepEqual(c1.map.toFlatArray(), expected.toFlatArray());
      const atConv = gradCam(handBuilt(), x, '0', { target: 0 }); // alpha_0 = 2/4 * 2/4, alpha_1 = 0
      assert.deepEqual(atConv.layerMap.toFlatArray(), [0.25, 0, 0, 0.75]);
      assert.equal(gradCam(handBuilt(), x, '1').target, 1); // 4.5 > 2
    });

    it("equals the direct computation from the layer's activations and central-difference gradients", () => {
      const r = gradCam(camNet(), camImage, 'features.3');
      assert.equal(r.target, camReference.target);
      assertCloseToReference(r.layerMap, camReference.layerMap, 'the layer map');
      assertCloseToReference(r.map, camReference.map, 'the upsampled map');
    });

    it('works on a zoo ResNet at its last block; the model is left as it was', () => {
      manualSeed(30);
      const net = models.resnet18({ widthMultiplier: 0.25, numClasses: 5 });
      const r = gradCam(net, rand([32, 32, 3], { generator: new Generator(31) }), 'layer4');
      assert.deepEqual(r.map.shape, [32, 32]);
      assert.deepEqual(r.layerMap.shape, [1, 1]);
      assert.ok(r.map.toFlatArray().every((v) => v >= 0 && Number.isFinite(v)));
      assert.ok(net.training && net.parameters().every((p) => p.requiresGrad && p.grad === null));
    });

    it('names the layer when it is unknown, or its output is not a map', () => {
      assert.throws(() => gradCam(handBuilt(), x, 'conv9'), /gradCam: no layer named "conv9" in the model; its layers are: 0, 1, 2, 3/);
      assert.throws(() => gradCam(handBuilt(), x, '3'), /gradCam: layer '3' gives a \[1, 2\] output; Grad-CAM needs a convolutional map \[1, h, w, channels\]/);
    });
  });

  describe('occlusion', () => {
    it('equals a brute-force loop over pixels and the windows covering them', () => {
      const r = occlusion(tinyOccNet(), occImage, { window: 3, stride: 2, baseline: 0.5, target: 1, batchSize: 4 });
      assert.deepEqual(r.map.shape, [7, 6]);
      assertCloseToReference(r.map, occlusionReference, 'occlusion');
    });

    it('places windows on the stride grid and one flush with the end', () => {
      assert.deepEqual(windowStarts(7, 3, 2), [0, 2, 4]);
      assert.deepEqual(windowStarts(6, 3, 2), [0, 2, 3]);
      assert.deepEqual(windowStarts(5, 5, 1), [0]);
    });

    it('rejects a window larger than the image', () => {
      assert.throws(() => occlusion(tinyOccNet(), occImage, { window: 8 }), /occlusion: window must be a positive integer or \[height, width\] of them, at most the image's 7x6, got 8/);
    });
  });
});
