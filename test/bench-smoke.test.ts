// The benchmark's own plumbing: the protobuf/ONNX writer produces models onnxruntime accepts, and ConvKit
// and onnxruntime, driven through the benchmark adapters, agree on a small version of case (b).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { ProtobufWriter } from '../bench/onnx/protobuf-writer.js';
import { encodeModel } from '../bench/onnx/onnx-proto.js';
import { OnnxGraphBuilder, hwioToOihw } from '../bench/onnx/graph-builder.js';
import { findCase, type BenchCase } from '../bench/cases.js';
import { makeCaseData } from '../bench/case-data.js';
import { convkitImplementations } from '../bench/peers/convkit.js';
import { onnxruntimeImplementations } from '../bench/peers/onnxruntime.js';
import { onnxruntimeWebImplementations } from '../bench/peers/onnxruntime-web.js';
import { pytorchImplementations, torchVersion, TORCH_PYTHON } from '../bench/peers/pytorch.js';
import { tfjsImplementations } from '../bench/peers/tfjs.js';
import type { Implementation, Runner } from '../bench/implementation.js';
import { listBackends } from '../src/index.js';
import { watchFallbacks } from '../src/backend/registry.js';
import { assertAllClose, maxAbs } from './helpers/assert-close.js';

describe('protobuf writer', () => {
  it('writes varints, negative int64 and fixed32 floats as protobuf does', () => {
    // field 1 varint 300 = tag 0x08, then 0xac 0x02 (the protobuf docs' example)
    assert.deepEqual([...new ProtobufWriter().int(1, 300).finish()], [0x08, 0xac, 0x02]);
    // -1 as int64 is ten bytes: nine 0xff and a final 0x01
    assert.deepEqual([...new ProtobufWriter().int(2, -1).finish()], [0x10, ...Array(9).fill(0xff), 0x01]);
    // field 3 fixed32 1.0f = tag 0x1d, then 00 00 80 3f
    assert.deepEqual([...new ProtobufWriter().float(3, 1).finish()], [0x1d, 0x00, 0x00, 0x80, 0x3f]);
    // field 4 string 'ab' = tag 0x22, length 2
    assert.deepEqual([...new ProtobufWriter().string(4, 'ab').finish()], [0x22, 0x02, 0x61, 0x62]);
  });

  it('rejects an initializer whose data does not match its dims', () => {
    const spec = { name: 'g', nodes: [], inputs: [], outputs: [], initializers: [{ name: 'w', dims: [2, 3], data: new Float32Array(5) }] };
    assert.throws(() => encodeModel(spec), /onnx initializer 'w': dims \[2, 3\] need 6 values, got 5/);
  });
});

describe('ONNX graphs from the benchmark writer', () => {
  it('loads in onnxruntime and computes conv, relu, max pool and gemm as written by hand', async () => {
    // x [1, 1, 3, 3] = 1..9; one 2x2 filter of ones with bias 1, no padding -> 2x2 window sums + 1.
    const g = new OnnxGraphBuilder('hand', 'x', [1, 1, 3, 3]);
    const conv = g.relu(g.conv('x', new Float32Array([1, 1, 1, 1]), [2, 2, 1, 1], new Float32Array([1])));
    const pooled = g.flatten(g.maxPool(conv, 2, 2));
    const y = g.gemm(pooled, new Float32Array([1, -1]), [1, 2], new Float32Array([0.5, 0.5]));
    const session = await ort.InferenceSession.create(g.markOutput(y).encode());
    const x = new ort.Tensor('float32', Float32Array.from({ length: 9 }, (_, i) => i + 1), [1, 1, 3, 3]);
    const out = (await session.run({ x }))[y];
    // window sums 12, 16, 24, 28 (+1), max 29; gemm: [29 * 1 + 0.5, 29 * -1 + 0.5]
    assert.deepEqual(out.dims, [1, 2]);
    assert.deepEqual([...(out.data as Float32Array)], [29.5, -28.5]);
  });

  it('converts [kH, kW, inC, outC] filters to ONNX [outC, inC, kH, kW]', () => {
    // w[y][x][i][o] = 1000y + 100x + 10i + o for a 2x2x2x3 filter
    const shape = [2, 2, 2, 3];
    const hwio = new Float32Array(24);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) for (let i = 0; i < 2; i++) for (let o = 0; o < 3; o++) hwio[((y * 2 + x) * 2 + i) * 3 + o] = 1000 * y + 100 * x + 10 * i + o;
    const oihw = hwioToOihw(hwio, shape);
    assert.equal(oihw[((2 * 2 + 1) * 2 + 1) * 2 + 0], 1000 * 1 + 100 * 0 + 10 * 1 + 2); // o=2, i=1, y=1, x=0
    assert.equal(oihw[0], 0);
  });
});

describe('case (b) on small sizes through the benchmark adapters', () => {
  const small: BenchCase = {
    id: 'b-small',
    title: '3x3 same 8->8 at 10x10, batch 2',
    workload: { kind: 'conv', batch: 2, height: 10, width: 10, channels: 8, layers: [{ kernel: 3, outChannels: 8, padding: 'same' }] },
    iterations: 1,
    slowIterations: 1,
    flops: null,
  };

  async function outputOf(impl: Implementation): Promise<Float32Array | null> {
    const prepared = await impl.prepare(small, await makeCaseData(small));
    if ('skip' in prepared) return null;
    const runner: Runner = prepared.runner;
    await runner.activate?.();
    return runner.output!();
  }

  it('ConvKit on every backend matches onnxruntime to float32 accuracy, the wasm rows on the SIMD kernels', async () => {
    const [ortOne] = await onnxruntimeImplementations();
    const expected = (await outputOf(ortOne))!;
    assert.equal(expected.length, 2 * 10 * 10 * 8);
    const compared: string[] = [];
    const declined: string[] = [];
    const stopWatching = watchFallbacks((backend, kernel, reason) => void declined.push(`${backend} ${kernel}: ${reason}`));
    try {
      for (const impl of await convkitImplementations()) {
        const actual = await outputOf(impl);
        if (!actual) continue; // the bench skips a wasm row where the backend is absent; the count below does not
        assertAllClose(actual, expected, { atol: 1e-5 * maxAbs(expected), rtol: 0 }, impl.name);
        compared.push(impl.name);
      }
    } finally {
      stopWatching();
    }
    assert.equal(compared.length, 3, `js, and wasm with 1 and 2 threads; compared: ${compared.join(', ')} (backends: ${listBackends().join(', ')})`);
    assert.deepEqual(declined, [], 'calls the wasm rows handed to the reference kernels');
  });

  it('onnxruntime-web on 1 and 2 threads (each in its worker) matches onnxruntime-node', async () => {
    const [ortOne] = await onnxruntimeImplementations();
    const expected = (await outputOf(ortOne))!;
    const rows = await onnxruntimeWebImplementations();
    assert.deepEqual(rows.map((r) => r.name), ['onnxruntime-web 1t', 'onnxruntime-web 2t']);
    for (const impl of rows) {
      const actual = await outputOf(impl);
      assert.ok(actual, `${impl.name} skipped the case`);
      assertAllClose(actual, expected, { atol: 1e-5 * maxAbs(expected), rtol: 0 }, impl.name);
    }
  });

  it('PyTorch on 1 and 2 threads matches onnxruntime-node', { skip: torchVersion() ? false : `PyTorch is not installed for ${TORCH_PYTHON}` }, async () => {
    const [ortOne] = await onnxruntimeImplementations();
    const expected = (await outputOf(ortOne))!;
    for (const impl of await pytorchImplementations()) {
      const actual = await outputOf(impl);
      assert.ok(actual, `${impl.name} skipped the case`);
      assertAllClose(actual, expected, { atol: 1e-5 * maxAbs(expected), rtol: 0 }, impl.name);
    }
  });
});

describe('the detection case (face) through the benchmark adapters', () => {
  it("ConvKit's tiny face detector and face-api's own on TF.js find the same faces on the photo", async () => {
    const face = findCase('face');
    const data = await makeCaseData(face);
    const outputOf = async (impl: Implementation): Promise<Float32Array> => {
      const prepared = await impl.prepare(face, data);
      if ('skip' in prepared) assert.fail(`${impl.name} skipped: ${prepared.skip}`);
      await prepared.runner.activate?.();
      return prepared.runner.output!();
    };
    const [convkitOne] = await convkitImplementations();
    const faceApiWasm = (await tfjsImplementations()).find((impl) => impl.name === 'tfjs-wasm')!;
    const [ours, theirs] = [await outputOf(convkitOne), await outputOf(faceApiWasm)];
    assert.equal(ours.length, 5 * 3, 'three faces above 0.5 on sample1.jpg, [x1, y1, x2, y2, score] each');
    assert.equal(theirs.length, ours.length);
    // Image pixels: face-api rounds the resized height, moving y by up to 0.12% (1.5 px at y = 1280).
    for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - theirs[i]) <= (i % 5 === 4 ? 1e-3 : 2), `value ${i}: ${ours[i]} vs face-api ${theirs[i]}`);
  });
});
