// A bump allocator over the kernels' WebAssembly memory, reset at the start of every op, above the blocks
// that outlive an op (the weight cache). Memory only grows to those blocks plus the largest single call's
// need, so a long training run stays flat.
import { ResidentBlocks } from './resident-blocks.js';

const PAGE = 65536;
const ALIGN = 64; // cache line: keeps packed panels and v128 loads aligned
/** Offset 0 means "no pointer" in the task records, so the arena starts above it. */
const BASE = 1024;
/**
 * Bytes kept addressable past the top: kernels may load a whole 8-float row where fewer are valid (the
 * extra lanes are discarded), and such a load must not run off the end of memory.
 */
const SLACK = 64;

/** A call needs more WebAssembly memory than the engine grants (the backend then uses the reference kernels). */
export class WasmMemoryExhausted extends Error {}

export class MemoryArena {
  readonly memory: WebAssembly.Memory;
  private readonly resident = new ResidentBlocks(BASE);
  private top = BASE;
  private viewBuffer: ArrayBufferLike | null = null;
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);
  private f64View = new Float64Array(0);

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /** Forget every allocation of the previous op. */
  reset(): void {
    this.top = this.resident.end;
  }

  /** A block that outlives the op, until free()d; only at the start of an op (nothing allocated since reset). */
  reserve(bytes: number): number {
    if (this.top !== this.resident.end) throw new Error('MemoryArena.reserve: called after this op allocated memory');
    const rounded = Math.ceil(bytes / ALIGN) * ALIGN;
    const ptr = this.resident.allocate(rounded);
    try {
      this.ensure(this.resident.end);
    } catch (err) {
      this.resident.free(ptr, rounded);
      throw err;
    }
    this.top = this.resident.end;
    return ptr;
  }

  /** Give back a block from reserve(); between ops (the arena moves down at the next reset). */
  free(ptr: number, bytes: number): void {
    this.resident.free(ptr, Math.ceil(bytes / ALIGN) * ALIGN);
  }

  /** The current top, to hand back with release() once temporaries are no longer needed. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Reserve `bytes` (rounded up to the alignment) and return the byte offset. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const top = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    this.ensure(top);
    this.top = top;
    return ptr;
  }

  /** Grow the memory so that everything below `top` (and the slack past it) is addressable. */
  private ensure(top: number): void {
    const have = this.memory.buffer.byteLength;
    if (top + SLACK <= have) return;
    try {
      this.memory.grow(Math.ceil((top + SLACK - have) / PAGE));
    } catch {
      throw new WasmMemoryExhausted(`wasm backend: cannot grow memory to ${top + SLACK} bytes`);
    }
  }

  /** Allocate room for `data` and copy it in. */
  copyIn(data: Float32Array | Int32Array | Float64Array): number {
    const ptr = this.alloc(data.byteLength);
    if (data instanceof Float32Array) this.f32().set(data, ptr >> 2);
    else if (data instanceof Float64Array) this.f64().set(data, ptr >> 3);
    else this.i32().set(data, ptr >> 2);
    return ptr;
  }

  /** Allocate room for `values` as float32 and copy them in, rounded. */
  copyInAsF32(values: Float64Array): number {
    const ptr = this.alloc(values.length * 4);
    this.f32().set(values, ptr >> 2);
    return ptr;
  }

  copyOut(ptr: number, out: Float32Array | Int32Array | Float64Array): void {
    if (out instanceof Float64Array) out.set(this.f64().subarray(ptr >> 3, (ptr >> 3) + out.length));
    else if (out instanceof Float32Array) out.set(this.f32().subarray(ptr >> 2, (ptr >> 2) + out.length));
    else out.set(this.i32().subarray(ptr >> 2, (ptr >> 2) + out.length));
  }

  /** Views over the whole memory, rebuilt after it grew (growing replaces memory.buffer). */
  f32(): Float32Array {
    this.refreshViews();
    return this.f32View;
  }

  i32(): Int32Array {
    this.refreshViews();
    return this.i32View;
  }

  f64(): Float64Array {
    this.refreshViews();
    return this.f64View;
  }

  /** Room for a task record, zeroed: a field its writer leaves out reads 0 ("none"), never a stale value. */
  allocRecord(bytes: number): number {
    const ptr = this.alloc(bytes);
    this.i32().fill(0, ptr >> 2, (ptr + bytes + 3) >> 2);
    return ptr;
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.viewBuffer) return;
    this.viewBuffer = buffer;
    this.f32View = new Float32Array(buffer);
    this.i32View = new Int32Array(buffer);
    this.f64View = new Float64Array(buffer);
  }
}
