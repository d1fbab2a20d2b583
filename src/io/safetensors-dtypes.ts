// The safetensors dtypes ConvKit reads and writes, with the conversion of each to a ConvKit dtype.
// F32, F64 and I32 map one to one (and are the only ones written). Narrower formats widen losslessly:
// F16 and BF16 to float32, the small integers to int32. I64 and U32 narrow to int32 only when every
// value fits, so an id or a count is never silently wrapped.
import type { DType, TypedArray } from '../tensor/dtype.js';
import { float16BitsToNumber } from './importers/float16.js';

export interface SafetensorsDtype {
  /** Bytes per element in the file. */
  readonly itemSize: number;
  /** Decode the tensor's little-endian bytes into new ConvKit values; `describe` names the tensor for errors. */
  decode(bytes: Uint8Array, describe: string): TypedArray;
}

const hostIsLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The file is little-endian; on a little-endian host the bytes are the typed array as they are. */
function readNative<T extends TypedArray>(
  bytes: Uint8Array,
  make: (buffer: ArrayBuffer) => T,
  itemSize: number,
  read: (view: DataView, offset: number) => number,
): T {
  const buffer = new Uint8Array(bytes).buffer; // a copy (Buffer.slice would share memory), aligned at 0
  if (hostIsLittleEndian) return make(buffer);
  const out = make(new ArrayBuffer(bytes.length));
  const view = new DataView(buffer);
  for (let i = 0; i < out.length; i++) out[i] = read(view, i * itemSize);
  return out;
}

function readEach<T extends TypedArray | Uint32Array>(
  bytes: Uint8Array,
  out: T,
  itemSize: number,
  read: (view: DataView, offset: number) => number,
): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = read(view, i * itemSize);
  return out;
}

function int32OrThrow(value: number, index: number, dtype: string, describe: string): number {
  if (value < -0x80000000 || value > 0x7fffffff) {
    throw new Error(`${describe} (${dtype}) holds ${value} at index ${index}, outside the int32 range ConvKit uses for integers`);
  }
  return value;
}

export const SAFETENSORS_DTYPES: Readonly<Record<string, SafetensorsDtype>> = {
  F64: { itemSize: 8, decode: (b) => readNative(b, (buf) => new Float64Array(buf), 8, (v, o) => v.getFloat64(o, true)) },
  F32: { itemSize: 4, decode: (b) => readNative(b, (buf) => new Float32Array(buf), 4, (v, o) => v.getFloat32(o, true)) },
  I32: { itemSize: 4, decode: (b) => readNative(b, (buf) => new Int32Array(buf), 4, (v, o) => v.getInt32(o, true)) },
  F16: { itemSize: 2, decode: (b) => readEach(b, new Float32Array(b.length / 2), 2, (v, o) => float16BitsToNumber(v.getUint16(o, true))) },
  // bfloat16 is the top half of a float32: shift the bits into place.
  BF16: {
    itemSize: 2,
    decode: (b) => {
      const out = new Float32Array(b.length / 2);
      readEach(b, new Uint32Array(out.buffer), 2, (v, o) => v.getUint16(o, true) << 16);
      return out;
    },
  },
  I64: {
    itemSize: 8,
    decode: (b, describe) =>
      readEach(b, new Int32Array(b.length / 8), 8, (v, o) => {
        const value = v.getInt32(o + 4, true) * 2 ** 32 + v.getUint32(o, true);
        return int32OrThrow(value, o / 8, 'I64', describe);
      }),
  },
  U32: {
    itemSize: 4,
    decode: (b, describe) => readEach(b, new Int32Array(b.length / 4), 4, (v, o) => int32OrThrow(v.getUint32(o, true), o / 4, 'U32', describe)),
  },
  I16: { itemSize: 2, decode: (b) => readEach(b, new Int32Array(b.length / 2), 2, (v, o) => v.getInt16(o, true)) },
  U16: { itemSize: 2, decode: (b) => readEach(b, new Int32Array(b.length / 2), 2, (v, o) => v.getUint16(o, true)) },
  I8: { itemSize: 1, decode: (b) => Int32Array.from(new Int8Array(b.buffer, b.byteOffset, b.length)) },
  U8: { itemSize: 1, decode: (b) => Int32Array.from(b) },
  BOOL: { itemSize: 1, decode: (b) => Int32Array.from(b, (x) => (x ? 1 : 0)) },
};

/** The safetensors name under which each ConvKit dtype is written. */
export const WRITTEN_DTYPE: Readonly<Record<DType, 'F32' | 'F64' | 'I32'>> = { float32: 'F32', float64: 'F64', int32: 'I32' };

/** Little-endian bytes of a typed array (a view on little-endian hosts, a converted copy otherwise). */
export function littleEndianBytes(data: TypedArray): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  const write =
    data instanceof Float64Array
      ? (i: number) => view.setFloat64(i * 8, data[i], true)
      : data instanceof Float32Array
        ? (i: number) => view.setFloat32(i * 4, data[i], true)
        : (i: number) => view.setInt32(i * 4, data[i], true);
  for (let i = 0; i < data.length; i++) write(i);
  return out;
}
