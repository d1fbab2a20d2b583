// convTranspose2d / nn.ConvTranspose2d: hand-computed blocks, PyTorch's definition written out as a scatter
// loop (every input pixel adds weight * value to the output window it maps to) on random geometry with
// groups, dilation, padding and outputPadding, tfjs conv2dTranspose (forward and gradients), float64
// gradient checks, the fast convolution kernels running it on the wasm backend, and errors.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, getWasmStats, gradcheck, randn, resetWasmStats, tensor, uniform, type Tensor } from '../src/index.js';
import { ConvTranspose2d } from '../src/nn/index.js';
import type { ConvTranspose2dOptions } from '../src/ops/functional.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose, maxAbs } from './helpers/assert-close.js';
import { compareWithTfjs, tf } from './helpers/tfjs-reference.js';

interface Geometry {
  stride: [number, number];
  padding: [number, number];
  outputPadding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** PyTorch's definition: out[i * s - p + k * d] += x[i] * w[k], per group, in float64. */
function scatterDefinition(x: Tensor, w: Tensor, bias: Tensor | null, o: Geometry): { data: Float64Array; shape: number[] } {
  const [N, H, W, inC] = x.shape;
  const [kH, kW, coutG] = w.shape;
  const outC = coutG * o.groups;
  const cinG = inC / o.groups;
  const [outH, outW] = outputSize([H, W], [kH, kW], o);
  const out = new Float64Array(N * outH * outW * outC);
  for (let i = 0; i < out.length; i++) out[i] = bias ? bias.data[i % outC] : 0;
  for (let n = 0; n < N; n++) for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) for (let ci = 0; ci < inC; ci++) {
    const g = Math.floor(ci / cinG);
    const v = x.data[((n * H + iy) * W + ix) * inC + ci];
    for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
      const oy = iy * o.stride[0] - o.padding[0] + ky * o.dilation[0];
      const ox = ix * o.stride[1] - o.padding[1] + kx * o.dilation[1];
      if (oy < 0 || oy >= outH || ox < 0 || ox >= outW) continue;
      for (let co = 0; co < coutG; co++) {
        out[((n * outH + oy) * outW + ox) * outC + g * coutG + co] += v * w.data[((ky * kW + kx) * coutG + co) * inC + ci];
      }
    }
  }
  return { data: out, shape: [N, outH, outW, outC] };
}

/** The documented output size: (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1. */
function outputSize(input: [number, number], kernel: [number, number], o: Geometry): [number, number] {
  const along = (a: 0 | 1) => (input[a] - 1) * o.stride[a] - 2 * o.padding[a] + o.dilation[a] * (kernel[a] - 1) + o.outputPadding[a] + 1;
  return [along(0), along(1)];
}

const g = new Generator(31);
const between = (lo: number, hi: number) => lo + g.randint(hi - lo + 1);

function randomGeometry(): Geometry & { kH: number; kW: number } {
  const stride: [number, number] = [between(1, 3), between(1, 2)];
  const dilation: [number, number] = g.random() < 0.4 ? [between(1, 2), 2] : [1, 1];
  const [kH, kW] = [between(1, 4), between(1, 3)];
  const limit = (a: 0 | 1) => Math.max(stride[a], dilation[a]) - 1;
  return {
    kH,
    kW,
    stride,
    dilation,
    padding: [between(0, kH - 1), between(0, kW - 1)],
    outputPadding: [between(0, limit(0)), between(0, limit(1))],
    groups: between(1, 3),
  };
}

/** An input size (1..5 per axis) for which the geometry's output is not empty. */
function randomInputSize(c: Geometry & { kH: number; kW: number }): [number, number] {
  for (;;) {
    const size: [number, number] = [between(1, 5), between(1, 5)];
    const [outH, outW] = outputSize(size, [c.kH, c.kW], c);
    if (outH >= 1 && outW >= 1) return size;
  }
}

forEachBackend((backend) => {
  it('stride 2 places a weighted copy of the kernel per input pixel; stride 1 overlaps and adds', () => {
    const w = tensor([1, 10, 100, 1000], [2, 2, 1, 1]);
    const y = F.convTranspose2d(tensor([1, 2, 3, 4], [1, 2, 2, 1]), w, null, { stride: 2 });
    assert.deepEqual(y.toArray(), [[[[1], [10], [2], [20]], [[100], [1000], [200], [2000]], [[3], [30], [4], [40]], [[300], [3000], [400], [4000]]]]);
    // A row [1, 2] through the kernel [1, 1]: 1 * [1, 1] at 0 plus 2 * [1, 1] at 1 is [1, 3, 2]; bias 0.5 on top.
    const row = F.convTranspose2d(tensor([1, 2], [1, 1, 2, 1]), tensor([1, 1], [1, 2, 1, 1]), tensor([0.5]));
    assert.deepEqual(row.toFlatArray(), [1.5, 3.5, 2.5]);
    // padding 1 crops the full 1x4 output [1, 3, 2] of a 1x2 row to its middle; outputPadding then adds a column.
    assert.deepEqual(F.convTranspose2d(tensor([1, 2], [1, 1, 2, 1]), tensor([1, 1], [1, 2, 1, 1]), null, { padding: [0, 1] }).toFlatArray(), [3]);
    const grown = F.convTranspose2d(tensor([1, 2], [1, 1, 2, 1]), tensor([1, 1], [1, 2, 1, 1]), null, { padding: [0, 1], stride: 2, outputPadding: [0, 1] });
    // stride 2: full output [1, 1, 2, 2]; cropped by 1 on each side: [1, 2]; outputPadding adds back the right column: [1, 2, 2].
    assert.deepEqual(grown.toFlatArray(), [1, 2, 2]);
  });

  it("agrees with PyTorch's definition on random geometry (groups, dilation, padding, outputPadding)", () => {
    for (let run = 0; run < 12; run++) {
      const c = randomGeometry();
      const x = randn([between(1, 2), ...randomInputSize(c), c.groups * between(1, 3)], { generator: g });
      const w = randn([c.kH, c.kW, between(1, 3), x.shape[3]], { generator: g });
      const bias = randn([w.shape[2] * c.groups], { generator: g });
      const expected = scatterDefinition(x, w, bias, c);
      resetWasmStats();
      const y = F.convTranspose2d(x, w, bias, c);
      if (backend === 'wasm') assert.deepEqual(getWasmStats().fallbacks, {}, 'float32 runs on the SIMD kernels');
      assert.deepEqual(y.shape, expected.shape, JSON.stringify(c));
      assertAllClose(y.data, expected.data, { atol: 1e-5 * maxAbs(expected.data), rtol: 1e-5 }, JSON.stringify(c));
      const y64 = F.convTranspose2d(x.to('float64'), w.to('float64'), bias.to('float64'), c);
      assertAllClose(y64.data, expected.data, { atol: 1e-12, rtol: 1e-12 }, `float64 ${JSON.stringify(c)}`);
    }
  });

  it('forward and gradients agree with tfjs conv2dTranspose (one group, no dilation)', () => {
    for (let run = 0; run < 6; run++) {
      const c = randomGeometry();
      c.dilation = [1, 1];
      c.groups = 1;
      c.outputPadding = [between(0, c.stride[0] - 1), between(0, c.stride[1] - 1)];
      const x = randn([between(1, 2), ...randomInputSize(c), between(1, 4)], { generator: g, requiresGrad: true });
      const w = randn([c.kH, c.kW, between(1, 4), x.shape[3]], { generator: g, requiresGrad: true });
      const out = scatterDefinition(x, w, null, c).shape as [number, number, number, number];
      compareWithTfjs({
        label: `convTranspose2d x ${JSON.stringify(x.shape)} w ${JSON.stringify(w.shape)} ${JSON.stringify(c)}`,
        inputs: [x, w],
        convkit: (xs, ws) => F.convTranspose2d(xs, ws, null, c),
        // tfjs takes the forward conv's explicit padding; the output shape fixes the outputPadding rows.
        tfjs: (xs, ws) => tf.conv2dTranspose(xs as tf.Tensor4D, ws as tf.Tensor4D, out, c.stride, [[0, 0], [c.padding[0], c.padding[0]], [c.padding[1], c.padding[1]], [0, 0]]),
      });
    }
  });

  it('passes float64 gradient checks for input, weight and bias', () => {
    const h = new Generator(9);
    for (const options of [
      { stride: 2, padding: 1, outputPadding: 1 },
      { stride: [1, 2], dilation: [2, 1], groups: 2, outputPadding: [1, 0] },
    ] as ConvTranspose2dOptions[]) {
      const x = uniform([2, 3, 3, 4], -1, 1, { dtype: 'float64', generator: h }).requiresGrad_();
      const w = uniform([3, 2, 3, 4], -1, 1, { dtype: 'float64', generator: h }).requiresGrad_();
      const b = uniform([3 * (options.groups ?? 1)], -1, 1, { dtype: 'float64', generator: h }).requiresGrad_();
      assert.equal(gradcheck((xs, ws, bs) => F.convTranspose2d(xs, ws, bs, options), [x, w, b]), true, JSON.stringify(options));
    }
  });

  if (backend === 'wasm') {
    it("runs on the convolution kernels' fast paths, forward and backward, without falling back", () => {
      const x = randn([2, 13, 11, 16], { generator: g, requiresGrad: true });
      const w = randn([3, 3, 8, 16], { generator: g, requiresGrad: true });
      resetWasmStats();
      F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }).sum().backward();
      const { kernels, fallbacks } = getWasmStats();
      const ran = Object.keys(kernels).map((k) => k.split('.')[0]).sort();
      assert.deepEqual([...new Set(ran)], ['conv2d', 'conv2dBackwardFilter', 'conv2dBackwardInput'], JSON.stringify(kernels));
      assert.deepEqual(fallbacks, {});
    });
  }

  it('nn.ConvTranspose2d: shapes, PyTorch-style init, the op, and named errors', () => {
    const layer = new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, generator: new Generator(2) });
    assert.deepEqual(layer.weight.shape, [3, 3, 6, 4]);
    const bound = 1 / Math.sqrt(3 * 3 * 6);
    assert.ok(maxAbs(layer.weight.data) <= bound && maxAbs(layer.weight.data) > 0.8 * bound);
    const x = randn([1, 5, 7, 4], { generator: g });
    const y = layer.forward(x);
    assert.deepEqual(y.shape, [1, 10, 14, 6], 'kernel 3, stride 2, padding 1, outputPadding 1 doubles the size');
    assert.deepEqual(y.toFlatArray(), F.convTranspose2d(x, layer.weight, layer.bias, layer.options).toFlatArray());
    assert.equal(layer.toString(), 'ConvTranspose2d(4, 6, kernelSize=3, stride=2, padding=1, outputPadding=1)');
    assert.throws(() => layer.forward(randn([1, 5, 5, 3])), /ConvTranspose2d\(4, 6\): input \[1, 5, 5, 3\] has 3 channels, expected 4 \(NHWC\)/);
    assert.throws(() => new ConvTranspose2d(4, 6, 3, { stride: 2, outputPadding: 2 }), /ConvTranspose2d: outputPadding \[2,2\] must be smaller than either stride \[2,2\] or dilation \[1,1\]/);
    assert.throws(() => new ConvTranspose2d(4, 6, 3, { groups: 4 }), /ConvTranspose2d: groups = 4 must be a positive integer dividing inChannels 4 and outChannels 6/);
    assert.throws(() => F.convTranspose2d(x, randn([3, 3, 6, 5])), /convTranspose2d: input \[1, 5, 7, 4\] has 4 channels but weight \[3, 3, 6, 5\] expects 5; weights are \[kH, kW, outChannels\/groups, inChannels\]/);
    assert.throws(() => F.convTranspose2d(randn([1, 1, 1, 4]), randn([1, 1, 2, 4]), null, { padding: 1 }), /convTranspose2d: input \[1, 1, 1, 4\] with kernel 1x1, stride \[1,1\], padding \[1,1\] gives an empty output -1x-1/);
    assert.throws(() => F.convTranspose2d(x, randn([3, 3, 6, 4]), randn([4])), /convTranspose2d: bias must be \[6\], got \[4\]/);
  });
}, {
  expectedFallbacks: [{
    ops: ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardFilter', 'channelSums'],
    reason: 'not float32',
    because: 'the scatter-definition comparison and the gradient checks run in float64 too; float32 is asserted on the SIMD kernels',
  }],
});
