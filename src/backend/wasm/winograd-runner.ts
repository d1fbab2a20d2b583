// Plans a 3x3 stride-1 convolution as Winograd F(2x2, 3x3) (kernels/assembly/winograd.ts): transforms the
// filters once for all threads, then threads claim blocks of output tiles, each transformed, multiplied
// and transformed back in the claiming thread's scratch.
import type { Conv2dParams } from '../backend.js';
import { WINOGRAD_RECORD_BYTES, WinogradField as F } from './layout.js';
import { writeConvRecord } from './conv-record.js';
import { threadsFor } from './work-split.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Fewest input and output channels: below them the transforms cost more than the products saved. */
const MIN_CHANNELS = 16;
/**
 * Winograd saves 9 * outputs - 16 * tiles multiply-adds per channel pair (less where half tiles hang over
 * the edge) and pays for each pair's filter transform. Measured against the indirect GEMM
 * (`node --import tsx kernels/measure-winograd.ts --threads 1,2`): 7x7 outputs at batch 1 (185 saved)
 * run 0.84-1.14x, from 2x7x7 (370 saved) on Winograd wins 1.2-1.95x.
 */
const MIN_SAVED_PER_PAIR = 256;
/** Floats of one block's V and M (per thread): small enough to stay in a core's L2 cache. */
const BLOCK_FLOATS = 96 * 1024;
/** Wide layers take blocks of at least this many micro-tile rows anyway, or the filters stream too often. */
const MIN_BLOCK_ROWS = 4;
const MAX_BLOCK_TILES = 96;
/** Transformed elements per tile (4x4). */
const E = 16;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

export type WinogradMode = 'auto' | 'always' | 'never';
let mode: WinogradMode = 'auto';

/**
 * 'never': convs take the indirect GEMM; 'always': every conv of the right geometry takes Winograd,
 * whatever it saves. For measurements and tests that compare the two; not part of the public API.
 */
export function setWinogradMode(m: WinogradMode = 'auto'): void {
  mode = m;
}

const tileCount = (p: Conv2dParams) => p.batch * Math.ceil(p.outH / 2) * Math.ceil(p.outW / 2);

/** 3x3, stride 1, no dilation, one group, and enough products saved to pay for the transforms. */
export function usesWinograd(p: Conv2dParams): boolean {
  if (mode === 'never') return false;
  if (!(p.kH === 3 && p.kW === 3 && p.strideH === 1 && p.strideW === 1 && p.dilationH === 1 && p.dilationW === 1)) return false;
  if (p.groups !== 1 || p.inC < MIN_CHANNELS || p.outC < MIN_CHANNELS) return false;
  if (mode === 'always') return true;
  return 9 * p.batch * p.outH * p.outW - E * tileCount(p) >= MIN_SAVED_PER_PAIR;
}

/**
 * Tiles per block: as many as the cache budget allows, in a number of blocks that the threads share
 * evenly (each thread streams the transformed filters once per block, so fewer, larger blocks are better
 * as long as no thread waits for another); a multiple of the micro-tile height `mr`.
 */
function blockTiles(tiles: number, threads: number, mr: number, floatsPerTile: number): number {
  const byCache = Math.min(MAX_BLOCK_TILES, Math.max(MIN_BLOCK_ROWS * mr, Math.floor(BLOCK_FLOATS / floatsPerTile / mr) * mr));
  const rows = Math.ceil(tiles / mr);
  const blocks = roundUp(Math.ceil(tiles / byCache), threads);
  return Math.ceil(rows / Math.min(rows, blocks)) * mr;
}

export interface WinogradSpec {
  p: Conv2dParams;
  x: number;
  /** The conv's filters, or (flipped) those of the forward conv whose input gradient this conv is. */
  w: number;
  flipped: boolean;
  y: number;
  bias: number;
}

export function runConvWinograd(rt: WasmRuntime, spec: WinogradSpec): void {
  const { p } = spec;
  const arena = rt.arena;
  const mark = arena.mark();
  const mr = rt.constant('GEMM_MR');
  const cinP = roundUp(p.inC, 4);
  const coutP = roundUp(p.outC, 8);
  const tiles = tileCount(p);
  const threads = threadsFor(rt, 2 * E * tiles * p.inC * p.outC);
  const block = blockTiles(tiles, threads, mr, E * (cinP + coutP));
  const conv = writeConvRecord(arena, p);
  const u = arena.alloc(E * (coutP * p.inC * 4 + 64)); // 16 slabs, a cache line apart
  const offsets = arena.alloc(p.inC * 4);
  const i32 = arena.i32();
  for (let c = 0; c < p.inC; c++) i32[(offsets >> 2) + c] = 4 * c;
  const zero = arena.alloc(cinP * 4);
  arena.f32().fill(0, zero >> 2, (zero >> 2) + cinP);
  // Micro-kernel row pointers, then V and M: 16 slabs each, a cache line apart (winograd.ts, slabStride).
  const scratchBytes = roundUp(64 + E * (block * (cinP + coutP) * 4 + 128), 64);
  const scratch = arena.alloc(scratchBytes * threads);
  const task = arena.alloc(WINOGRAD_RECORD_BYTES);
  const fields: [number, number][] = [
    [F.conv, conv], [F.x, spec.x], [F.w, spec.w], [F.flipped, spec.flipped ? 1 : 0], [F.u, u], [F.y, spec.y],
    [F.bias, spec.bias], [F.offsets, offsets], [F.zero, zero], [F.scratch, scratch], [F.scratchStride, scratchBytes],
    [F.block, block], [F.next, 0],
  ];
  for (const [offset, value] of fields) arena.setI32(task, offset, value);
  rt.run('winogradFilter', task, threadsFor(rt, 2 * 40 * p.inC * coutP));
  rt.run('winogradConv', task, threads);
  arena.release(mark);
}
