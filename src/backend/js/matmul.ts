import type { FloatArray, MatmulParams } from '../backend.js';

// Reference batched matrix product.
// A: [batchA, m, k] (or [batchA, k, m] when transA), B: [batchB, k, n] (or [batchB, n, k] when transB)
// out: [max(batchA, batchB), m, n]
export function matmulRef(p: MatmulParams, a: FloatArray, b: FloatArray, out: FloatArray): void {
  const { m, k, n, transA, transB } = p;
  const batch = Math.max(p.batchA, p.batchB);
  for (let bi = 0; bi < batch; bi++) {
    const aOff = (p.batchA === 1 ? 0 : bi) * m * k;
    const bOff = (p.batchB === 1 ? 0 : bi) * k * n;
    const oOff = bi * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) out[oOff + i * n + j] = 0;
      for (let t = 0; t < k; t++) {
        const av = a[aOff + (transA ? t * m + i : i * k + t)];
        if (av === 0) continue;
        for (let j = 0; j < n; j++) {
          out[oOff + i * n + j] += av * b[bOff + (transB ? j * k + t : t * n + j)];
        }
      }
    }
  }
}
