// Tensor: an n-dimensional array with a shape, a dtype and a garbage-collected typed array.
// Contiguous row-major; images are NHWC. Methods are thin forwards to the functional ops, so
// `x.conv2d(w)` and `F.conv2d(x, w)` are the same thing. A shape-only tensor has a shape and a dtype but
// no values: ops on it only infer their output's shape (see shape-only.ts).
import { type DType, type TypedArray, dtypeOf, convert } from './dtype.js';
import { type Shape, sizeOf, formatShape, assertValidShape } from './shape.js';
import type { GradNode } from '../autograd/node.js';
import { backward } from '../autograd/backward.js';
import { formatTensor } from './print.js';
import { bumpStorageVersion, storageVersion } from './version.js';
import * as arith from '../ops/arithmetic.js';
import * as act from '../ops/activation.js';
import * as red from '../ops/reduce.js';
import * as mv from '../ops/movement.js';
import * as mm from '../ops/matmul.js';
import * as cmp from '../ops/compare.js';
import * as idx from '../ops/indexing.js';
import * as srt from '../ops/sort.js';
import { maskedFill } from '../ops/where.js';

export type TensorLike = Tensor | number;

export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of values (the product of the shape). */
  readonly size: number;
  /** The values, row-major; null for a shape-only tensor. */
  private readonly values: TypedArray | null;
  /** Whether backward() should compute a gradient for this tensor. */
  requiresGrad: boolean;
  /** Gradient filled by backward() on leaves (and on tensors marked with retainGrad). */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when recorded for autograd. */
  node: GradNode | null = null;
  /** Keep .grad on this non-leaf tensor during backward. */
  retainsGrad = false;

  /** data: the values, row-major; or a dtype alone for a shape-only tensor (made by shapeOnly()). */
  constructor(data: TypedArray | DType, shape: Shape, requiresGrad = false) {
    assertValidShape(shape, 'Tensor');
    this.size = sizeOf(shape);
    if (typeof data === 'string') {
      // Past 2^53 a count is no longer exact (no real tensor gets near: typed arrays stop at 2^32 or so).
      if (!Number.isSafeInteger(this.size)) {
        throw new Error(`Tensor: shape ${formatShape(shape)} has ${this.size} values, more than a count holds exactly (2^53 - 1)`);
      }
      this.values = null;
      this.dtype = data;
    } else {
      if (data.length !== this.size) {
        throw new Error(`Tensor: ${data.length} values do not fill shape ${formatShape(shape)} (needs ${this.size})`);
      }
      this.values = data;
      this.dtype = dtypeOf(data);
    }
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
  }

  /** The values, row-major. Optimisers update parameters through it in place. */
  get data(): TypedArray {
    if (this.values === null) {
      throw new Error(
        `Tensor.data: this ${this.dtype} ${formatShape(this.shape)} tensor is shape-only (a shape and a dtype, for shape ` +
          'inference): it has no values to read; ops give shape-only results for it, code reading values needs a real tensor',
      );
    }
    return this.values;
  }

  /** True for a tensor without values, on which ops only infer their output's shape (see shapeOnly()). */
  get isShapeOnly(): boolean {
    return this.values === null;
  }
  get ndim(): number {
    return this.shape.length;
  }
  /**
   * Counts in-place writes to this tensor's data (shared with tensors that share it), so caches of derived
   * data (packed weights) know when they are stale. After writing `.data` directly, call bumpVersion().
   */
  get version(): number {
    return storageVersion(this.data);
  }
  bumpVersion(): this {
    bumpStorageVersion(this.data);
    return this;
  }
  /** True for tensors not produced by a recorded op (parameters, inputs, constants). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} values, not 1`);
    return this.data[0];
  }

  /** Nested arrays of numbers, like tolist() in PyTorch. */
  toArray(): unknown {
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.ndim) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** Plain array of all values in row-major order. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  /** Mark as needing a gradient (for leaves); returns this for chaining. */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }
  zeroGrad(): void {
    this.grad = null;
  }
  backward(grad?: Tensor): void {
    backward(this, grad);
  }
  /** Same values, cut from the graph. Shares data. */
  detach(): Tensor {
    return new Tensor(this.values ?? this.dtype, this.shape);
  }
  /** A copy with its own data, cut from the graph. */
  clone(): Tensor {
    return new Tensor(this.values?.slice() ?? this.dtype, this.shape);
  }
  /** Convert to another dtype (differentiable between float dtypes). */
  to(dtype: DType): Tensor {
    return arith.cast(this, dtype);
  }
  /** Copy values from another tensor of the same shape into this one in place (no graph). */
  copy_(src: Tensor): this {
    if (src.size !== this.size) {
      throw new Error(`copy_: source shape ${formatShape(src.shape)} does not match ${formatShape(this.shape)}`);
    }
    this.data.set(convert(src.data, this.dtype) as ArrayLike<number>);
    return this.bumpVersion();
  }

  // Arithmetic (broadcasting).
  add(other: TensorLike): Tensor {
    return arith.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return arith.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return arith.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return arith.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return arith.pow(this, exponent);
  }
  neg(): Tensor {
    return arith.neg(this);
  }
  exp(): Tensor {
    return arith.exp(this);
  }
  log(): Tensor {
    return arith.log(this);
  }
  sqrt(): Tensor {
    return arith.sqrt(this);
  }
  rsqrt(): Tensor {
    return arith.rsqrt(this);
  }
  abs(): Tensor {
    return arith.abs(this);
  }
  square(): Tensor {
    return arith.square(this);
  }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return arith.clamp(this, min, max);
  }
  maximum(other: TensorLike): Tensor {
    return arith.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return arith.minimum(this, other);
  }

  // Activations.
  relu(): Tensor {
    return act.relu(this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return act.leakyRelu(this, negativeSlope);
  }
  sigmoid(): Tensor {
    return act.sigmoid(this);
  }
  tanh(): Tensor {
    return act.tanh(this);
  }
  softmax(axis = -1): Tensor {
    return act.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return act.logSoftmax(this, axis);
  }

  // Reductions.
  sum(axes?: number | number[], keepDims = false): Tensor {
    return red.sum(this, axes, keepDims);
  }
  mean(axes?: number | number[], keepDims = false): Tensor {
    return red.mean(this, axes, keepDims);
  }
  max(axes?: number | number[], keepDims = false): Tensor {
    return red.max(this, axes, keepDims);
  }
  min(axes?: number | number[], keepDims = false): Tensor {
    return red.min(this, axes, keepDims);
  }
  argmax(axis = -1, keepDims = false): Tensor {
    return red.argmax(this, axis, keepDims);
  }
  argmin(axis = -1, keepDims = false): Tensor {
    return red.argmin(this, axis, keepDims);
  }

  // Shape.
  reshape(shape: readonly number[]): Tensor {
    return mv.reshape(this, shape);
  }
  flatten(startDim = 1, endDim = -1): Tensor {
    return mv.flatten(this, startDim, endDim);
  }
  permute(dims: readonly number[]): Tensor {
    return mv.permute(this, dims);
  }
  transpose(dim0 = -2, dim1 = -1): Tensor {
    return mv.transpose(this, dim0, dim1);
  }
  get T(): Tensor {
    return mv.transpose(this, -2, -1);
  }
  squeeze(axis?: number): Tensor {
    return mv.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return mv.unsqueeze(this, axis);
  }
  slice(starts: readonly number[], ends?: readonly number[]): Tensor {
    return mv.slice(this, starts, ends);
  }
  narrow(axis: number, start: number, length: number): Tensor {
    return mv.narrow(this, axis, start, length);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return mv.broadcastTo(this, shape);
  }
  pad(widths: ReadonlyArray<readonly [number, number]>, options: mv.PadOptions | number = {}): Tensor {
    return mv.pad(this, widths, options);
  }

  // Indexing and ordering.
  indexSelect(dim: number, index: Tensor): Tensor {
    return idx.indexSelect(this, dim, index);
  }
  gather(dim: number, index: Tensor): Tensor {
    return idx.gather(this, dim, index);
  }
  take(index: Tensor): Tensor {
    return idx.take(this, index);
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return maskedFill(this, mask, value);
  }
  sort(options: srt.SortOptions = {}): srt.ValuesAndIndices {
    return srt.sort(this, options);
  }
  argsort(options: srt.SortOptions = {}): Tensor {
    return srt.argsort(this, options);
  }
  topk(k: number, options: srt.TopkOptions = {}): srt.ValuesAndIndices {
    return srt.topk(this, k, options);
  }

  // Linear algebra.
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }

  // Comparisons (not differentiable; 0/1 float32 masks).
  eq(other: TensorLike): Tensor {
    return cmp.eq(this, other);
  }
  gt(other: TensorLike): Tensor {
    return cmp.gt(this, other);
  }
  lt(other: TensorLike): Tensor {
    return cmp.lt(this, other);
  }
  ne(other: TensorLike): Tensor {
    return cmp.ne(this, other);
  }
  ge(other: TensorLike): Tensor {
    return cmp.ge(this, other);
  }
  le(other: TensorLike): Tensor {
    return cmp.le(this, other);
  }
}
