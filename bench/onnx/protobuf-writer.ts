// Just enough of the protobuf wire format to write ONNX models: varints, length-delimited fields and
// packed repeated scalars. Messages are built bottom-up as byte arrays and nested as length-delimited fields.

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

const utf8 = new TextEncoder();

export class ProtobufWriter {
  private chunks: number[] = [];
  private blobs: Uint8Array[] = [];

  /** Unsigned varint; negative int64 values take the two's complement 10-byte form, as protobuf does. */
  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** Flush pending single bytes so that large blobs are appended without copying them byte by byte. */
  private flushBytes(): void {
    if (this.chunks.length) this.blobs.push(Uint8Array.from(this.chunks));
    this.chunks = [];
  }

  private lengthDelimited(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.flushBytes();
    this.blobs.push(bytes);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(...bytes);
    return this;
  }

  string(field: number, value: string): this {
    this.lengthDelimited(field, utf8.encode(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.lengthDelimited(field, value);
    return this;
  }

  message(field: number, encoded: Uint8Array): this {
    this.lengthDelimited(field, encoded);
    return this;
  }

  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtobufWriter();
    for (const v of values) inner.varint(v);
    this.lengthDelimited(field, inner.finish());
    return this;
  }

  packedFloats(field: number, values: readonly number[]): this {
    this.lengthDelimited(field, new Uint8Array(Float32Array.from(values).buffer));
    return this;
  }

  finish(): Uint8Array {
    this.flushBytes();
    const total = this.blobs.reduce((n, b) => n + b.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const b of this.blobs) {
      out.set(b, offset);
      offset += b.length;
    }
    return out;
  }
}
