// Encoders for the ONNX messages the benchmarks need (field numbers from onnx/onnx.proto3): ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto (float32 as raw_data) and ValueInfoProto.
import { ProtobufWriter } from './protobuf-writer.js';

/** ONNX IR version 7 is the one that goes with opset 13. */
export const IR_VERSION = 7;
export const OPSET_VERSION = 13;

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

export type AttributeValue = number | number[] | { float: number };

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Integers and integer lists; `{ float: x }` for float attributes (epsilon, alpha). */
  attributes?: Record<string, AttributeValue>;
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface ValueInfo {
  name: string;
  /** Left out for outputs whose shape onnxruntime infers. */
  dims?: number[];
}

export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  initializers: Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

function attribute(name: string, value: AttributeValue): Uint8Array {
  const w = new ProtobufWriter().string(1, name);
  if (Array.isArray(value)) w.packedInts(8, value).int(20, ATTRIBUTE_INTS);
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`onnx attribute '${name}': ${value} is not an integer; write { float: ${value} }`);
    w.int(3, value).int(20, ATTRIBUTE_INT);
  } else w.float(2, value.float).int(20, ATTRIBUTE_FLOAT);
  return w.finish();
}

function node(spec: NodeSpec, index: number): Uint8Array {
  const w = new ProtobufWriter();
  for (const input of spec.inputs) w.string(1, input);
  for (const output of spec.outputs) w.string(2, output);
  w.string(3, `${spec.opType.toLowerCase()}_${index}`).string(4, spec.opType);
  for (const [name, value] of Object.entries(spec.attributes ?? {})) w.message(5, attribute(name, value));
  return w.finish();
}

function tensor(init: Initializer): Uint8Array {
  const expected = init.dims.reduce((a, b) => a * b, 1);
  if (init.data.length !== expected) {
    throw new Error(`onnx initializer '${init.name}': dims [${init.dims.join(', ')}] need ${expected} values, got ${init.data.length}`);
  }
  const raw = new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
  return new ProtobufWriter().packedInts(1, init.dims).int(2, FLOAT).string(8, init.name).bytes(9, raw).finish();
}

function valueInfo(info: ValueInfo): Uint8Array {
  const tensorType = new ProtobufWriter().int(1, FLOAT);
  if (info.dims) {
    const shape = new ProtobufWriter();
    for (const d of info.dims) shape.message(1, new ProtobufWriter().int(1, d).finish());
    tensorType.message(2, shape.finish());
  }
  const type = new ProtobufWriter().message(1, tensorType.finish()).finish();
  return new ProtobufWriter().string(1, info.name).message(2, type).finish();
}

function graph(spec: GraphSpec): Uint8Array {
  const w = new ProtobufWriter();
  spec.nodes.forEach((n, i) => w.message(1, node(n, i)));
  w.string(2, spec.name);
  for (const init of spec.initializers) w.message(5, tensor(init));
  for (const input of spec.inputs) w.message(11, valueInfo(input));
  for (const output of spec.outputs) w.message(12, valueInfo(output));
  return w.finish();
}

/** Serialised ModelProto (opset 13, default domain) ready for onnxruntime's InferenceSession.create. */
export function encodeModel(spec: GraphSpec): Uint8Array {
  const opset = new ProtobufWriter().string(1, '').int(2, OPSET_VERSION).finish();
  return new ProtobufWriter()
    .int(1, IR_VERSION)
    .string(2, 'convkit-bench')
    .message(7, graph(spec))
    .message(8, opset)
    .finish();
}
