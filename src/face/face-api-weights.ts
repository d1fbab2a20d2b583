// Reading @vladmandic/face-api's weight maps (TF.js manifests, decoded by decodeTfjsWeights) into ConvKit
// state dicts: each net names the tensors it needs; a missing tensor or a wrong shape is an error naming
// the net, the tensor and the shape it expected.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { reshape } from '../ops/movement.js';
import type { NamedTensors } from '../io/importers/tfjs-weights.js';

/** The mean RGB that face-api's landmark and descriptor nets subtract before dividing by 255 (dlib's). */
export const FACE_API_MEAN_RGB: readonly [number, number, number] = [122.782, 117.001, 104.298];

/** The tensor `name` of face-api's weight map, checked to have `shape`. */
export function faceApiTensor(tensors: NamedTensors, name: string, shape: readonly number[], net: string): Tensor {
  const t = tensors[name];
  if (!t) throw new Error(`${net}: the face-api weights have no tensor '${name}' (expected ${formatShape(shape)}); is this the right model file?`);
  if (!shapesEqual(t.shape, shape)) throw new Error(`${net}: face-api tensor '${name}' is ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
  return t;
}

/** A TF depthwise filter [kH, kW, C, 1] as ConvKit's grouped-conv weight [kH, kW, 1, C] (the same memory order). */
export function depthwiseWeight(filter: Tensor): Tensor {
  const [kH, kW, c] = filter.shape;
  return reshape(filter, [kH, kW, 1, c]);
}
