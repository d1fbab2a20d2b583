// Batched matmul on the SGEMM kernel. A batch over A with a shared, untransposed B folds into one GEMM
// (the batch rows stack into M), which keeps the threads busy on small per-item products.
import type { MatmulParams } from '../backend.js';
import { runGemm } from './gemm-runner.js';
import { BKind } from './records.generated.js';
import { gemmPacking } from './weight-packing.js';
import type { WasmRuntime } from './wasm-runtime.js';

export function matmul(rt: WasmRuntime, p: MatmulParams, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const { m, k, n, transA, transB } = p;
  const arena = rt.arena;
  arena.reset();
  // One B for every item (a dense layer's weights): packed once, and kept in the weight cache.
  const packed = p.batchB === 1 ? rt.weights.lookup(b, gemmPacking(1, n, k, transB ? k : n, transB, BKind.matrix, 1)) : null;
  const aPtr = arena.copyIn(a);
  const bPtr = packed?.filled ? 0 : arena.copyIn(b);
  const outPtr = arena.alloc(out.byteLength);
  const batch = Math.max(p.batchA, p.batchB);
  const bMatrix = (item: number) => ({
    ptr: bPtr + (p.batchB === 1 ? 0 : item) * k * n * 4,
    ld: transB ? k : n,
    trans: transB,
    packed: packed ?? undefined,
  });
  if (p.batchB === 1 && !transA) {
    runGemm(rt, {
      m: p.batchA * m, n, k,
      a: { kind: 'matrix', ptr: aPtr, ld: k, trans: false },
      b: bMatrix(0),
      c: { ptr: outPtr, ld: n },
    });
  } else {
    for (let item = 0; item < batch; item++) {
      runGemm(rt, {
        m, n, k,
        a: { kind: 'matrix', ptr: aPtr + (p.batchA === 1 ? 0 : item) * m * k * 4, ld: transA ? m : k, trans: transA },
        b: bMatrix(item),
        c: { ptr: outPtr + item * m * n * 4, ld: n },
      });
    }
  }
  packed?.done();
  arena.copyOut(outPtr, out);
}
