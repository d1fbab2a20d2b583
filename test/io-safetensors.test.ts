// safetensors bytes: the exact format (checked against bytes written out by hand from the format's
// description), round trips of every dtype and shape, the dtypes other tools write, and corrupt files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, tensor, randn, zeros } from '../src/index.js';
import { parseSafetensors, serializeSafetensors } from '../src/io/index.js';

const encoder = new TextEncoder();

/** A safetensors file from an explicit header text (padding included) and data bytes, without ConvKit's writer. */
function handBuilt(header: string, data: ArrayLike<number>): Uint8Array {
  const headerBytes = encoder.encode(header);
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

/** Little-endian bytes of values written through a DataView setter. */
function leBytes(count: number, size: number, write: (view: DataView, i: number) => void): number[] {
  const view = new DataView(new ArrayBuffer(count * size));
  for (let i = 0; i < count; i++) write(view, i);
  return [...new Uint8Array(view.buffer)];
}

function assertThrowsNamed(fn: () => unknown, source: string, pattern: RegExp): void {
  assert.throws(fn, (error: Error) => {
    assert.equal(error.constructor, Error, `expected a plain Error, got ${error.constructor.name}: ${error.message}`);
    assert.ok(error.message.startsWith(`parseSafetensors(${source}): `), `error does not name the source: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('safetensors format', () => {
  it('writes exactly the bytes of the format: u64 length, space-padded JSON header, little-endian data', () => {
    // Written out by hand: metadata first, F64 before the 4-byte dtypes, ties by name; 254 header bytes + 2 spaces.
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"b":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},' +
      '"a":{"dtype":"F32","shape":[2,1],"data_offsets":[16,24]},' +
      '"e":{"dtype":"F32","shape":[0,3],"data_offsets":[24,24]},' +
      '"i":{"dtype":"I32","shape":[],"data_offsets":[24,28]}}' +
      '  ';
    const expected = new Uint8Array([
      0x00, 0x01, 0, 0, 0, 0, 0, 0, // header length 256
      ...encoder.encode(header),
      0, 0, 0, 0, 0, 0, 0xf8, 0x3f, // b[0] = 1.5 (float64 0x3FF8000000000000)
      0, 0, 0, 0, 0, 0, 0x00, 0xc0, // b[1] = -2 (0xC000000000000000)
      0x00, 0x00, 0x80, 0x3f, // a[0] = 1 (float32 0x3F800000)
      0x00, 0x00, 0x00, 0xbf, // a[1] = -0.5 (0xBF000000)
      0x07, 0x00, 0x00, 0x00, // i = 7
    ]);
    const tensors = {
      a: tensor([1, -0.5], [2, 1]),
      b: tensor([1.5, -2], [2], { dtype: 'float64' }),
      i: tensor(7, [], { dtype: 'int32' }),
      e: zeros([0, 3]),
    };
    assert.deepEqual(serializeSafetensors(tensors, { format: 'pt' }), expected);

    const parsed = parseSafetensors(expected);
    assert.deepEqual(parsed.metadata, { format: 'pt' });
    assert.deepEqual(parsed.tensors.b.data, new Float64Array([1.5, -2]));
    assert.deepEqual(parsed.tensors.a.data, new Float32Array([1, -0.5]));
    assert.deepEqual(parsed.tensors.a.shape, [2, 1]);
    assert.deepEqual(parsed.tensors.i.shape, []);
    assert.equal(parsed.tensors.i.item(), 7);
    assert.equal(parsed.tensors.i.dtype, 'int32');
    assert.deepEqual(parsed.tensors.e.shape, [0, 3]);
  });

  it('orders tensors by dtype before name (F64, F32, I32), as the reference writer does', () => {
    const bytes = serializeSafetensors({ a: tensor([1], [1], { dtype: 'int32' }), b: tensor([2]), c: tensor([3], [1], { dtype: 'float64' }) });
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(0, true)));
    assert.equal(
      header,
      '{"c":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"I32","shape":[1],"data_offsets":[12,16]}}' + '     ', // 163 bytes + 5 spaces
    );
  });

  it('matches the reference implementation\'s test case (I32 zeros, framework metadata), padded as its writer pads', () => {
    const header = '{"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}} ';
    const bytes = handBuilt(header, new Array(16).fill(0));
    const { tensors, metadata } = parseSafetensors(bytes);
    assert.deepEqual(metadata, { framework: 'pt' });
    assert.deepEqual(tensors.test1.shape, [2, 2]);
    assert.deepEqual(tensors.test1.data, new Int32Array(4));
    assert.deepEqual(serializeSafetensors({ test1: zeros([2, 2], { dtype: 'int32' }) }, { framework: 'pt' }), bytes);
  });

  it('round-trips float32, float64 and int32 bit for bit, for scalars, empty tensors and every rank', () => {
    const g = new Generator(3);
    const shapes = [[], [0], [1], [7], [2, 0, 3], [3, 4], [2, 3, 4, 5]];
    const tensors: Record<string, Tensor> = {};
    for (const [i, shape] of shapes.entries()) {
      tensors[`f32.${i}`] = randn(shape, { generator: g });
      tensors[`f64.${i}`] = randn(shape, { generator: g, dtype: 'float64' }).mul(1 + 1e-12);
      const ints = new Int32Array(randn(shape, { generator: g }).data.length).map(() => g.nextUint32() | 0);
      tensors[`i32.${i}`] = new Tensor(ints, shape);
    }
    tensors.extremes = tensor([-2147483648, 2147483647, 0, -1], [4], { dtype: 'int32' });
    tensors.special = tensor([NaN, Infinity, -Infinity, -0, 1e-45, 3.4028234663852886e38]);
    const back = parseSafetensors(serializeSafetensors(tensors, { note: 'ünïcödé ✓' }));
    assert.deepEqual(back.metadata, { note: 'ünïcödé ✓' });
    assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const u = back.tensors[name];
      assert.equal(u.dtype, t.dtype, name);
      assert.deepEqual(u.shape, t.shape, name);
      const bits = (x: Tensor) => new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
      assert.deepEqual(bits(u), bits(t), `${name}: bytes differ`);
    }
  });

  it('reads from a Node Buffer that is a slice of a larger pool at an odd offset', () => {
    const bytes = serializeSafetensors({ w: tensor([1, 2, 3]), d: tensor([4, 5], [2], { dtype: 'float64' }) });
    const pool = Buffer.alloc(bytes.length + 3);
    pool.set(bytes, 3);
    const { tensors } = parseSafetensors(pool.subarray(3));
    assert.deepEqual(tensors.w.data, new Float32Array([1, 2, 3]));
    assert.deepEqual(tensors.d.data, new Float64Array([4, 5]));
  });
});

describe('safetensors dtypes written by other tools', () => {
  function single(dtype: string, shape: number[], data: number[]): Tensor {
    const header = JSON.stringify({ x: { dtype, shape, data_offsets: [0, data.length] } });
    return parseSafetensors(handBuilt(header, data), `${dtype}.safetensors`).tensors.x;
  }

  it('F16 widens to float32 exactly, including subnormals and infinities', () => {
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x3555, 0x8000];
    const t = single('F16', [8], leBytes(8, 2, (v, i) => v.setUint16(i * 2, halves[i], true)));
    assert.equal(t.dtype, 'float32');
    assert.deepEqual([...t.data], [1, -2, 65504, 2 ** -24, Infinity, -Infinity, 0.333251953125, -0]);
  });

  it('BF16 widens to float32 (the top 16 bits of a float32)', () => {
    const t = single('BF16', [2, 2], leBytes(4, 2, (v, i) => v.setUint16(i * 2, [0x3f80, 0xc049, 0x7f80, 0x0000][i], true)));
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.shape, [2, 2]);
    assert.deepEqual([...t.data], [1, -3.140625, Infinity, 0]);
  });

  it('I64 and U32 narrow to int32 when every value fits, and name the value when one does not', () => {
    const fits = [-5n, 2147483647n, -2147483648n, 0n];
    const t = single('I64', [4], leBytes(4, 8, (v, i) => v.setBigInt64(i * 8, fits[i], true)));
    assert.equal(t.dtype, 'int32');
    assert.deepEqual([...t.data], [-5, 2147483647, -2147483648, 0]);
    const tooBig = leBytes(2, 8, (v, i) => v.setBigInt64(i * 8, [1n, 2n ** 40n][i], true));
    assert.throws(() => single('I64', [2], tooBig), /parseSafetensors\(I64\.safetensors\): tensor 'x' \(I64\) holds 1099511627776 at index 1, outside the int32 range/);
    assert.deepEqual([...single('U32', [1], leBytes(1, 4, (v) => v.setUint32(0, 2147483647, true))).data], [2147483647]);
    assert.throws(() => single('U32', [1], leBytes(1, 4, (v) => v.setUint32(0, 2 ** 31, true))), /\(U32\) holds 2147483648 at index 0/);
  });

  it('small integers and BOOL widen to int32', () => {
    assert.deepEqual([...single('U8', [3], [0, 128, 255]).data], [0, 128, 255]);
    assert.deepEqual([...single('I8', [3], [0x80, 0x7f, 0xff]).data], [-128, 127, -1]);
    assert.deepEqual([...single('I16', [2], leBytes(2, 2, (v, i) => v.setInt16(i * 2, [-32768, 32767][i], true))).data], [-32768, 32767]);
    assert.deepEqual([...single('U16', [1], [0xff, 0xff]).data], [65535]);
    assert.deepEqual([...single('BOOL', [3], [0, 1, 0]).data], [0, 1, 0]);
    assert.equal(single('U8', [1], [9]).dtype, 'int32');
  });
});

describe('corrupt safetensors files give clear errors', () => {
  const source = 'model.safetensors';
  const good = serializeSafetensors({ w: randn([3, 4], { generator: new Generator(1) }), b: tensor([1, 2], [2], { dtype: 'float64' }) }, { m: 'x' });
  const headerLength = new DataView(good.buffer).getUint32(0, true);

  it('truncated at every length: a plain Error naming the file and what is wrong', () => {
    for (let n = 0; n < good.length; n++) {
      const expected = n < 8 ? /too short for the 8-byte header length/ : n < 8 + headerLength ? /header length field says \d+ bytes but only \d+ bytes follow/ : /truncated: the header describes 64 bytes of tensor data but only \d+ follow it/;
      assertThrowsNamed(() => parseSafetensors(good.subarray(0, n), source), source, expected);
    }
    assertThrowsNamed(() => parseSafetensors(good.subarray(0, good.length - 1), source), source, new RegExp(`the file should be ${good.length} bytes, it is ${good.length - 1}`));
  });

  it('garbage: a random file, invalid UTF-8, invalid JSON, a non-object header', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    assertThrowsNamed(() => parseSafetensors(png, source), source, /header length field says \d+ bytes but only 8 bytes follow it \(truncated file, or not a safetensors file\)/);
    const badUtf8 = new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0xfd, 0xfc]);
    assertThrowsNamed(() => parseSafetensors(badUtf8, source), source, /header is not valid UTF-8/);
    assertThrowsNamed(() => parseSafetensors(handBuilt('{"w": {"dtype": "F32",', []), source), source, /header is not valid JSON \(.+\); it begins "\{\\"w\\": \{\\"dtype\\": \\"F32\\","/);
    assertThrowsNamed(() => parseSafetensors(handBuilt('[1, 2]', []), source), source, /header must be a JSON object, got an array/);
    assertThrowsNamed(() => parseSafetensors(handBuilt('{"__metadata__": {"epoch": 3}}', []), source), source, /"__metadata__" entry 'epoch' is number 3; metadata values must be strings/);
  });

  it('bad entries: unknown dtype, bad shape, bad offsets, byte length not matching shape x dtype', () => {
    const entry = (info: unknown, data: number[] = new Array(8).fill(0)) => () => parseSafetensors(handBuilt(JSON.stringify({ w: info }), data), source);
    assertThrowsNamed(entry({ dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] }), source, /tensor 'w': dtype "F8_E4M3" is not one ConvKit reads \(supported: F64, F32, I32, F16, BF16, I64, U32, I16, U16, I8, U8, BOOL\)/);
    assertThrowsNamed(entry({ shape: [2], data_offsets: [0, 8] }), source, /tensor 'w': dtype undefined is not one ConvKit reads/);
    assertThrowsNamed(entry({ dtype: 'F32', shape: [2.5], data_offsets: [0, 8] }), source, /tensor 'w': shape \[2\.5\] must be an array of non-negative integers/);
    assertThrowsNamed(entry({ dtype: 'F32', shape: [-2], data_offsets: [0, 8] }), source, /shape \[-2\] must be an array of non-negative integers/);
    assertThrowsNamed(entry({ dtype: 'F32', shape: [2], data_offsets: [8, 0] }), source, /data_offsets \[8,0\] must be \[begin, end\] with 0 <= begin <= end/);
    assertThrowsNamed(entry({ dtype: 'F32', shape: [2], data_offsets: [-8, 0] }), source, /data_offsets \[-8,0\] must be/);
    assertThrowsNamed(entry({ dtype: 'F32', shape: [3], data_offsets: [0, 8] }), source, /tensor 'w': data_offsets \[0, 8\] span 8 bytes, but shape \[3\] of F32 needs 3 x 4 = 12 bytes/);
    assertThrowsNamed(entry({ dtype: 'F64', shape: [2 ** 30, 2 ** 30], data_offsets: [0, 8] }), source, /shape \[1073741824, 1073741824\] of F64 needs/);
    assertThrowsNamed(entry({ dtype: 'F32', shape: [2], data_offsets: [0, 8] }, new Array(12).fill(0)), source, /4 unexpected bytes after the last tensor/);
    assertThrowsNamed(entry('F32'), source, /tensor 'w': expected \{dtype, shape, data_offsets\}, got string "F32"/);
  });

  it('issue 10 case 11: offsets past 2^53 or past the file say that they exceed the file, with its size', () => {
    const withOffsets = (offsets: string, shape = '[2]') => handBuilt(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}}`, new Array(8).fill(0));
    for (const offsets of ['[18446744073709551608,18446744073709551616]', '[0,9007199254740993]', '[9007199254740992,9007199254741000]', '[0,1e400]']) {
      const file = withOffsets(offsets);
      assertThrowsNamed(
        () => parseSafetensors(file, source),
        source,
        new RegExp(`tensor 'w': data_offsets \\[\\d+, (\\d+|Infinity)\\] exceed the file: its tensor data is 8 bytes \\(offsets count from the end of the header; the file is ${file.length} bytes\\)`),
      );
    }
    // Safe offsets past the data that do not fit the shape: the same message, not a byte-count mismatch.
    assertThrowsNamed(() => parseSafetensors(withOffsets('[0,4096]'), source), source, /tensor 'w': data_offsets \[0, 4096\] exceed the file: its tensor data is 8 bytes/);
    // Offsets that fit the shape but end past the data: a truncated file, naming the tensor.
    assertThrowsNamed(() => parseSafetensors(withOffsets('[0,16]', '[4]'), source), source, /truncated: the header describes 16 bytes of tensor data but only 8 follow it \(tensor 'w' ends at byte 16;/);
  });

  it('overlapping offsets, gaps, and a first tensor that does not start at 0', () => {
    const two = (a: [number, number], b: [number, number]) => () =>
      parseSafetensors(
        handBuilt(JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: a }, b: { dtype: 'F32', shape: [2], data_offsets: b } }), new Array(16).fill(0)),
        source,
      );
    assertThrowsNamed(two([0, 8], [4, 12]), source, /tensors 'a' \(bytes 0\.\.8\) and 'b' \(bytes 4\.\.12\) overlap/);
    assertThrowsNamed(two([0, 8], [0, 8]), source, /tensors 'a' \(bytes 0\.\.8\) and 'b' \(bytes 0\.\.8\) overlap/);
    assertThrowsNamed(two([0, 8], [12, 20]), source, /gap between 'a' \(bytes 0\.\.8\) and 'b' \(bytes 12\.\.20\); data_offsets must be contiguous/);
    assertThrowsNamed(two([4, 12], [12, 20]), source, /no tensor covers the start of the data before 'a' \(bytes 4\.\.12\)/);
  });

  it('random byte flips either parse or fail with a named Error, never anything else', () => {
    const g = new Generator(11);
    let failures = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = good.slice();
      for (let k = 0; k < 3; k++) bytes[g.randint(8 + headerLength)] = g.randint(256);
      try {
        const { tensors } = parseSafetensors(bytes, source);
        for (const t of Object.values(tensors)) assert.ok(t instanceof Tensor);
      } catch (error) {
        failures++;
        assert.equal((error as Error).constructor, Error, (error as Error).stack);
        assert.ok((error as Error).message.startsWith(`parseSafetensors(${source}): `), (error as Error).message);
      }
    }
    assert.ok(failures > 200, `only ${failures} of 300 corrupted headers were rejected`);
  });
});

describe('serializeSafetensors rejects what it cannot write', () => {
  it('names the bad entry', () => {
    assert.throws(() => serializeSafetensors({ w: [1, 2] as unknown as Tensor }), /serializeSafetensors: 'w' is an array, not a Tensor/);
    assert.throws(() => serializeSafetensors(new Map([['w', tensor([1])]]) as unknown as Record<string, Tensor>), /serializeSafetensors: tensors must be an object of name -> Tensor, got a Map/);
    assert.throws(() => serializeSafetensors({ __metadata__: tensor([1]) }), /serializeSafetensors: '__metadata__' cannot be a tensor name/);
    assert.throws(() => serializeSafetensors({ w: tensor([1]) }, { epoch: 3 as unknown as string }), /serializeSafetensors: metadata 'epoch' is number 3; safetensors metadata values must be strings/);
  });
});
