// TF.js weights manifests: every storage dtype decoded as TF.js decodes it (tf.io.decodeWeights is the
// oracle), float16 bit patterns, unaligned offsets, byte-count errors, and the real face-api weights.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { F, Generator, noGrad, uniform } from '../src/index.js';
import { decodeTfjsWeights, float16ToFloat32, storedByteLength, weightSpecsOf, type TfjsWeightSpec, type TfjsWeightsManifest } from '../src/io/importers/index.js';
import { loadTfjsWeights } from '../src/node/import-files.js';
import { assertAllClose, assertFinite, maxAbs } from './helpers/assert-close.js';

tf.env().set('PROD', true);
await tf.setBackend('cpu');

/** Little-endian bytes of a typed array. */
const bytesOf = (a: Float32Array | Int32Array | Uint16Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

describe('decodeTfjsWeights', () => {
  // A uint8 weight of 3 bytes first, so the float32 and int32 weights after it start at unaligned offsets.
  const specs: TfjsWeightSpec[] = [
    { name: 'q8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
    { name: 'f32', shape: [2, 2], dtype: 'float32' },
    { name: 'i32', shape: [2], dtype: 'int32' },
    { name: 'q16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 2 } },
    { name: 'h', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
    { name: 'q8int', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.3, min: 1 } },
  ];
  const data = concat([
    new Uint8Array([0, 3, 255]),
    bytesOf(new Float32Array([1.5, -2.25, 3e-8, 1e20])),
    bytesOf(new Int32Array([-7, 2147483647])),
    bytesOf(new Uint16Array([0, 65535])),
    bytesOf(new Uint16Array([0x3c00, 0xc000, 0x3555])),
    new Uint8Array([5, 10]),
  ]);

  it('decodes float32, int32, uint8, uint16 and float16 storage at unaligned offsets, as TF.js does', () => {
    const ours = decodeTfjsWeights(specs, data);
    assert.deepEqual(Object.keys(ours), specs.map((s) => s.name));
    assert.deepEqual(Array.from(ours.q8.data), [-1, 0.5, 126.5]); // q * 0.5 - 1
    assert.deepEqual(Array.from(ours.i32.data), [-7, 2147483647]);
    assert.equal(ours.i32.dtype, 'int32');
    assert.deepEqual(ours.f32.shape, [2, 2]);
    const theirs = tf.io.decodeWeights(data.slice().buffer, specs as tf.io.WeightsManifestEntry[]);
    for (const spec of specs) {
      assert.deepEqual(Array.from(ours[spec.name].data), Array.from(theirs[spec.name].dataSync()), spec.name);
      assert.deepEqual(ours[spec.name].shape, theirs[spec.name].shape, spec.name);
    }
  });

  it('accepts an ArrayBuffer as well as bytes', () => {
    assert.deepEqual(Array.from(decodeTfjsWeights(specs, data.slice().buffer).h.data), Array.from(decodeTfjsWeights(specs, data).h.data));
  });

  it('reports a byte-count mismatch with expected and actual sizes, naming the weight that runs out', () => {
    assert.throws(() => decodeTfjsWeights(specs, data.subarray(0, 20), 'test'), (e: Error) => {
      assert.match(e.message, /need 39 bytes but the data has 20/);
      assert.match(e.message, /runs out in weight 'i32' \[2\] int32, which needs bytes 19\.\.26/);
      return true;
    });
    assert.throws(() => decodeTfjsWeights(specs, concat([data, new Uint8Array(4)])), /need 39 bytes but the data has 43: 4 bytes are left over/);
  });

  it('rejects unsupported dtypes, bad quantisation and duplicate names with the weight named', () => {
    assert.throws(() => decodeTfjsWeights([{ name: 'b', shape: [1], dtype: 'bool' }], new Uint8Array(1)), /weight 'b' has dtype 'bool'; supported: dtype 'float32' or 'int32'/);
    assert.throws(
      () => decodeTfjsWeights([{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8', scale: NaN, min: 0 } }], new Uint8Array(1)),
      /weight 'q' is quantised as uint8 but has scale NaN/,
    );
    assert.throws(() => storedByteLength({ name: 's', shape: [2, -1], dtype: 'float32' }), /weight 's' has shape \[2,-1\]/);
    const twice = [specs[1], specs[1]];
    assert.throws(() => decodeTfjsWeights(twice, new Uint8Array(32)), /weight name 'f32' appears twice/);
    assert.throws(() => weightSpecsOf({ weights: [] } as unknown as TfjsWeightsManifest), /a weights manifest is a list of groups/);
  });
});

describe('float16ToFloat32', () => {
  it('converts normals, subnormals, zeros, infinities and NaN exactly', () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x03ff, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555]);
    const v = float16ToFloat32(bits);
    assert.deepEqual(Array.from(v.subarray(0, 6)), [1, -2, 65504, 2 ** -14, 2 ** -24, 1023 * 2 ** -24]);
    assert.ok(Object.is(v[6], 0) && Object.is(v[7], -0));
    assert.deepEqual([v[8], v[9]], [Infinity, -Infinity]);
    assert.ok(Number.isNaN(v[10]));
    assert.equal(v[11], 0.333251953125);
  });
});

describe('face-api face_recognition_model weights', () => {
  const folder = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
  const manifestPath = join(folder, 'face_recognition_model-weights_manifest.json');
  const loading = loadTfjsWeights(manifestPath);

  it('parses every tensor; the byte total equals the .bin size; values are finite and plausible', async () => {
    const weights = await loading;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as TfjsWeightsManifest;
    const specs = weightSpecsOf(manifest);
    assert.equal(Object.keys(weights).length, 117);
    const total = specs.reduce((n, s) => n + storedByteLength(s), 0);
    assert.equal(total, statSync(join(folder, 'face_recognition_model.bin')).size);
    assert.equal(specs.filter((s) => !s.quantization).length, 8); // conv64_* filters are stored as float32
    assert.equal(Object.values(weights).reduce((n, t) => n + t.size, 0), 5_614_592);
    for (const [name, t] of Object.entries(weights)) {
      assertFinite(t.data, name);
      assert.ok(maxAbs(t.data) < 100, `${name}: max |w| = ${maxAbs(t.data)}`);
    }
    assert.deepEqual(weights['conv32_down/conv/filters'].shape, [7, 7, 3, 32]);
    assert.deepEqual(weights['fc'].shape, [256, 128]);
    // Dequantised values lie within [min, min + 255 * scale] of their spec.
    const spec = specs.find((s) => s.name === 'conv32_down/conv/filters')!;
    const { min, scale } = spec.quantization as { min: number; scale: number };
    const w = weights[spec.name].data;
    assert.ok(Math.min(...w) >= min - 1e-6 && Math.max(...w) <= min + 255 * scale + 1e-6);
  });

  it('runs its first conv block (7x7/2 conv + bias, scale layer, ReLU) as TF.js does', async () => {
    const weights = await loading;
    const filters = weights['conv32_down/conv/filters'];
    const bias = weights['conv32_down/conv/bias'];
    const scaleW = weights['conv32_down/scale/weights'];
    const scaleB = weights['conv32_down/scale/biases'];
    const x = uniform([1, 20, 20, 3], -0.5, 0.5, { generator: new Generator(5) });
    const ours = noGrad(() => F.relu(F.conv2d(x, filters, bias, { stride: 2, padding: 'valid' }).mul(scaleW).add(scaleB)));
    const theirs = tf.tidy(() => {
      const t = (w: { data: ArrayLike<number>; shape: readonly number[] }) => tf.tensor(Array.from(w.data), [...w.shape]);
      const conv = tf.add(tf.conv2d(t(x) as tf.Tensor4D, t(filters) as tf.Tensor4D, 2, 'valid'), t(bias));
      return tf.relu(tf.add(tf.mul(conv, t(scaleW)), t(scaleB))).dataSync();
    });
    assert.deepEqual(ours.shape, [1, 7, 7, 32]);
    assert.ok(maxAbs(ours.data) > 0.01, 'the block output is not all zero');
    assertAllClose(ours.data, theirs, { atol: 1e-5 * maxAbs(theirs), rtol: 1e-5 });
  });
});
