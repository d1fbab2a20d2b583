// Epilogues chosen by the op: a batch norm's output stays its per-channel affine map of the input until
// something reads it, so the residual add and the ReLU that follow it in a ResNet block fold into the one
// channelAffine pass that computes it (one pass and one tensor instead of three of each). Models stay plain
// (`relu(bn(conv(x)).add(identity))`); any other reader just computes the values. Each fold gives exactly the
// unfused values (the kernel rounds the affine map to the output's type before adding the second input).
import { Tensor } from '../tensor/tensor.js';
import { type DType, allocate } from '../tensor/dtype.js';
import { shapesEqual } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { runKernel } from '../backend/registry.js';
import type { ChannelAffine, FloatArray } from '../backend/backend.js';
import { reluBackwardFromOutput } from './activation.js';

interface AffineMap {
  x: FloatArray;
  dtype: DType;
  params: ChannelAffine;
}

/** The affine maps of deferred tensors that no one has read yet. */
const maps = new WeakMap<Tensor, AffineMap>();

function compute({ x, dtype, params }: AffineMap): FloatArray {
  const y = allocate(dtype, x.length) as FloatArray;
  runKernel('channelAffine', params, x, y);
  return y;
}

/** channelAffine(params) of x's values as a deferred tensor of x's shape and dtype. */
export function deferredAffine(x: Tensor, params: ChannelAffine): Tensor {
  const map = { x: x.data as FloatArray, dtype: x.dtype, params };
  const out = Tensor.deferred(x.shape, x.dtype, () => compute(map));
  maps.set(out, map);
  return out;
}

/** The map of a tensor still deferred (unread), or undefined. */
function mapOf(t: Tensor): AffineMap | undefined {
  return t.isDeferred ? maps.get(t) : undefined;
}

/**
 * a + b of one shape and dtype as a deferred affine map with the other operand as its second input, where a
 * (else b) is an unread map without one. The other operand is read (computed, if it is deferred too).
 */
export function foldAdd(a: Tensor, b: Tensor): Tensor | null {
  if (a.dtype !== b.dtype || !shapesEqual(a.shape, b.shape)) return null;
  const aMap = mapOf(a);
  const [map, other] = aMap && !aMap.params.second ? [aMap, b] : [mapOf(b), a];
  if (!map || map.params.second) return null;
  const channels = map.params.channels;
  const second = { x2: other.data as FloatArray, center2: new Float64Array(channels), scale2: new Float64Array(channels).fill(1) };
  const sum = { ...map, params: { ...map.params, second } };
  const out = Tensor.deferred(a.shape, a.dtype, () => compute(sum));
  maps.set(out, sum);
  return record(out, 'add', [a, b], (dy) => [() => dy, () => dy]);
}

/** relu(x) computed in x's own pass where x is an unread affine map; its gradient reads the output. */
export function foldRelu(x: Tensor): Tensor | null {
  const map = mapOf(x);
  if (!map) return null;
  const y = compute({ ...map, params: { ...map.params, relu: true } });
  return record(new Tensor(y, x.shape), 'relu', [x], (dy) => [() => reluBackwardFromOutput(y, dy)]);
}
