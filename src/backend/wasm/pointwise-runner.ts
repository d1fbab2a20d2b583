// Runs a pointwise kernel (optimiser steps, ReLU) chunk by chunk: each chunk of the arrays it reads is
// copied in, the kernel makes one pass, and the chunks of the arrays it writes are copied back. Chunks
// keep the copies in the cache: whole 47 MB arrays (a ResNet-18 layer's Adam state) went to main memory
// and back three times, and the copies cost more than the arithmetic.
import { writePointwise } from './records.generated.js';
import { threadsFor } from './work-split.js';
import type { KernelName, WasmRuntime } from './wasm-runtime.js';

const CHUNK = 32 * 1024; // elements, a multiple of every kernel's vector

export interface PointwiseArray {
  data: Float32Array;
  read: boolean;
  write: boolean;
}

/**
 * `arrays` in the kernel's order (null: absent); the same Float32Array given twice (an in-place op)
 * shares one copy. `flopsPerElement` sets how many threads share a chunk.
 */
export function runPointwise(
  rt: WasmRuntime, kernel: KernelName, arrays: (PointwiseArray | null)[], factors: number[], flags: number, flopsPerElement: number,
): void {
  const arena = rt.arena;
  const n = arrays[0]!.data.length;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    arena.reset();
    const ptrs = new Map<Float32Array, number>();
    const pointers = arrays.map((a) => {
      if (!a) return 0;
      let ptr = ptrs.get(a.data);
      if (ptr === undefined) {
        const part = a.data.subarray(start, end);
        ptr = a.read ? arena.copyIn(part) : arena.alloc(part.byteLength);
        ptrs.set(a.data, ptr);
      }
      return ptr;
    });
    const task = writePointwise(arena, { n: end - start, arrays: pointers, flags, h: factors });
    rt.run(kernel, task, threadsFor(rt, flopsPerElement * (end - start)));
    arrays.forEach((a, i) => a?.write && arena.copyOut(pointers[i], a.data.subarray(start, end)));
  }
}
