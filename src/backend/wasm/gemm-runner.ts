// Plans one GEMM for the kernels: writes its task record, picks how threads share it, allocates packing
// scratch (and one partial sum per depth slice when the depth is split), runs it, then frees the temporaries.
import {
  AKind, BKind, KC, NR, type PackWeightsRecord, Split, writeGemm, writeGemmReduce, writePackWeights,
} from './records.generated.js';
import { countWeightPack } from './stats.js';
import type { PackedB } from './weight-cache.js';
import type { WasmRuntime } from './wasm-runtime.js';
import { chunkSize, threadsFor } from './work-split.js';

/** op(A): a matrix in memory, or the im2col matrix (or its transpose) of a padded conv input, read on the fly. */
export type GemmA =
  | { kind: 'matrix'; ptr: number; ld: number; trans: boolean }
  | { kind: 'im2col' | 'im2colT'; ptr: number; conv: number };

export interface GemmSpec {
  m: number;
  n: number;
  k: number;
  a: GemmA;
  /**
   * flipped: B is the weights of a conv with `taps` taps, rotated for its input gradient (see igemm-runner).
   * packed: where B is packed whole (the weight cache); unless filled, packed there now (`ptr` is then read).
   */
  b: { ptr: number; ld: number; trans: boolean; flipped?: { taps: number }; packed?: PackedB };
  c: { ptr: number; ld: number };
  /** Pointer to bias[n], added to every row; 0 for none. */
  bias?: number;
}

/** Below this many micro-tiles each way, with a long depth, threads split the depth (filter gradients). */
const SMALL_OUTPUT_TILES = 8;
/** SPLIT_K depth slices: at least this deep (a multiple of KC), and at most MAX_DEPTH_SLICES of them. */
const MIN_SLICE_DEPTH = 2 * KC;
const MAX_DEPTH_SLICES = 64;

/**
 * How threads share the product. SPLIT_M and SPLIT_N give every output element the same sum whoever
 * computes it; SPLIT_K changes the order of the sum, so whether it is used, and its slices, depend on the
 * shape alone: the result is the same with any number of threads.
 */
function chooseSplit(spec: GemmSpec, threads: number, mr: number): number {
  const tilesM = Math.ceil(spec.m / mr);
  const tilesN = Math.ceil(spec.n / NR);
  // SPLIT_K slices pack their own B panels: plain B only.
  const longDepth = spec.k >= 2 * MIN_SLICE_DEPTH && !spec.b.flipped;
  if (longDepth && tilesM < SMALL_OUTPUT_TILES && tilesN < SMALL_OUTPUT_TILES) return Split.k;
  if (threads === 1 || tilesM >= 4 * threads) return Split.m;
  if (tilesN >= 4 * threads) return Split.n;
  return tilesM >= tilesN ? Split.m : Split.n;
}

/** Depth per SPLIT_K slice: whole KC blocks, no more than MAX_DEPTH_SLICES slices. */
function sliceDepth(k: number): number {
  return Math.max(MIN_SLICE_DEPTH, Math.ceil(k / MAX_DEPTH_SLICES / KC) * KC);
}

export function runGemm(rt: WasmRuntime, spec: GemmSpec): void {
  const { m, n, k } = spec;
  if (m === 0 || n === 0) return;
  const arena = rt.arena;
  const mark = arena.mark();
  const threads = threadsFor(rt, 2 * m * n * k);
  const mr = rt.constant('GEMM_MR');
  const split = chooseSplit(spec, threads, mr);
  const depthSplit = split === Split.k;
  const chunk = depthSplit ? sliceDepth(k) : chunkSize(split, m, n, threads, mr, rt.constant('GEMM_MC'));
  const slices = depthSplit ? Math.ceil(k / chunk) : 0;
  const scratchBytes = Math.ceil(rt.constant('SCRATCH_BYTES') / 64) * 64;
  const scratch = arena.alloc(scratchBytes * threads);
  const partial = depthSplit ? arena.alloc(slices * m * n * 4) : 0;
  // Chunked splits read B packed whole (once, all threads); SPLIT_K slices pack their own B panels unless
  // the weight cache holds it packed whole.
  const cached = spec.b.packed;
  const packed = cached ? cached.ptr : depthSplit ? 0 : arena.alloc(Math.ceil(n / NR) * NR * k * 4);
  const a = spec.a;
  const task = writeGemm(arena, {
    m, n, k,
    aKind: a.kind === 'matrix' ? AKind.matrix : a.kind === 'im2col' ? AKind.im2col : AKind.im2colT,
    a: a.ptr,
    lda: a.kind === 'matrix' ? a.ld : 0,
    transA: a.kind === 'matrix' && a.trans ? 1 : 0,
    conv: a.kind === 'matrix' ? 0 : a.conv,
    b: spec.b.ptr, ldb: spec.b.ld, transB: spec.b.trans ? 1 : 0,
    c: spec.c.ptr, ldc: spec.c.ld, bias: spec.bias,
    split, partial, scratch, scratchStride: scratchBytes, packed, chunk,
  });
  if (packed && !cached?.filled) {
    packWeights(rt, {
      n, k, b: spec.b.ptr, ldb: spec.b.ld, transB: spec.b.trans ? 1 : 0,
      bKind: spec.b.flipped ? BKind.flipped : BKind.matrix, taps: spec.b.flipped?.taps, packed,
    });
    if (cached) cached.filled = true;
  }
  rt.run('gemm', task, depthSplit ? Math.min(threads, slices) : threads);
  if (depthSplit) {
    const reduce = writeGemmReduce(arena, { m, n, c: spec.c.ptr, ldc: spec.c.ld, bias: spec.bias, partial, parts: slices });
    rt.run('gemmReduce', reduce, m * n >= 4096 ? threads : 1);
  }
  arena.release(mark);
}

/** B packed whole into panels (for gemm's chunked splits, igemm, and the weight cache), on the threads. */
export function packWeights(rt: WasmRuntime, r: PackWeightsRecord): void {
  rt.run('packWeights', writePackWeights(rt.arena, r), threadsFor(rt, 64 * r.n * r.k));
  countWeightPack();
}
