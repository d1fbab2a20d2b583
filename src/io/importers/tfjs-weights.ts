// TensorFlow.js weights manifests: `[{ paths, weights: [{ name, shape, dtype, quantization? }] }]` with the
// tensors' bytes concatenated, in manifest order, across the shard files named in `paths`. Weights may be
// stored quantised: uint8/uint16 as `w = q * scale + min`, or as IEEE float16. Everything is decoded into
// float32 (or int32) ConvKit tensors. Values are copied out, never viewed, because a tensor can start at an
// offset that is not a multiple of 4 (face-api's SSD model has one). Byte order is little-endian, as TF.js
// writes it.
import { Tensor } from '../../tensor/tensor.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { float16ToFloat32 } from './float16.js';

export type TfjsQuantizationDType = 'uint8' | 'uint16' | 'float16';

export interface TfjsQuantization {
  dtype: TfjsQuantizationDType;
  /** uint8/uint16 only: w = q * scale + min. */
  scale?: number;
  min?: number;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  /** The dtype of the decoded tensor; TF.js also knows 'bool', 'string' and 'complex64', which ConvKit does not load. */
  dtype: string;
  quantization?: TfjsQuantization;
}

export interface TfjsWeightsGroup {
  /** Shard files, relative to the manifest. */
  paths: string[];
  weights: TfjsWeightSpec[];
}

export type TfjsWeightsManifest = TfjsWeightsGroup[];

export type NamedTensors = Record<string, Tensor>;

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };
const SUPPORTED = "dtype 'float32' or 'int32', optionally quantised as 'uint8', 'uint16' or 'float16'";

function describeSpec(spec: TfjsWeightSpec): string {
  const quantized = spec.quantization ? ` quantised as ${spec.quantization.dtype}` : '';
  return `'${spec.name}' ${formatShape(spec.shape)} ${spec.dtype}${quantized}`;
}

/** Check one spec's fields and return the number of bytes its values occupy. */
export function storedByteLength(spec: TfjsWeightSpec, caller = 'storedByteLength'): number {
  if (typeof spec?.name !== 'string') throw new Error(`${caller}: a weight has no string 'name': ${JSON.stringify(spec)?.slice(0, 200)}`);
  if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${caller}: weight '${spec.name}' has shape ${JSON.stringify(spec.shape)}; expected a list of non-negative integers`);
  }
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
    throw new Error(`${caller}: weight '${spec.name}' has dtype '${spec.dtype}'; supported: ${SUPPORTED}`);
  }
  const q = spec.quantization;
  if (q) {
    if (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16') {
      throw new Error(`${caller}: weight '${spec.name}' is quantised as '${q.dtype}'; supported: ${SUPPORTED}`);
    }
    if (q.dtype === 'float16' && spec.dtype !== 'float32') {
      throw new Error(`${caller}: weight '${spec.name}' is ${spec.dtype} quantised as float16; float16 quantisation applies to float32 weights only`);
    }
    if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
      throw new Error(`${caller}: weight '${spec.name}' is quantised as ${q.dtype} but has scale ${q.scale} and min ${q.min}; both must be finite numbers`);
    }
  }
  return sizeOf(spec.shape) * STORED_BYTES[q ? q.dtype : spec.dtype];
}

/** The weight specs of every group, in order (the order of the bytes). */
export function weightSpecsOf(manifest: TfjsWeightsManifest, caller = 'weightSpecsOf'): TfjsWeightSpec[] {
  if (!Array.isArray(manifest) || manifest.some((g) => !g || !Array.isArray(g.weights) || !Array.isArray(g.paths))) {
    throw new Error(`${caller}: a weights manifest is a list of groups { paths: string[], weights: [...] }; got ${JSON.stringify(manifest)?.slice(0, 200)}`);
  }
  return manifest.flatMap((g) => g.weights);
}

/** Join shard contents into one byte array (the layout the specs describe). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** A copy of bytes [start, start + length) as an ArrayBuffer of its own, so typed views are aligned. */
function copyBytes(bytes: Uint8Array, start: number, length: number): ArrayBuffer {
  return bytes.slice(start, start + length).buffer;
}

function decodeOne(spec: TfjsWeightSpec, bytes: Uint8Array, start: number, byteLength: number): Tensor {
  const q = spec.quantization;
  const buffer = copyBytes(bytes, start, byteLength);
  if (!q) return new Tensor(spec.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer), spec.shape);
  if (q.dtype === 'float16') return new Tensor(float16ToFloat32(new Uint16Array(buffer)), spec.shape);
  const quantized = q.dtype === 'uint8' ? new Uint8Array(buffer) : new Uint16Array(buffer);
  const scale = q.scale as number;
  const min = q.min as number;
  // As TF.js: int32 weights round the dequantised value.
  const out = spec.dtype === 'int32' ? new Int32Array(quantized.length) : new Float32Array(quantized.length);
  const round = spec.dtype === 'int32';
  for (let i = 0; i < quantized.length; i++) {
    const w = quantized[i] * scale + min;
    out[i] = round ? Math.round(w) : w;
  }
  return new Tensor(out, spec.shape);
}

/**
 * Decode the concatenated shard bytes of a manifest's weights into named tensors (in manifest order).
 * The byte count must match the specs exactly; `source` names the caller and file in errors.
 */
export function decodeTfjsWeights(specs: readonly TfjsWeightSpec[], data: Uint8Array | ArrayBuffer, source = 'decodeTfjsWeights'): NamedTensors {
  // A plain Uint8Array view: Node's Buffer.slice would return a view, not the copy copyBytes relies on.
  const bytes = data instanceof Uint8Array ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
  const lengths = specs.map((s) => storedByteLength(s, source));
  const expected = lengths.reduce((a, b) => a + b, 0);
  if (expected !== bytes.byteLength) {
    let detail: string;
    if (bytes.byteLength < expected) {
      let end = 0;
      const i = lengths.findIndex((n) => (end += n) > bytes.byteLength);
      detail = `the data runs out in weight ${describeSpec(specs[i])}, which needs bytes ${end - lengths[i]}..${end - 1}`;
    } else {
      detail = `${bytes.byteLength - expected} bytes are left over after the last weight`;
    }
    throw new Error(`${source}: the manifest's ${specs.length} weights need ${expected} bytes but the data has ${bytes.byteLength}: ${detail}`);
  }
  const out: NamedTensors = {};
  let offset = 0;
  specs.forEach((spec, i) => {
    if (Object.hasOwn(out, spec.name)) throw new Error(`${source}: weight name '${spec.name}' appears twice in the manifest`);
    out[spec.name] = decodeOne(spec, bytes, offset, lengths[i]);
    offset += lengths[i];
  });
  return out;
}
