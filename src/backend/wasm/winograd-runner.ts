// Plans a stride-1 convolution with a 3x3 or 5x5 filter as Winograd F(2x2, 3x3) (kernels/assembly/
// winograd.ts; a 5x5 filter as four 3x3 pieces). Forward (and input gradient): the filters are transformed
// once for all threads, then threads claim blocks of output tiles, each transformed, multiplied and
// transformed back in the claiming thread's scratch. Filter gradient (winograd-filter-grad.ts): fixed
// slices of tiles, each summed into its own partial, added in order and transformed back.
import type { Conv2dParams } from '../backend.js';
import { convGeometry } from './conv-record.js';
import {
  type WinogradTilesRecord, writeConvGeometry, writeGemmReduce, writeWinogradConv, writeWinogradFilter, writeWinogradFilterGrad,
} from './records.generated.js';
import { countWeightPack } from './stats.js';
import type { PackedB } from './weight-cache.js';
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
/**
 * The filter gradient's blocks are the depth of its micro-kernel calls: there longer sums beat staying in
 * L2 (5x5 192->32 at 28x28: 5.5 ms with the forward's budget, 4.5 ms with 4 times it).
 */
const GRAD_BLOCK_FLOATS = 4 * BLOCK_FLOATS;
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
 * The filter gradient accumulates dU (16 floats per (piece, ci, co)) once per block of tiles; past this
 * size it streams from memory and Winograd stops paying (measured with kernels/measure-winograd.ts:
 * 256 -> 256 channels at 8x14x14 1.2x, 512 -> 512 at 8x7x7 0.78-0.89x, at 28x28 1.0-1.2x).
 */
const MAX_GRAD_PRODUCTS = 256 * 256;

/** The filter gradient takes Winograd where the forward does and dU is small enough. */
export function usesWinogradFilterGrad(p: Conv2dParams): boolean {
  return usesWinograd(p) && (mode === 'always' || piecesOf(p) ** 2 * p.inC * p.outC <= MAX_GRAD_PRODUCTS);
}

/**
 * Tiles per block: as many as the cache budget allows, in a number of blocks that the threads share
 * evenly (each thread streams the transformed filters once per block, so fewer, larger blocks are better
 * as long as no thread waits for another); a multiple of the micro-tile height `mr`.
 */
function blockTiles(tiles: number, threads: number, mr: number, floatsPerTile: number, budget: number): number {
  const byCache = Math.min(MAX_BLOCK_TILES, Math.max(MIN_BLOCK_ROWS * mr, Math.floor(budget / floatsPerTile / mr) * mr));
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

/** The most input tiles any of the blocks [start, start + block) (each cut at its range's end) reads. */
function maxInputTiles(g: TileGrid, ranges: [number, number][], block: number, pieces: number): number {
  let most = 0;
  for (const [from, to] of ranges) {
    for (let t0 = from; t0 < to; t0 += block) {
      const last = Math.min(to, t0 + block) - 1;
      most = Math.max(most, inputTileOf(g, last) + (pieces - 1) * (g.gridW + 1) - inputTileOf(g, t0) + 1);
    }
  }
  return most;
}

/** Allocates what both passes share and returns their records' common fields; the caller adds the rest. */
function tileBlocks(rt: WasmRuntime, p: Conv2dParams, grid: TileGrid, block: number, vRows: number, threads: number, scratchFloatsPerTile: number): Omit<WinogradTilesRecord, 'x'> {
  const arena = rt.arena;
  const pieces = piecesOf(p);
  const cinP = roundUp(p.inC, 4);
  // Column (piece (a, b), ci) of a tile's GEMM row: channel ci of input tile (ty + a, tx + b) in V.
  const depth = pieces * pieces * p.inC;
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
  // Row pointers and per-tile offsets, then V and the block's second operand (M or Z): 16 slabs each, a
  // cache line apart (slabStride).
  const scratchBytes = roundUp(64 + roundUp(block * 4, 64) + E * ((vRows * cinP + block * scratchFloatsPerTile) * 4 + 128), 64);
  const scratch = arena.alloc(scratchBytes * threads);
  return { conv: writeConvGeometry(arena, convGeometry(p)), offsets, zero, scratch, scratchStride: scratchBytes, block, pieces, vRows };
}

export interface WinogradSpec {
  p: Conv2dParams;
  x: number;
  /** The conv's filters, or (flipped) those of the forward conv whose input gradient this conv is. */
  w: number;
  flipped: boolean;
  /** Where the transformed filters are (the weight cache); unless filled, transformed there now. */
  u?: PackedB;
  y: number;
  bias: number;
}

export function runConvWinograd(rt: WasmRuntime, spec: WinogradSpec): void {
  const { p } = spec;
  const arena = rt.arena;
  const mark = arena.mark();
  const pieces = piecesOf(p);
  const depth = pieces * pieces * p.inC;
  const coutP = roundUp(p.outC, 8);
  const grid = tileGrid(p);
  const threads = threadsFor(rt, 2 * E * grid.tiles * depth * p.outC);
  const block = blockTiles(grid.tiles, threads, rt.constant('GEMM_MR'), E * (roundUp(p.inC, 4) + coutP), BLOCK_FLOATS);
  const vRows = maxInputTiles(grid, [[0, grid.tiles]], block, pieces);
  const tiles = tileBlocks(rt, p, grid, block, vRows, threads, coutP);
  const u = spec.u ? spec.u.ptr : arena.alloc(E * (coutP * depth * 4 + 64)); // 16 slabs, a cache line apart
  const task = writeWinogradConv(arena, { ...tiles, x: spec.x, u, y: spec.y, bias: spec.bias });
  if (!spec.u?.filled) {
    const filter = writeWinogradFilter(arena, { conv: tiles.conv, w: spec.w, flipped: spec.flipped ? 1 : 0, u, pieces });
    rt.run('winogradFilter', filter, threadsFor(rt, 2 * 40 * depth * coutP));
    countWeightPack();
    if (spec.u) spec.u.filled = true;
  }
  rt.run('winogradConv', task, threads);
  arena.release(mark);
}

/** Most slices of tiles the filter gradient sums separately, and the fewest tiles worth a slice. */
const MAX_SLICES = 8;
const MIN_SLICE_TILES = 64;
/** The slices' partial dU together stay under this (16 floats per (piece, ci, co) each). */
const PARTIAL_BYTES_BUDGET = 64 << 20;

/**
 * dW of a conv that usesWinograd, from x and dy: fixed slices of output tiles (by shape alone), each
 * summed block by block into its own partial dU by whichever threads claim its row chunks, then added in
 * slice order (gemmReduce, in place into the first) and transformed back.
 */
export function runConvWinogradFilterGrad(rt: WasmRuntime, p: Conv2dParams, x: number, dy: number, dw: number): void {
  const arena = rt.arena;
  const mark = arena.mark();
  const mr = rt.constant('GEMM_MR');
  const pieces = piecesOf(p);
  const depth = pieces * pieces * p.inC;
  const coutP = roundUp(p.outC, 8);
  const grid = tileGrid(p);
  // Blocks and slices fix the order of the sums: both depend on the shape, never on the thread count.
  const block = blockTiles(grid.tiles, 1, mr, E * (roundUp(p.inC, 4) + coutP), GRAD_BLOCK_FLOATS);
  const partialBytes = E * (roundUp(depth, mr) * coutP * 4 + 64);
  const slices = Math.max(1, Math.min(MAX_SLICES, Math.ceil(grid.tiles / MIN_SLICE_TILES), Math.floor(PARTIAL_BYTES_BUDGET / partialBytes)));
  const sliceTiles = Math.ceil(grid.tiles / slices);
  const ranges: [number, number][] = [];
  for (let t = 0; t < grid.tiles; t += sliceTiles) ranges.push([t, Math.min(grid.tiles, t + sliceTiles)]);
  const threads = threadsFor(rt, 2 * E * grid.tiles * depth * p.outC);
  // Work items: a slice and a chunk of dU's rows; more chunks when threads outnumber slices.
  const rowChunks = Math.min(Math.ceil(depth / mr), Math.ceil(threads / ranges.length));
  const vRows = maxInputTiles(grid, ranges, block, pieces);
  const tiles = tileBlocks(rt, p, grid, block, vRows, threads, coutP);
  const partial = arena.alloc(ranges.length * partialBytes);
  const task = writeWinogradFilterGrad(arena, {
    ...tiles, x, dy, dw, slices: ranges.length, sliceTiles, partial, rowChunks,
  });
  rt.run('winogradFilterGrad', task, Math.min(threads, ranges.length * rowChunks));
  if (ranges.length > 1) {
    // The partial dUs, as flat [rows, 16] matrices, added in slice order into the first.
    const rows = partialBytes / 64;
    const reduce = writeGemmReduce(arena, { m: rows, n: 16, c: partial, ldc: 16, partial, parts: ranges.length });
    rt.run('gemmReduce', reduce, threadsFor(rt, rows * 16 * ranges.length));
  }
  rt.run('winogradFilterGradOut', task, threadsFor(rt, 2 * 40 * depth * coutP));
  arena.release(mark);
}
