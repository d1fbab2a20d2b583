// Per-channel kernels (batch norm's affine map, per-channel sums) on SIMD: copy in, run, copy out.
import type { ChannelAffine, ChannelSums } from '../backend.js';
import { writeChannelAffine, writeChannelSums } from './records.generated.js';
import type { WasmRuntime } from './wasm-runtime.js';
import { threadsFor } from './work-split.js';

/**
 * Slices of rows summed separately and then added in order: fixed by the shape, so sums are identical for
 * any thread count.
 */
const SUM_SLICES = 8;
/**
 * These kernels are bound by memory: an element costs about as long as 16 multiply-adds of a GEMM, which
 * is what threadsFor counts (so a second thread joins from about 190,000 elements).
 */
const ELEMENT_WORK = 16;

/** x2: p.second's input as float32 (the caller checked it), or null. */
export function channelAffine(rt: WasmRuntime, p: ChannelAffine, x: Float32Array, x2: Float32Array | null, y: Float32Array): void {
  const arena = rt.arena;
  arena.reset();
  const xPtr = arena.copyIn(x);
  const record = writeChannelAffine(arena, {
    rows: x.length / p.channels,
    channels: p.channels,
    x: xPtr,
    center: arena.copyInAsF32(p.center ?? new Float64Array(p.channels)),
    scale: arena.copyInAsF32(p.scale),
    shift: arena.copyInAsF32(p.shift),
    x2: x2 ? arena.copyIn(x2) : 0,
    center2: x2 && p.second ? arena.copyInAsF32(p.second.center2) : 0,
    scale2: x2 && p.second ? arena.copyInAsF32(p.second.scale2) : 0,
    y: xPtr, // in place: each element is read once, before it is written
    relu: p.relu ? 1 : 0,
  });
  rt.run('channelAffine', record, threadsFor(rt, ELEMENT_WORK * x.length));
  arena.copyOut(xPtr, y);
}

export function channelSums(
  rt: WasmRuntime, p: ChannelSums, a: Float32Array, b: Float32Array | null, sums: Float64Array, dots: Float64Array | null,
): void {
  const arena = rt.arena;
  arena.reset();
  const C = p.channels;
  const rows = a.length / C;
  const slices = Math.max(1, Math.min(SUM_SLICES, rows));
  const partial = arena.alloc(slices * 2 * C * 8);
  const record = writeChannelSums(arena, {
    rows,
    channels: C,
    a: arena.copyIn(a),
    aCenter: b && p.aCenter ? arena.copyIn(p.aCenter) : 0,
    b: b ? arena.copyIn(b) : 0,
    bCenter: b && p.bCenter ? arena.copyIn(p.bCenter) : 0,
    partial,
    slices,
  });
  rt.run('channelSums', record, Math.min(slices, threadsFor(rt, ELEMENT_WORK * a.length)));
  const f64 = arena.f64();
  sums.fill(0);
  dots?.fill(0);
  for (let s = 0; s < slices; s++) {
    const base = (partial >> 3) + s * 2 * C;
    for (let c = 0; c < C; c++) sums[c] += f64[base + c];
    if (dots) for (let c = 0; c < C; c++) dots[c] += f64[base + C + c];
  }
}
