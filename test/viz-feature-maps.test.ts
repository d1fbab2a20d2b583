// Feature maps, filters and activation maximisation (issue 13 item 3): the Fourier basis is orthonormal
// and the image parametrisation inverts exactly; the differentiable warp equals the augmentation's affine
// and passes a float64 gradcheck; gradient ascent raises the objective and is reproducible from its seed;
// per-channel and per-filter scaling against hand-computed values; and the three CLI commands.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, gradcheck, manualSeed, rand, tensor } from '../src/index.js';
import { Conv2d, ReLU, Sequential } from '../src/nn/index.js';
import { affine } from '../src/data/augment-affine.js';
import { readRawImage } from '../src/node/index.js';
import { ImageParametrization, affineWarp, applyColormap, featureMaps, filters, maximizeActivation, realFourierBasis, vizModel } from '../src/viz/index.js';
import { forEachBackend } from './helpers/backends.js';
import { lastJson, runConvkit } from './helpers/run-cli.js';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('realFourierBasis', () => {
  it('is orthonormal for odd and even lengths', () => {
    for (const n of [1, 2, 5, 8, 9]) {
      const { matrix } = realFourierBasis(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let y = 0; y < n; y++) dot += matrix[i * n + y] * matrix[j * n + y];
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12, `n ${n} rows ${i}, ${j}: ${dot}`);
      }
    }
  });
});

describe('ImageParametrization', () => {
  for (const [label, shape, options] of [
    ['Fourier, decorrelated colours', [10, 7, 3], {}],
    ['Fourier, gray', [8, 8, 1], {}],
    ['pixels, decorrelated colours', [5, 6, 3], { fourier: false }],
    ['pixels, plain', [5, 6, 3], { fourier: false, decorrelate: false }],
  ] as const) {
    it(`inverts exactly (${label}): render(paramsFor(image)) = image`, () => {
      const p = new ImageParametrization(shape, { ...options, generator: new Generator(2) });
      const image = rand([...shape], { generator: new Generator(3) }).mul(0.9).add(0.05);
      p.params.data.set(p.paramsFor(image));
      assert.ok(maxAbsDiff(p.render().data, image.data) < 1e-5);
    });
  }

  it('starts near grey and is seeded', () => {
    const a = new ImageParametrization([16, 16, 3], { generator: new Generator(7) }).render();
    const b = new ImageParametrization([16, 16, 3], { generator: new Generator(7) }).render();
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
    assert.ok(maxAbsDiff(a.data, new Float32Array(a.size).fill(0.5)) < 0.05);
    assert.throws(() => new ImageParametrization([4, 4, 1], { decorrelate: true }), /decorrelated colours need 3 channels, the image has 1/);
    assert.throws(() => new ImageParametrization([4, 4, 3]).paramsFor(rand([4, 4, 3]).mul(0)), /strictly in \(0, 1\), got 0/);
  });
});

forEachBackend(() => {
  describe('affineWarp', () => {
    it("equals the augmentation's affine warp, grey outside", () => {
      const x = rand([1, 9, 11, 3], { generator: new Generator(4) });
      const params = { angle: 7, scale: 1.1, translate: [1.5, -2] as [number, number] };
      assert.ok(maxAbsDiff(affineWarp(x, params, 0.5).data, affine(x.reshape([9, 11, 3]), params, { fill: 0.5 }).data) < 1e-6);
    });

    it('passes a float64 gradcheck', () => {
      const x = rand([1, 5, 6, 2], { generator: new Generator(5) }).to('float64').requiresGrad_();
      assert.equal(gradcheck((t) => affineWarp(t, { angle: -9, scale: 0.93, translate: [0.7, 0.2] }, 0.5), [x]), true);
    });
  });

  describe('maximizeActivation', () => {
    /** Weights 5x the default init, so that a (0, 1) image can move the objective by more than rounding. */
    function net(): Sequential {
      manualSeed(6);
      const s = new Sequential({ conv1: new Conv2d(3, 4, 3, { padding: 1 }), relu: new ReLU(), conv2: new Conv2d(4, 3, 3, { stride: 2 }) });
      for (const p of s.parameters()) p.data.set(p.data.map((v) => v * 5));
      return s;
    }

    for (const fourier of [true, false]) {
      it(`raises the channel's mean activation (${fourier ? 'Fourier' : 'pixels'}, with transforms)`, () => {
        const model = vizModel(net(), [16, 16, 3]);
        const r = maximizeActivation(model, 'conv2', 2, { steps: 40, seed: 3, fourier });
        assert.equal(r.objectives.length, 40);
        assert.ok(r.finalObjective > r.initialObjective + 0.02, `${r.initialObjective} -> ${r.finalObjective}`);
        const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
        assert.ok(mean(r.objectives.slice(-10)) > mean(r.objectives.slice(0, 10)));
        assert.deepEqual(r.image.shape, [16, 16, 3]);
        assert.ok(Array.from(r.image.data).every((v) => v > 0 && v < 1));
        assert.ok(model.module.parameters().every((p) => p.requiresGrad), 'the weights are trainable again afterwards');
      });
    }

    it('gives the same image from the same seed, another from another', () => {
      const run = (seed: number) => maximizeActivation(vizModel(net(), [12, 12, 3]), 'conv2', 0, { steps: 8, seed });
      const [a, b, c] = [run(1), run(1), run(2)];
      assert.deepEqual(Array.from(a.image.data), Array.from(b.image.data));
      assert.deepEqual(a.objectives, b.objectives);
      assert.ok(maxAbsDiff(a.image.data, c.image.data) > 1e-3);
    });

    it('names the layer and the valid channels', () => {
      const model = vizModel(net(), [12, 12, 3]);
      assert.throws(() => maximizeActivation(model, 'conv2', 3, { steps: 1 }), /maximizeActivation: layer 'conv2' has channels 0..2, got 3/);
      assert.throws(() => maximizeActivation(model, 'conv7', 0, { steps: 1 }), /no layer named 'conv7'/);
    });
  });
});

describe('featureMaps', () => {
  it('scales each channel to its own range and colours it', () => {
    const conv = new Conv2d(1, 2, 1, { bias: true });
    conv.weight.data.set([1, -2]); // [1, 1, 1, 2]: channel 0 = x, channel 1 = -2x + 1
    conv.bias!.data.set([0, 1]);
    const model = vizModel(new Sequential({ conv }), [2, 2, 1]);
    const image = tensor([0, 0.25, 0.5, 1], [2, 2, 1]);
    const { grid, channels, shape } = featureMaps(model, image, 'conv', { minTile: 2, columns: 2 });
    assert.deepEqual(shape, [2, 2, 2]);
    assert.deepEqual(channels, [
      { channel: 0, min: 0, max: 1, mean: 0.4375 },
      { channel: 1, min: -1, max: 1, mean: 0.125 },
    ]);
    // channel 1 scaled: (v + 1) / 2 for v = 1, 0.5, 0, -1 -> 1, 0.75, 0.5, 0
    const want1 = applyColormap(tensor([1, 0.75, 0.5, 0], [2, 2])).data;
    const { image: picture } = grid;
    const width = picture.shape[1];
    const tile1 = (r: number, c: number) => Array.from(picture.data.slice(((20 + r) * width + 3 + 5 + c) * 3, ((20 + r) * width + 3 + 5 + c) * 3 + 3));
    assert.deepEqual([tile1(0, 0), tile1(0, 1), tile1(1, 0), tile1(1, 1)], [0, 1, 2, 3].map((i) => Array.from(want1.slice(i * 3, i * 3 + 3))));
  });
});

describe('filters', () => {
  it('draws the first convolution, each filter scaled to its own range, and refuses inner layers', () => {
    manualSeed(1);
    const first = new Conv2d(3, 2, 1);
    first.weight.data.set([0.5, -3, 1, 0, 2, 3]); // [1, 1, 3, 2]: filter 0 = (0.5, 1, 2), filter 1 = (-3, 0, 3)
    const model = new Sequential({ first, second: new Conv2d(2, 4, 3) });
    const { grid, layer, shape } = filters(model, { minTile: 1 });
    assert.equal(layer, 'first');
    assert.deepEqual(shape, [1, 1, 3, 2]);
    const px = (x: number) => Array.from(grid.image.data.slice((20 * grid.image.shape[1] + x) * 3, (20 * grid.image.shape[1] + x) * 3 + 3));
    assert.ok(maxAbsDiff(px(3), [0, 0.5 / 1.5, 1]) < 1e-6);
    assert.ok(maxAbsDiff(px(3 + 1 + 3), [0, 0.5, 1]) < 1e-6);
    assert.throws(() => filters(model, { layer: 'second' }), /filters: layer 'second' has weights \[3, 3, 2, 4\]; only filters over 1 or 3 input channels/);
  });
});

describe('convkit viz feature-maps | filters | maximize', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-viz-maps-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the subcommands, each with its own --help', async () => {
    const group = await runConvkit(['viz', '--help']);
    assert.equal(group.code, 0, group.stderr);
    for (const sub of ['receptive-field', 'top-patches', 'feature-maps', 'filters', 'maximize']) assert.match(group.stdout, new RegExp(`\\b${sub}\\b`));
    const help = await runConvkit(['viz', 'maximize', '--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const flag of ['--layer', '--units', '--steps', '--no-fourier', '--no-transforms', '--list-layers', '--json']) assert.ok(help.stdout.includes(flag), flag);
  });

  it('writes the pictures and prints {files, figures}', async () => {
    const maps = await runConvkit(['viz', 'feature-maps', 'resnet18', 'node_modules/@vladmandic/face-api/demo/sample1.jpg', '--layer', 'layer1.0.conv1', '--input', '64x64x3', '--max-channels', '16', '--out', join(dir, 'maps.png'), '--json']);
    assert.equal(maps.code, 0, maps.stderr);
    const m = lastJson<{ files: string[]; figures: { shape: number[]; channels: unknown[] } }>(maps.stdout);
    assert.deepEqual(m.files, [join(dir, 'maps.png')]);
    assert.deepEqual(m.figures.shape, [16, 16, 64]);
    assert.equal(m.figures.channels.length, 16);
    assert.equal((await readRawImage(m.files[0])).channels, 3);

    const f = await runConvkit(['viz', 'filters', 'lenet5', '--out', join(dir, 'filters.png'), '--json']);
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(lastJson(f.stdout), { files: [join(dir, 'filters.png')], figures: { layer: 'features.conv1', shape: [5, 5, 1, 6] } });

    const x = await runConvkit(['viz', 'maximize', 'lenet5', '--layer', 'features.conv2', '--units', '0-1', '--steps', '5', '--out', join(dir, 'max.png'), '--json']);
    assert.equal(x.code, 0, x.stderr);
    const mx = lastJson<{ files: string[]; figures: { layer: string; units: Array<{ unit: number; initialObjective: number; finalObjective: number }> } }>(x.stdout);
    assert.deepEqual(mx.figures.units.map((u) => u.unit), [0, 1]);
    assert.equal((await readRawImage(mx.files[0])).channels, 3);
  });
});
