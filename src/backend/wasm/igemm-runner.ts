// Plans a convolution as an indirect GEMM (kernels/assembly/igemm.ts): packs the group's weights once for
// all threads, then runs igemm with each thread building indirection pointers for its rows.
import type { Conv2dParams } from '../backend.js';
import { packWeights } from './gemm-runner.js';
import { BKind, NR, Split, writeIgemm } from './records.generated.js';
import type { PackedB } from './weight-cache.js';
import { chunkSize, threadsFor } from './work-split.js';
import type { WasmRuntime } from './wasm-runtime.js';

export interface ConvGemmSpec {
  p: Conv2dParams;
  /** The convGroup record (the geometry, with this group's first input channel). */
  conv: number;
  x: number;
  /** This group's weights: rows (ky, kx, ci), columns every `ldw` floats. */
  w: number;
  ldw: number;
  /**
   * 'flipped': `w` holds the weights of the forward conv whose input gradient this conv computes
   * (stride 1): they are packed rotated by 180 degrees with in/out channels swapped.
   */
  weights?: 'forward' | 'flipped';
  /** Where the weights are packed (the weight cache); unless filled, packed there now. Else this call's arena. */
  packed?: PackedB;
  y: number;
  ldy: number;
  bias: number;
}

export function runConvIgemm(rt: WasmRuntime, spec: ConvGemmSpec): void {
  const { p } = spec;
  const arena = rt.arena;
  const mark = arena.mark();
  const cinG = p.inC / p.groups;
  const taps = p.kH * p.kW;
  const m = p.batch * p.outH * p.outW;
  const n = p.outC / p.groups;
  const k = taps * cinG;
  const mr = rt.constant('GEMM_MR');
  const threads = threadsFor(rt, 2 * m * n * k);
  const split = Math.ceil(m / mr) >= 4 * threads || Math.ceil(m / mr) >= Math.ceil(n / NR) ? Split.m : Split.n;
  const scratchBytes = Math.ceil((rt.constant('GEMM_MC') * taps * 4 + mr * NR * 4 + 64) / 64) * 64;
  const packed = spec.packed ? spec.packed.ptr : arena.alloc(Math.ceil(n / NR) * k * NR * 4);
  const zero = arena.alloc(cinG * 4);
  arena.f32().fill(0, zero >> 2, (zero >> 2) + cinG);
  const scratch = arena.alloc(scratchBytes * threads);
  const task = writeIgemm(arena, {
    m, n, k, x: spec.x, conv: spec.conv, zero, packed, y: spec.y, ldy: spec.ldy, bias: spec.bias,
    split, scratch, scratchStride: scratchBytes, chunk: chunkSize(split, m, n, threads, mr, rt.constant('GEMM_MC')),
  });
  if (!spec.packed?.filled) {
    packWeights(rt, {
      n, k, b: spec.w, ldb: spec.ldw, bKind: spec.weights === 'flipped' ? BKind.flipped : BKind.matrix, taps, packed,
    });
    if (spec.packed) spec.packed.filled = true;
  }
  rt.run('igemm', task, threads);
  arena.release(mark);
}
