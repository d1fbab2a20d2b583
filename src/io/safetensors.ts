// The safetensors format (huggingface/safetensors), so weights go both ways with other tools:
//   8 bytes   N, the header length, unsigned 64-bit little-endian
//   N bytes   UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {key: string}},
//             padded with spaces to a multiple of 8
//   the rest  every tensor's raw little-endian bytes, back to back; offsets count from the start of this part
// Reading trusts nothing in the file: each field is checked and every error names the source and the problem.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { SAFETENSORS_DTYPES, WRITTEN_DTYPE, littleEndianBytes } from './safetensors-dtypes.js';
import { isPlainObject } from './json-value.js';

export type TensorMap = Record<string, Tensor>;
export type SafetensorsMetadata = Record<string, string>;

export interface SafetensorsContents {
  tensors: TensorMap;
  metadata: SafetensorsMetadata;
}

const METADATA_KEY = '__metadata__';
/** The reference implementation refuses larger headers; so do we, before decoding megabytes of garbage. */
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The reference writer's order (its dtype enum, descending): the widest first, so each tensor starts aligned. */
const WRITE_ORDER: readonly DType[] = ['float64', 'float32', 'int32'];

/**
 * Encode tensors (float32, float64, int32) and optional string metadata as safetensors bytes, laid out as the
 * reference writer lays them out (by dtype, then by name), so the same tensors give the same bytes.
 */
export function serializeSafetensors(tensors: TensorMap, metadata: SafetensorsMetadata = {}): Uint8Array {
  const fail = (problem: string): never => {
    throw new Error(`serializeSafetensors: ${problem}`);
  };
  if (!isPlainObject(tensors)) fail(`tensors must be an object of name -> Tensor, got ${describeValue(tensors)}`);
  if (!isPlainObject(metadata)) fail(`metadata must be an object of string -> string, got ${describeValue(metadata)}`);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') fail(`metadata '${key}' is ${describeValue(value)}; safetensors metadata values must be strings`);
  }
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === '' || name === METADATA_KEY) fail(`'${name}' cannot be a tensor name (empty, or reserved for metadata)`);
    if (!(t instanceof Tensor)) fail(`'${name}' is ${describeValue(t)}, not a Tensor`);
  }
  entries.sort(([a, x], [b, y]) => WRITE_ORDER.indexOf(x.dtype) - WRITE_ORDER.indexOf(y.dtype) || compareNames(a, b));

  const fields: string[] = [];
  if (Object.keys(metadata).length > 0) fields.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  let dataLength = 0;
  for (const [name, t] of entries) {
    const info = { dtype: WRITTEN_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [dataLength, dataLength + t.data.byteLength] };
    fields.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    dataLength += t.data.byteLength;
  }
  const header = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(header.length / 8) * 8;

  const out = new Uint8Array(8 + headerLength + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const [, t] of entries) {
    out.set(littleEndianBytes(t.data), position);
    position += t.data.byteLength;
  }
  return out;
}

/** Decode safetensors bytes; `source` (a path, a URL) names the file in errors. */
export function parseSafetensors(bytes: Uint8Array, source = 'bytes'): SafetensorsContents {
  const fail = (problem: string): never => {
    throw new Error(`parseSafetensors(${source}): ${problem}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < 8) {
    fail(`the file is ${bytes.length} bytes, too short for the 8-byte header length (empty or truncated file)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > bytes.length - 8) {
    fail(
      `the header length field says ${headerLength} bytes but only ${bytes.length - 8} bytes follow it ` +
        `(truncated file, or not a safetensors file)`,
    );
  }
  if (headerLength > MAX_HEADER_BYTES) fail(`the header is ${headerLength} bytes, over the ${MAX_HEADER_BYTES}-byte limit of the format`);

  const header = readHeaderJson(bytes.subarray(8, 8 + headerLength), fail);
  const metadata = readMetadata(header[METADATA_KEY], fail);
  const dataStart = 8 + headerLength;
  const file = { dataLength: bytes.length - dataStart, fileLength: bytes.length };
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, info]) => readEntry(name, info, file, fail));
  checkLayout(entries, bytes.length - dataStart, bytes.length, fail);

  const tensors: TensorMap = {};
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors[e.name] = new Tensor(SAFETENSORS_DTYPES[e.dtype].decode(raw, `parseSafetensors(${source}): tensor '${e.name}'`), e.shape);
  }
  return { tensors, metadata };
}

function readHeaderJson(headerBytes: Uint8Array, fail: (problem: string) => never): Record<string, unknown> {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail('the header is not valid UTF-8 (not a safetensors file, or a corrupt one)');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`the header is not valid JSON (${(error as Error).message}); it begins ${JSON.stringify(text.slice(0, 60))}`);
  }
  if (!isPlainObject(header)) fail(`the header must be a JSON object, got ${describeValue(header)}`);
  return header as Record<string, unknown>;
}

function readMetadata(value: unknown, fail: (problem: string) => never): SafetensorsMetadata {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) fail(`"${METADATA_KEY}" must be an object of strings, got ${describeValue(value)}`);
  const metadata: SafetensorsMetadata = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`"${METADATA_KEY}" entry '${key}' is ${describeValue(v)}; metadata values must be strings`);
    metadata[key] = v as string;
  }
  return metadata;
}

function isByteCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** An offset as JSON gives it: beyond 2^53 (or 1e400 = Infinity) it is no exact integer, but still far past any file. */
function isOffset(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && (Number.isInteger(value) || value === Infinity);
}

function readEntry(
  name: string,
  info: unknown,
  file: { dataLength: number; fileLength: number },
  fail: (problem: string) => never,
): HeaderEntry {
  const where = `tensor '${name}'`;
  if (name === '__proto__') fail(`${where}: this name is not allowed`);
  if (!isPlainObject(info)) fail(`${where}: expected {dtype, shape, data_offsets}, got ${describeValue(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPES)) {
    fail(`${where}: dtype ${JSON.stringify(dtype)} is not one ConvKit reads (supported: ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isByteCount)) {
    fail(`${where}: shape ${JSON.stringify(shape)} must be an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isOffset) || offsets[0] > offsets[1]) {
    fail(`${where}: data_offsets ${JSON.stringify(offsets)} must be [begin, end] with 0 <= begin <= end`);
  }
  const dims = shape as number[];
  const [begin, end] = offsets as [number, number];
  const itemSize = SAFETENSORS_DTYPES[dtype as string].itemSize;
  const count = dims.reduce((n, d) => n * d, 1);
  const spanFitsShape = Number.isSafeInteger(end) && Number.isSafeInteger(count * itemSize) && end - begin === count * itemSize;
  // An end past the data that fits the shape is a truncated file, which checkLayout reports as such.
  if (end > file.dataLength && !spanFitsShape) {
    fail(
      `${where}: data_offsets [${begin}, ${end}] exceed the file: its tensor data is ${file.dataLength} bytes ` +
        `(offsets count from the end of the header; the file is ${file.fileLength} bytes)`,
    );
  }
  if (!spanFitsShape) {
    fail(
      `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${formatShape(dims)} of ${dtype} ` +
        `needs ${count} x ${itemSize} = ${count * itemSize} bytes`,
    );
  }
  return { name, dtype: dtype as string, shape: dims, begin, end };
}

/** Tensors must tile the data section exactly: from byte 0, no gaps, no overlaps, nothing after the last. */
function checkLayout(entries: HeaderEntry[], dataLength: number, fileLength: number, fail: (problem: string) => never): void {
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: HeaderEntry | null = null;
  for (const e of ordered) {
    const span = (x: HeaderEntry) => `'${x.name}' (bytes ${x.begin}..${x.end})`;
    if (e.begin < covered) fail(`tensors ${span(previous!)} and ${span(e)} overlap`);
    if (e.begin > covered) {
      fail(`${previous ? `gap between ${span(previous)} and` : 'no tensor covers the start of the data before'} ${span(e)}; data_offsets must be contiguous`);
    }
    covered = e.end;
    previous = e;
  }
  if (covered > dataLength) {
    fail(
      `truncated: the header describes ${covered} bytes of tensor data but only ${dataLength} follow it ` +
        `(tensor '${previous!.name}' ends at byte ${covered}; the file should be ${fileLength - dataLength + covered} bytes, it is ${fileLength})`,
    );
  }
  if (covered < dataLength) fail(`${dataLength - covered} unexpected bytes after the last tensor (the header describes ${covered})`);
}
