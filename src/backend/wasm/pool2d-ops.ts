// Pooling on the SIMD kernels (vectorised over channels): copy in, run, copy out.
import type { AvgPoolMode, Pool2dParams } from '../backend.js';
import { type PoolGeometryRecord, writePool2d, writePool2dBackward } from './records.generated.js';
import type { KernelName, WasmRuntime } from './wasm-runtime.js';
import { threadsFor } from './work-split.js';

function poolGeometry(p: Pool2dParams, mode?: AvgPoolMode): PoolGeometryRecord {
  return {
    batch: p.batch,
    inH: p.inH,
    inW: p.inW,
    channels: p.channels,
    outH: p.outH,
    outW: p.outW,
    kH: p.kH,
    kW: p.kW,
    strideH: p.strideH,
    strideW: p.strideW,
    padTop: p.padTop,
    padLeft: p.padLeft,
    countIncludePad: p.countIncludePad ? 1 : 0,
    sum: mode === 'sum' ? 1 : 0,
  };
}

/** Forward passes share output rows; backward passes scatter, so they share whole images. */
function run(rt: WasmRuntime, kernel: KernelName, record: number, p: Pool2dParams, byImage: boolean): void {
  const work = p.batch * p.outH * p.outW * p.channels * p.kH * p.kW;
  const threads = threadsFor(rt, 2 * work);
  rt.run(kernel, record, byImage ? Math.min(threads, p.batch) : threads);
}

/** argmax null: the kernel skips the winners (a record with argmax 0). */
export function maxPool2d(rt: WasmRuntime, p: Pool2dParams, x: Float32Array, y: Float32Array, argmax: Int32Array | null): void {
  const arena = rt.arena;
  arena.reset();
  const xPtr = arena.copyIn(x);
  const yPtr = arena.alloc(y.byteLength);
  const argmaxPtr = argmax ? arena.alloc(argmax.byteLength) : 0;
  run(rt, 'maxPool2d', writePool2d(arena, { ...poolGeometry(p), x: xPtr, y: yPtr, argmax: argmaxPtr }), p, false);
  arena.copyOut(yPtr, y);
  if (argmax) arena.copyOut(argmaxPtr, argmax);
}

export function maxPool2dBackward(
  rt: WasmRuntime, p: Pool2dParams, dy: Float32Array, argmax: Int32Array, dx: Float32Array,
): void {
  const arena = rt.arena;
  arena.reset();
  const dyPtr = arena.copyIn(dy);
  const argmaxPtr = arena.copyIn(argmax);
  const dxPtr = arena.alloc(dx.byteLength);
  run(rt, 'maxPool2dBackward', writePool2dBackward(arena, { ...poolGeometry(p), dy: dyPtr, dx: dxPtr, argmax: argmaxPtr }), p, true);
  arena.copyOut(dxPtr, dx);
}

export function avgPool2d(rt: WasmRuntime, p: Pool2dParams, mode: AvgPoolMode, x: Float32Array, y: Float32Array): void {
  const arena = rt.arena;
  arena.reset();
  const xPtr = arena.copyIn(x);
  const yPtr = arena.alloc(y.byteLength);
  run(rt, 'avgPool2d', writePool2d(arena, { ...poolGeometry(p, mode), x: xPtr, y: yPtr }), p, false);
  arena.copyOut(yPtr, y);
}

export function avgPool2dBackward(
  rt: WasmRuntime, p: Pool2dParams, mode: AvgPoolMode, dy: Float32Array, dx: Float32Array,
): void {
  const arena = rt.arena;
  arena.reset();
  const dyPtr = arena.copyIn(dy);
  const dxPtr = arena.alloc(dx.byteLength);
  run(rt, 'avgPool2dBackward', writePool2dBackward(arena, { ...poolGeometry(p, mode), dy: dyPtr, dx: dxPtr }), p, true);
  arena.copyOut(dxPtr, dx);
}
