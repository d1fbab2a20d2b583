// Plans one GEMM for the kernels: writes its task record, picks how threads share it, allocates packing
// scratch (and partial sums when threads split the depth), runs it, then frees the temporaries.
import { AKind, BKind, GEMM_RECORD_BYTES, GemmField as F, Split } from './layout.js';
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
  /** flipped: B is conv weights rotated for an input gradient (see igemm-runner), packed from `a.conv`. */
  b: { ptr: number; ld: number; trans: boolean; flipped?: boolean };
  c: { ptr: number; ld: number };
  /** Pointer to bias[n], added to every row; 0 for none. */
  bias?: number;
}

const NR = 8;
const KC = 256;

function chooseSplit(spec: GemmSpec, threads: number, mr: number): number {
  const tilesM = Math.ceil(spec.m / mr);
  const tilesN = Math.ceil(spec.n / NR);
  if (threads === 1 || tilesM >= 4 * threads) return Split.m;
  if (tilesN >= 4 * threads) return Split.n;
  // Small output, long reduction (filter gradients); those threads pack their own B slices, plain only.
  if (spec.k >= 2 * KC * threads && !spec.b.flipped) return Split.k;
  return tilesM >= tilesN ? Split.m : Split.n;
}

/** Set record fields: [byte offset, value] pairs. */
export function writeGemmRecord(rt: WasmRuntime, record: number, fields: [number, number][]): void {
  for (const [offset, value] of fields) rt.arena.setI32(record, offset, value);
}

export function runGemm(rt: WasmRuntime, spec: GemmSpec): void {
  const { m, n, k } = spec;
  if (m === 0 || n === 0) return;
  const arena = rt.arena;
  const mark = arena.mark();
  const threads = threadsFor(rt, 2 * m * n * k);
  const mr = rt.constant('GEMM_MR');
  const split = chooseSplit(spec, threads, mr);
  const scratchBytes = Math.ceil(rt.constant('SCRATCH_BYTES') / 64) * 64;
  const task = arena.alloc(GEMM_RECORD_BYTES);
  const scratch = arena.alloc(scratchBytes * threads);
  const partial = split === Split.k ? arena.alloc(threads * m * n * 4) : 0;
  // Chunked splits read B packed whole (once, all threads); SPLIT_K packs each thread's slice itself.
  const packed = split === Split.k ? 0 : arena.alloc(Math.ceil(n / NR) * NR * k * 4);
  const a = spec.a;
  writeGemmRecord(rt, task, [
    [F.m, m], [F.n, n], [F.k, k],
    [F.aKind, a.kind === 'matrix' ? AKind.matrix : a.kind === 'im2col' ? AKind.im2col : AKind.im2colT],
    [F.a, a.ptr],
    [F.lda, a.kind === 'matrix' ? a.ld : 0],
    [F.transA, a.kind === 'matrix' && a.trans ? 1 : 0],
    [F.conv, a.kind === 'matrix' ? 0 : a.conv],
    [F.b, spec.b.ptr], [F.ldb, spec.b.ld], [F.transB, spec.b.trans ? 1 : 0],
    [F.c, spec.c.ptr], [F.ldc, spec.c.ld],
    [F.bias, spec.bias ?? 0],
    [F.split, split], [F.partial, partial],
    [F.scratch, scratch], [F.scratchStride, scratchBytes],
    [F.packed, packed], [F.bKind, spec.b.flipped ? BKind.flipped : BKind.matrix],
    [F.chunk, chunkSize(split, m, n, threads, mr, rt.constant('GEMM_MC'))], [F.next, 0],
  ]);
  if (packed) rt.run('packWeights', task, threadsFor(rt, 64 * n * k));
  const used = rt.run('gemm', task, threads);
  if (split === Split.k) {
    arena.setI32(task, F.parts, used);
    rt.run('gemmReduce', task, m * n >= 4096 ? used : 1);
  }
  arena.release(mark);
}
