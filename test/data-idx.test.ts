import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdx, encodeIdx, type IdxArray } from '../src/data/idx.js';
import { Generator } from '../src/util/random.js';

/** Header bytes: zero, zero, type code, ndim, then big-endian uint32 dims. */
function header(typeCode: number, dims: number[]): number[] {
  const out = [0, 0, typeCode, dims.length];
  for (const d of dims) out.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return out;
}

test('parseIdx reads uint8 3-D images (magic 0x00000803) as a view on the input bytes', () => {
  const values = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
  const bytes = new Uint8Array([...header(0x08, [2, 2, 3]), ...values]);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x00, 0x08, 0x03]);
  const idx = parseIdx(bytes);
  assert.deepEqual(idx.dims, [2, 2, 3]);
  assert.equal(idx.dtype, 'uint8');
  assert.ok(idx.data instanceof Uint8Array);
  assert.deepEqual([...idx.data], values);
  assert.equal(idx.data.buffer, bytes.buffer, 'uint8 data should share the input buffer');
});

test('parseIdx reads uint8 1-D labels (magic 0x00000801) from a subarray with a byte offset', () => {
  const backing = new Uint8Array([99, 99, 99, ...header(0x08, [4]), 7, 2, 1, 0, 99]);
  const idx = parseIdx(backing.subarray(3, backing.length - 1));
  assert.deepEqual(idx.dims, [4]);
  assert.deepEqual([...idx.data], [7, 2, 1, 0]);
});

test('parseIdx decodes every IDX element type from big-endian bytes', () => {
  const cases: Array<{ code: number; payload: number[]; dtype: string; ctor: Function; values: number[] }> = [
    { code: 0x09, payload: [0xff, 0x7f, 0x80], dtype: 'int8', ctor: Int8Array, values: [-1, 127, -128] },
    { code: 0x0b, payload: [0xff, 0xfe, 0x01, 0x02], dtype: 'int16', ctor: Int16Array, values: [-2, 258] },
    {
      code: 0x0c,
      payload: [0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04],
      dtype: 'int32',
      ctor: Int32Array,
      values: [-1, 0x01020304],
    },
    { code: 0x0d, payload: [0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0], dtype: 'float32', ctor: Float32Array, values: [1.5, -2] },
    {
      code: 0x0e,
      payload: [0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18],
      dtype: 'float64',
      ctor: Float64Array,
      values: [1.5, -Math.PI],
    },
  ];
  for (const c of cases) {
    const idx = parseIdx(new Uint8Array([...header(c.code, [c.values.length]), ...c.payload]));
    assert.equal(idx.dtype, c.dtype);
    assert.ok(idx.data instanceof c.ctor, `${c.dtype} data should be a ${c.ctor.name}`);
    assert.deepEqual([...idx.data], c.values, c.dtype);
  }
});

test('encodeIdx and parseIdx round-trip random arrays of every dtype', () => {
  const g = new Generator(3);
  const arrays: IdxArray[] = [
    { dims: [3, 4], dtype: 'uint8', data: Uint8Array.from({ length: 12 }, () => g.randint(256)) },
    { dims: [5], dtype: 'int8', data: Int8Array.from({ length: 5 }, () => g.randint(256) - 128) },
    { dims: [2, 3], dtype: 'int16', data: Int16Array.from({ length: 6 }, () => g.randint(65536) - 32768) },
    { dims: [2, 2, 2], dtype: 'int32', data: Int32Array.from({ length: 8 }, () => g.nextUint32() | 0) },
    { dims: [7], dtype: 'float32', data: Float32Array.from({ length: 7 }, () => g.normal() * 1e3) },
    { dims: [1, 6], dtype: 'float64', data: Float64Array.from({ length: 6 }, () => g.normal() * 1e-7) },
  ];
  for (const array of arrays) {
    const parsed = parseIdx(encodeIdx(array));
    assert.deepEqual(parsed.dims, array.dims);
    assert.equal(parsed.dtype, array.dtype);
    assert.deepEqual([...parsed.data], [...array.data], array.dtype);
  }
});

test('parseIdx rejects bad magic numbers, naming the source and the magic it found', () => {
  const gzip = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]);
  assert.throws(() => parseIdx(gzip, 'images.gz'), /parseIdx: images\.gz is not an IDX file: magic number 0x1F8B0800/);
  const unknownType = new Uint8Array([...header(0x0a, [1]), 0]);
  assert.throws(() => parseIdx(unknownType, 'x.idx'), /x\.idx is not an IDX file: magic number 0x00000A01.*0x08 uint8/);
  const noDims = new Uint8Array([0, 0, 0x08, 0]);
  assert.throws(() => parseIdx(noDims), /IDX data is not an IDX file: magic number 0x00000800/);
});

test('parseIdx reports truncated files with expected and actual byte counts', () => {
  assert.throws(() => parseIdx(new Uint8Array([0, 0]), 'tiny'), /tiny is truncated: 2 bytes, fewer than the 4-byte magic number/);
  const shortHeader = new Uint8Array(header(0x08, [60000, 28, 28]).slice(0, 10));
  assert.throws(() => parseIdx(shortHeader, 'a'), /a is truncated: the header of 3 dimensions needs 16 bytes, got 10/);
  const shortData = new Uint8Array([...header(0x08, [2, 2, 2]), 1, 2, 3]);
  assert.throws(
    () => parseIdx(shortData, 'train-images'),
    /train-images is truncated: header says uint8 \[2, 2, 2\], 24 bytes expected \(16 header \+ 8 data\), got 19/,
  );
  const shortFloats = new Uint8Array([...header(0x0d, [2]), 0x3f, 0x80, 0, 0, 0x3f]);
  assert.throws(() => parseIdx(shortFloats), /is truncated: header says float32 \[2\], 16 bytes expected \(8 header \+ 8 data\), got 13/);
});

test('parseIdx rejects trailing bytes after the data the header describes', () => {
  const long = new Uint8Array([...header(0x08, [2]), 1, 2, 3]);
  assert.throws(() => parseIdx(long, 'labels'), /labels has trailing bytes: header says uint8 \[2\], 10 bytes expected .* got 11/);
});

test('encodeIdx rejects data that does not fill the dims', () => {
  assert.throws(
    () => encodeIdx({ dims: [2, 3], dtype: 'uint8', data: new Uint8Array(5) }),
    /encodeIdx: 5 values do not fill dims \[2, 3\] \(needs 6\)/,
  );
});
