// Plans a stride-1 convolution with a 3x3 or 5x5 filter as Winograd F(2x2, 3x3) (kernels/assembly/
// winograd.ts; a 5x5 filter as four 3x3 pieces): transforms the filters once for all threads, then threads
// claim blocks of output tiles, each transformed, multiplied and transformed back in the claiming thread's
// scratch.
import type { Conv2dParams } from '../backend.js';
import { WINOGRAD_RECORD_BYTES, WinogradField as F } from './layout.js';
import { writeConvRecord } from './conv-record.js';
import { threadsFor } from './work-split.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Fewest input and output channels: below them the transforms cost more than the products saved. */
const MIN_CHANNELS = 16;
/**
 * Winograd saves k*k * outputs - 16 * pieces^2 * tiles multiply-adds per channel pair (less where half
 * tiles hang over the edge) and pays for each pair's filter transform, one per piece. Measured against the
 * indirect GEMM (`node --import tsx kernels/measure-winograd.ts --threads 1,2`): 3x3 convs with 7x7
 * outputs at batch 1 (185 saved) run 0.84-1.14x, from 2x7x7 (370 saved) on Winograd wins 1.2-1.95x.
 */
const MIN_SAVED_PER_PAIR_AND_PIECE = 256;
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

/** 3x3 pieces per side of the filter: 1 for 3x3, 2 for 5x5. */
const piecesOf = (p: Conv2dParams) => (p.kH - 1) / 2;

/** Output tiles: 2x2 blocks of outputs. */
interface TileGrid {
  tilesH: number;
  tilesW: number;
  /** Input tiles per image: (tilesH + pieces - 1) x (tilesW + pieces - 1), the pieces' halo. */
  gridH: number;
  gridW: number;
  tiles: number;
}

function tileGrid(p: Conv2dParams): TileGrid {
  const pieces = piecesOf(p);
  const tilesH = Math.ceil(p.outH / 2);
  const tilesW = Math.ceil(p.outW / 2);
  return { tilesH, tilesW, gridH: tilesH + pieces - 1, gridW: tilesW + pieces - 1, tiles: p.batch * tilesH * tilesW };
}

/** 3x3 or 5x5, stride 1, no dilation, one group, and enough products saved to pay for the transforms. */
export function usesWinograd(p: Conv2dParams): boolean {
  if (mode === 'never') return false;
  if (!(p.kH === p.kW && (p.kH === 3 || p.kH === 5))) return false;
  if (p.strideH !== 1 || p.strideW !== 1 || p.dilationH !== 1 || p.dilationW !== 1 || p.groups !== 1) return false;
  if (p.inC < MIN_CHANNELS || p.outC < MIN_CHANNELS) return false;
  if (mode === 'always') return true;
  const pieces2 = piecesOf(p) ** 2;
  const saved = p.kH * p.kW * p.batch * p.outH * p.outW - E * pieces2 * tileGrid(p).tiles;
  return saved >= MIN_SAVED_PER_PAIR_AND_PIECE * pieces2;
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

/** Index in the input-tile grid of output tile t's own input tile (mirrors winograd.ts, inputTileOf). */
function inputTileOf(g: TileGrid, t: number): number {
  const tx = t % g.tilesW;
  const rest = Math.floor(t / g.tilesW);
  return ((Math.floor(rest / g.tilesH) * g.gridH) + (rest % g.tilesH)) * g.gridW + tx;
}

/** The most input tiles any block of `block` output tiles reads (the size of each thread's V). */
function maxInputTiles(g: TileGrid, block: number, pieces: number): number {
  let most = 0;
  for (let t0 = 0; t0 < g.tiles; t0 += block) {
    const last = Math.min(g.tiles, t0 + block) - 1;
    most = Math.max(most, inputTileOf(g, last) + (pieces - 1) * (g.gridW + 1) - inputTileOf(g, t0) + 1);
  }
  return most;
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
  const pieces = piecesOf(p);
  const depth = pieces * pieces * p.inC;
  const cinP = roundUp(p.inC, 4);
  const coutP = roundUp(p.outC, 8);
  const grid = tileGrid(p);
  const threads = threadsFor(rt, 2 * E * grid.tiles * depth * p.outC);
  const block = blockTiles(grid.tiles, threads, mr, E * (cinP + coutP));
  const vRows = maxInputTiles(grid, block, pieces);
  const conv = writeConvRecord(arena, p);
  const u = arena.alloc(E * (coutP * depth * 4 + 64)); // 16 slabs, a cache line apart
  // Column (piece (a, b), ci) of a tile's GEMM row: channel ci of input tile (ty + a, tx + b) in V.
  const offsets = arena.alloc(depth * 4);
  const i32 = arena.i32();
  for (let a = 0; a < pieces; a++) {
    for (let b = 0; b < pieces; b++) {
      const tileBytes = (a * grid.gridW + b) * cinP * 4;
      const column = (offsets >> 2) + (a * pieces + b) * p.inC;
      for (let c = 0; c < p.inC; c++) i32[column + c] = tileBytes + 4 * c;
    }
  }
  const zero = arena.alloc(cinP * 4);
  arena.f32().fill(0, zero >> 2, (zero >> 2) + cinP);
  // Row pointers and per-tile offsets, then V and M: 16 slabs each, a cache line apart (slabStride).
  const scratchBytes = roundUp(64 + roundUp(block * 4, 64) + E * ((vRows * cinP + block * coutP) * 4 + 128), 64);
  const scratch = arena.alloc(scratchBytes * threads);
  const task = arena.alloc(WINOGRAD_RECORD_BYTES);
  const fields: [number, number][] = [
    [F.conv, conv], [F.x, spec.x], [F.w, spec.w], [F.flipped, spec.flipped ? 1 : 0], [F.u, u], [F.y, spec.y],
    [F.bias, spec.bias], [F.offsets, offsets], [F.zero, zero], [F.scratch, scratch], [F.scratchStride, scratchBytes],
    [F.block, block], [F.next, 0], [F.pieces, pieces], [F.vRows, vRows],
  ];
  for (const [offset, value] of fields) arena.setI32(task, offset, value);
  rt.run('winogradFilter', task, threadsFor(rt, 2 * 40 * depth * coutP));
  rt.run('winogradConv', task, threads);
  arena.release(mark);
}
