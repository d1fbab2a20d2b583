// Reads the ONNX test data's TensorProto files (.pb) and a node attribute from model.onnx: just enough
// protobuf for the conformance cases (dims, data type, float/int32/int64 data, raw data).
import { readFileSync } from 'node:fs';

export interface OnnxTensor {
  dims: number[];
  /** Values as numbers (int64 values must be exact in float64, which the test data's are). */
  values: number[];
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  }
  chunk(): Uint8Array {
    const length = Number(this.varint());
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.chunk();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`onnx-tensor: unsupported wire type ${wire}`);
  }
}

const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;

function signed64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/** Repeated varints, packed (wire type 2) or one per tag. */
function readVarints(r: Reader, wire: number, into: number[]): void {
  if (wire !== 2) return void into.push(signed64(r.varint()));
  const packed = new Reader(r.chunk());
  while (!packed.done) into.push(signed64(packed.varint()));
}

export function readOnnxTensor(path: string): OnnxTensor {
  const r = new Reader(new Uint8Array(readFileSync(path)));
  const dims: number[] = [];
  const values: number[] = [];
  let dataType = 0;
  let raw: Uint8Array | null = null;
  while (!r.done) {
    const tag = Number(r.varint());
    const field = tag >> 3;
    const wire = tag & 7;
    if (field === 1) readVarints(r, wire, dims);
    else if (field === 2) dataType = Number(r.varint());
    else if (field === 4) {
      const c = r.chunk();
      const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
      for (let i = 0; i < c.byteLength; i += 4) values.push(view.getFloat32(i, true));
    } else if (field === 5 || field === 7) readVarints(r, wire, values);
    else if (field === 9) raw = r.chunk();
    else r.skip(wire);
  }
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = dataType === INT64 ? 8 : 4;
    for (let i = 0; i < raw.byteLength; i += width) {
      if (dataType === FLOAT) values.push(view.getFloat32(i, true));
      else if (dataType === INT32) values.push(view.getInt32(i, true));
      else if (dataType === INT64) values.push(Number(view.getBigInt64(i, true)));
      else throw new Error(`onnx-tensor: ${path}: unsupported data type ${dataType}`);
    }
  }
  return { dims, values };
}

/** An integer attribute of the model's node (AttributeProto: name = field 1, i = field 3), or undefined. */
export function readOnnxIntAttribute(modelPath: string, name: string): number | undefined {
  const bytes = new Uint8Array(readFileSync(modelPath));
  const key = new TextEncoder().encode(name);
  for (let at = 0; at + key.length < bytes.length; at++) {
    if (bytes[at - 2] !== 0x0a || bytes[at - 1] !== key.length || !key.every((b, k) => bytes[at + k] === b)) continue;
    const r = new Reader(bytes);
    r.pos = at + key.length;
    while (!r.done) {
      const tag = Number(r.varint());
      if (tag >> 3 === 3 && (tag & 7) === 0) return signed64(r.varint());
      if (tag >> 3 === 1) break; // the next attribute
      r.skip(tag & 7);
    }
  }
  return undefined;
}
