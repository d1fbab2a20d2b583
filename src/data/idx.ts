// IDX files (the MNIST format): a big-endian header, then the values row-major.
//   bytes 0-1  zero
//   byte  2    element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
//   byte  3    number of dimensions n
//   then n big-endian uint32 sizes, then the values (multi-byte values big-endian).
// Browser-safe: works on bytes from any source (fs, fetch, a bundled asset).

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** Sizes from the header, e.g. [60000, 28, 28] for MNIST training images. */
  dims: number[];
  dtype: IdxDType;
  /** The values row-major; for one-byte types a view on the input bytes (no copy). */
  data: IdxData;
}

interface ElementType {
  dtype: IdxDType;
  bytes: number;
}

const ELEMENT_TYPES: ReadonlyMap<number, ElementType> = new Map([
  [0x08, { dtype: 'uint8', bytes: 1 }],
  [0x09, { dtype: 'int8', bytes: 1 }],
  [0x0b, { dtype: 'int16', bytes: 2 }],
  [0x0c, { dtype: 'int32', bytes: 4 }],
  [0x0d, { dtype: 'float32', bytes: 4 }],
  [0x0e, { dtype: 'float64', bytes: 8 }],
]);

const VALID_TYPES = '0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64';

function hex(value: number, width: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(width, '0')}`;
}

/**
 * Parse an IDX file held in memory. `source` (a file name or URL) is quoted in errors.
 * Throws on a bad magic number, an unknown element type, or a byte count that differs from the header's.
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const where = `parseIdx: ${source}`;
  if (bytes.length < 4) {
    throw new Error(`${where} is truncated: ${bytes.length} bytes, fewer than the 4-byte magic number`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const typeCode = bytes[2];
  const ndim = bytes[3];
  const element = ELEMENT_TYPES.get(typeCode);
  if (bytes[0] !== 0 || bytes[1] !== 0 || element === undefined || ndim === 0) {
    throw new Error(
      `${where} is not an IDX file: magic number ${hex(magic, 8)} ` +
        `(expected 0x0000TTNN with type TT one of ${VALID_TYPES} and NN >= 1 dimensions, ` +
        `e.g. 0x00000803 for uint8 images, 0x00000801 for uint8 labels)`,
    );
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`${where} is truncated: the header of ${ndim} dimensions needs ${headerBytes} bytes, got ${bytes.length}`);
  }
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + count * element.bytes;
  if (bytes.length !== expectedBytes) {
    const problem = bytes.length < expectedBytes ? 'is truncated' : 'has trailing bytes';
    throw new Error(
      `${where} ${problem}: header says ${element.dtype} [${dims.join(', ')}], ` +
        `${expectedBytes} bytes expected (${headerBytes} header + ${count * element.bytes} data), got ${bytes.length}`,
    );
  }
  return { dims, dtype: element.dtype, data: readValues(bytes, view, headerBytes, count, element.dtype) };
}

/** One-byte types are views on the input; wider types are decoded from big-endian into a new array. */
function readValues(bytes: Uint8Array, view: DataView, offset: number, count: number, dtype: IdxDType): IdxData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i);
      return out;
    }
  }
}

/** The type code and header for an array, then its values big-endian: the inverse of parseIdx. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const entry = [...ELEMENT_TYPES].find(([, e]) => e.dtype === array.dtype);
  if (entry === undefined) throw new Error(`encodeIdx: unknown dtype ${String(array.dtype)} (valid: ${VALID_TYPES})`);
  const [typeCode, element] = entry;
  const count = array.dims.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) {
    throw new Error(`encodeIdx: ${array.data.length} values do not fill dims [${array.dims.join(', ')}] (needs ${count})`);
  }
  const headerBytes = 4 + 4 * array.dims.length;
  const bytes = new Uint8Array(headerBytes + count * element.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = typeCode;
  bytes[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const write: Record<IdxDType, (offset: number, value: number) => void> = {
    uint8: (o, v) => view.setUint8(o, v),
    int8: (o, v) => view.setInt8(o, v),
    int16: (o, v) => view.setInt16(o, v),
    int32: (o, v) => view.setInt32(o, v),
    float32: (o, v) => view.setFloat32(o, v),
    float64: (o, v) => view.setFloat64(o, v),
  };
  const writeValue = write[array.dtype];
  for (let i = 0; i < count; i++) writeValue(headerBytes + i * element.bytes, array.data[i]);
  return bytes;
}
