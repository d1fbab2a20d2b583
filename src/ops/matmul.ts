// Matrix products: matmul (2-D and batched) and linear (dense layer: x @ w + b with w as [in, out]).
import { Tensor } from '../tensor/tensor.js';
import { allocate, isFloat, promote } from '../tensor/dtype.js';
import { allocateTensor } from '../tensor/allocation.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { anyShapeOnly, shapeOnly } from '../tensor/shape-only.js';
import { runKernel } from '../backend/registry.js';
import type { FloatArray } from '../backend/backend.js';
import { add } from './arithmetic.js';
import { reshape } from './movement.js';
import { sum } from './reduce.js';

interface Operand {
  t: Tensor;
  batch: number;
  rows: number;
  cols: number;
}

function asFloat(t: Tensor, opName: string): void {
  if (!isFloat(t.dtype)) throw new Error(`${opName}: expects float tensors, got ${t.dtype} of shape ${formatShape(t.shape)}`);
}

/** Raw product of stored matrices with optional transposes, through the active backend. */
export function gemm(a: Operand, b: Operand, transA: boolean, transB: boolean): Tensor {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const n = transB ? b.rows : b.cols;
  const batch = Math.max(a.batch, b.batch);
  const dtype = promote(a.t.dtype, b.t.dtype);
  const shape = batch === 1 && a.batch === 1 && b.batch === 1 ? [m, n] : [batch, m, n];
  if (anyShapeOnly(a.t, b.t)) return shapeOnly(shape, { dtype });
  const out = allocateTensor('matmul', shape, dtype) as FloatArray;
  const ad = (a.t.dtype === dtype ? a.t.data : a.t.to(dtype).data) as FloatArray;
  const bd = (b.t.dtype === dtype ? b.t.data : b.t.to(dtype).data) as FloatArray;
  runKernel('matmul', { batchA: a.batch, batchB: b.batch, m, k, n, transA, transB }, ad, bd, out);
  return new Tensor(out, shape);
}

function operand(t: Tensor): Operand {
  return { t, batch: t.ndim === 2 ? 1 : sizeOf(t.shape.slice(0, -2)), rows: t.shape[t.ndim - 2], cols: t.shape[t.ndim - 1] };
}

/**
 * Matrix product. 2-D: [m, k] @ [k, n] -> [m, n]. Batched: [..., m, k] @ [..., k, n] with equal leading
 * dimensions, or one side 2-D (broadcast over the other's batch).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  asFloat(a, 'matmul');
  asFloat(b, 'matmul');
  if (a.ndim < 2 || b.ndim < 2) {
    throw new Error(`matmul: both operands need at least 2 dimensions, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const A = operand(a);
  const B = operand(b);
  if (A.cols !== B.rows) {
    throw new Error(`matmul: inner dimensions differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (${A.cols} vs ${B.rows})`);
  }
  const batchShape = a.ndim >= b.ndim ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  if (A.batch !== 1 && B.batch !== 1 && (A.batch !== B.batch || a.ndim !== b.ndim)) {
    throw new Error(`matmul: batch dimensions of ${formatShape(a.shape)} and ${formatShape(b.shape)} do not match`);
  }
  const flat = gemm(A, B, false, false);
  const out = batchShape.length === 0 ? flat : reshape(flat, [...batchShape, A.rows, B.cols]);
  return record(out, 'matmul', [a, b], (dy) => {
    const D = operand(dy);
    return [
      // dA = dy @ B^T ; dB = A^T @ dy (summed over the batch where one side was broadcast)
      () => {
        const g = gemm(D, B, false, true);
        return A.batch === 1 && D.batch > 1 ? reshape(sum(g, 0), a.shape) : reshape(g, a.shape);
      },
      () => {
        const g = gemm(A, D, true, false);
        return B.batch === 1 && D.batch > 1 ? reshape(sum(g, 0), b.shape) : reshape(g, b.shape);
      },
    ];
  });
}

/** Fully connected layer: x [..., in] @ weight [in, out] + bias [out]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new Error(`linear: weight must be [in, out], got ${formatShape(weight.shape)}`);
  const inFeatures = weight.shape[0];
  if (x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(
      `linear: input ${formatShape(x.shape)} has ${x.shape[x.ndim - 1]} features but weight ${formatShape(weight.shape)} expects ${inFeatures}`,
    );
  }
  const x2 = x.ndim === 2 ? x : reshape(x, [-1, inFeatures]);
  let y = matmul(x2, weight);
  if (bias) y = add(y, bias);
  return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), weight.shape[1]]);
}
