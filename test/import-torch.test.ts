// PyTorch / ONNX layouts: OIHW convolution and [out, in] dense weights converted to ConvKit's, and a
// torch-style state dict (made by hand from a ConvKit model by transposing) loaded into a fresh model
// reproduces the original's outputs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, noGrad, uniform, arange } from '../src/index.js';
import { BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, Linear, ReLU, Sequential } from '../src/nn/index.js';
import { fromOIHW, fromOutIn, loadTorchStateDict, torchToConvKitName } from '../src/io/importers/index.js';

function smallNet(seed: number): Sequential {
  const generator = new Generator(seed);
  return new Sequential(
    new Conv2d(3, 4, 3, { padding: 1, generator }),
    new BatchNorm2d(4),
    new ReLU(),
    new Conv2d(4, 8, 3, { stride: 2, groups: 4, generator }), // depthwise with multiplier 2
    new Flatten(),
    new Linear(8 * 2 * 2, 5, { generator }),
  );
}

/** The [H, W, C] map smallNet's Linear reads, and its input shape. */
const FLATTENED: [number, number, number] = [2, 2, 8];
const INPUT_SHAPE: [number, number, number] = [5, 5, 3];

/**
 * The state dict PyTorch would save for this model: OIHW convs, [out, in] dense with the inputs of a Linear
 * after the Flatten in PyTorch's (c, h, w) order, snake_case statistics.
 */
function torchStateDict(model: Sequential): Record<string, Tensor> {
  const modules = new Map(model.namedModules());
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    const owner = modules.get(name.slice(0, name.lastIndexOf('.')));
    const leaf = name.endsWith('.weight');
    let torch = t.detach();
    if (leaf && owner instanceof Conv2d) torch = torch.permute([3, 2, 0, 1]);
    if (leaf && owner instanceof Linear) {
      const [h, w, c] = FLATTENED;
      torch = torch.reshape([h, w, c, -1]).permute([3, 2, 0, 1]).reshape([-1, c * h * w]);
    }
    out[name.replace('runningMean', 'running_mean').replace('runningVar', 'running_var')] = torch.clone();
  }
  out['1.num_batches_tracked'] = new Tensor(new Int32Array([3]), []);
  return out;
}

describe('PyTorch layouts', () => {
  it('fromOIHW puts w[o, i, h, w] at [h, w, i, o]; fromOutIn transposes', () => {
    const oihw = arange(0, 2 * 3 * 4 * 5, 1, { dtype: 'float32' }).reshape([2, 3, 4, 5]);
    const hwio = fromOIHW(oihw);
    assert.deepEqual(hwio.shape, [4, 5, 3, 2]);
    const at = (t: Tensor, idx: number[]) => t.data[idx.reduce((flat, v, k) => flat * t.shape[k] + v, 0)];
    for (const [o, i, h, w] of [[0, 0, 0, 0], [1, 2, 3, 4], [1, 0, 2, 1], [0, 2, 1, 3]]) assert.equal(at(hwio, [h, w, i, o]), at(oihw, [o, i, h, w]));
    const dense = arange(0, 6, 1, { dtype: 'float32' }).reshape([2, 3]);
    assert.deepEqual(fromOutIn(dense).toArray(), [[0, 3], [1, 4], [2, 5]]);
    assert.throws(() => fromOIHW(dense), /fromOIHW: expected a 4-D convolution weight \[out, in\/groups, kH, kW\], got \[2, 3\]/);
    assert.throws(() => fromOutIn(oihw), /fromOutIn: expected a 2-D dense weight \[out, in\], got \[2, 3, 4, 5\]/);
  });

  it('names: batch-norm statistics become camelCase; num_batches_tracked is dropped', () => {
    assert.equal(torchToConvKitName('layer1.0.bn1.running_mean'), 'layer1.0.bn1.runningMean');
    assert.equal(torchToConvKitName('bn.running_var'), 'bn.runningVar');
    assert.equal(torchToConvKitName('bn.num_batches_tracked'), null);
    assert.equal(torchToConvKitName('features.0.weight'), 'features.0.weight');
  });

  it('a torch-layout state dict round-trips into a fresh model with identical outputs', () => {
    const original = smallNet(1);
    const bn = original.at(1) as BatchNorm2d;
    bn.runningMean!.copy_(uniform([4], -0.5, 0.5, { generator: new Generator(7) }));
    bn.runningVar!.copy_(uniform([4], 0.5, 2, { generator: new Generator(8) }));
    original.eval();
    // As saved from a DataParallel model: every name has a 'module.' prefix.
    const torch = Object.fromEntries(Object.entries(torchStateDict(original)).map(([k, v]) => [`module.${k}`, v]));
    assert.deepEqual(torch['module.0.weight'].shape, [4, 3, 3, 3]);
    assert.deepEqual(torch['module.3.weight'].shape, [8, 1, 3, 3]);
    assert.deepEqual(torch['module.5.weight'].shape, [5, 32]);

    const copy = smallNet(2).eval();
    const x = uniform([2, 5, 5, 3], -1, 1, { generator: new Generator(3) });
    assert.notDeepEqual(Array.from(noGrad(() => copy.forward(x)).data), Array.from(noGrad(() => original.forward(x)).data));
    const result = loadTorchStateDict(copy, torch, { rename: (name) => name.replace(/^module\./, ''), inputShape: INPUT_SHAPE });
    assert.deepEqual(result, { missing: [], unexpected: [] });
    assert.deepEqual(Array.from(noGrad(() => copy.forward(x)).data), Array.from(noGrad(() => original.forward(x)).data));
  });

  it('a mis-shaped or unknown tensor is reported with the rest, and nothing is loaded', () => {
    const model = smallNet(4);
    const before = Array.from(model.at(0).stateDict().weight.data);
    const torch = torchStateDict(smallNet(5));
    torch['5.weight'] = new Tensor(new Float32Array(5 * 30), [5, 30]);
    torch['9.weight'] = new Tensor(new Float32Array(1), [1]);
    delete torch['5.bias'];
    assert.throws(() => loadTorchStateDict(model, torch, { inputShape: INPUT_SHAPE }), (e: Error) => {
      assert.match(e.message, /loadTorchStateDict: 3 problem\(s\)/);
      assert.match(e.message, /shape of '5.weight': saved \[30, 5\], model \[32, 5\]/);
      assert.match(e.message, /unexpected '9.weight'/);
      assert.match(e.message, /missing '5.bias'/);
      return true;
    });
    assert.deepEqual(Array.from(model.at(0).stateDict().weight.data), before);
  });
});

describe('ConvTranspose2d from PyTorch', () => {
  it("a [in, out/groups, kH, kW] weight loads so the forward is PyTorch's out[i*s + k] += x[i] * w[i, o, k]", () => {
    const [inC, outC, k] = [2, 3, 2];
    // torch weight[i][o][ky][kx] = 1000 i + 100 o + 10 ky + kx: every entry distinct, readable by position.
    const torchWeight = new Float32Array(inC * outC * k * k).map((_, f) => {
      const [i, o, ky, kx] = [Math.floor(f / (outC * k * k)), Math.floor(f / (k * k)) % outC, Math.floor(f / k) % k, f % k];
      return 1000 * i + 100 * o + 10 * ky + kx;
    });
    const layer = new ConvTranspose2d(inC, outC, k, { stride: 2, bias: false });
    const result = loadTorchStateDict(layer, { weight: new Tensor(torchWeight, [inC, outC, k, k]) });
    assert.deepEqual(result.missing, []);
    // One pixel x = [1, 2]: output pixel (ky, kx), channel o, is sum_i x[i] * w[i, o, ky, kx].
    const y = noGrad(() => layer.forward(new Tensor(Float32Array.of(1, 2), [1, 1, 1, inC])));
    const expected: number[] = [];
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let o = 0; o < outC; o++) {
      expected.push(1 * (100 * o + 10 * ky + kx) + 2 * (1000 + 100 * o + 10 * ky + kx));
    }
    assert.deepEqual(y.toFlatArray(), expected);
  });
});
