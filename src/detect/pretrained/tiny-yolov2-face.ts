// The plain Tiny-YOLOv2 face detector of face-api.js@0.10.0 (weights_uncompressed/tiny_yolov2_model.weights,
// 63 MB, weights from azFace, LGPL-3.0: read from the user's node_modules, never shipped). The file is raw
// little-endian float32 with no header, stage after stage as face-api's extractParams reads it: per 3x3
// stage filters [3, 3, in, out] (HWIO), bias, bn.sub, bn.truediv; then the 1x1 head's filters and bias.
// Its head has a class score (5 anchors x 6); its input is RGB / 255 with face-api's pad-to-square.
import { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/create.js';
import { convertChannels, type RawImage } from '../../data/image.js';
import { squareCrop } from '../../face/face-crop.js';
import { applyStateDict } from '../../io/apply-state-dict.js';
import type { StateDict } from '../../nn/module.js';
import type { DetectorInput, YoloDetector } from '../detector.js';
import { FaceApiTinyYolov2 } from './face-api-tiny-yolov2.js';

/** face-api's TinyYolov2 anchors for this model (src/tinyYolov2/const.ts BOX_ANCHORS). */
export const TINY_YOLOV2_FACE_ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [0.738768, 0.874946], [2.42204, 2.65704], [4.30971, 7.04493], [10.246, 4.59428], [12.6868, 11.8741],
];
/** TinyYolov2Base.DEFAULT_FILTER_SIZES: the layout of the 63 MB file (15,767,454 floats). */
export const TINY_YOLOV2_FACE_FILTERS: readonly number[] = [3, 16, 32, 64, 128, 256, 512, 1024, 1024];
const HEAD = 5 * 6;

/** Floats a raw file with these filter sizes holds. */
export function tinyYolov2FaceLength(filters: readonly number[] = TINY_YOLOV2_FACE_FILTERS): number {
  let n = 0;
  for (let i = 0; i + 1 < filters.length; i++) n += 9 * filters[i] * filters[i + 1] + 3 * filters[i + 1];
  return n + filters[filters.length - 1] * HEAD + HEAD;
}

/**
 * The module from the raw floats; each stage's affine (x - sub) * truediv + bias is folded into its conv:
 * weight * truediv, bias - sub * truediv (per output channel).
 */
export function tinyYolov2FaceNet(weights: Float32Array, filters: readonly number[] = TINY_YOLOV2_FACE_FILTERS): FaceApiTinyYolov2 {
  const expected = tinyYolov2FaceLength(filters);
  if (weights.length !== expected) {
    throw new Error(
      `tinyYolov2FaceNet: the weights hold ${weights.length} floats (${weights.length * 4} bytes); filters ${JSON.stringify(filters)} need ${expected} ` +
        `(${expected * 4} bytes): is this face-api.js@0.10.0's weights_uncompressed/tiny_yolov2_model.weights?`,
    );
  }
  let offset = 0;
  const take = (n: number) => weights.subarray(offset, (offset += n));
  const state: StateDict = {};
  for (let i = 0; i + 1 < filters.length; i++) {
    const [cin, cout] = [filters[i], filters[i + 1]];
    const w = Float32Array.from(take(9 * cin * cout));
    const bias = take(cout);
    const sub = take(cout);
    const truediv = take(cout);
    for (let k = 0; k < w.length; k++) w[k] *= truediv[k % cout];
    state[`stages.conv${i}.conv.weight`] = new Tensor(w, [3, 3, cin, cout]);
    state[`stages.conv${i}.conv.bias`] = new Tensor(Float32Array.from(bias, (b, c) => b - sub[c] * truediv[c]), [cout]);
  }
  const last = filters[filters.length - 1];
  state['head.weight'] = new Tensor(Float32Array.from(take(last * HEAD)), [1, 1, last, HEAD]);
  state['head.bias'] = new Tensor(Float32Array.from(take(HEAD)), [HEAD]);
  const net = new FaceApiTinyYolov2('plain', { filters, headChannels: HEAD });
  applyStateDict(net, state, { source: 'tinyYolov2FaceNet' });
  return net.eval();
}

function plainInput(image: RawImage, size: number): DetectorInput {
  const rgb = convertChannels(image, 3);
  const { pixels } = squareCrop(rgb, { x: 0, y: 0, width: rgb.width, height: rgb.height }, size, 'end');
  return { input: pixels.div(tensor(255)).reshape([1, size, size, 3]), scale: size / Math.max(rgb.width, rgb.height) };
}

/** The detector from the raw weights (pass `filters` only for a file with another layout, e.g. a test's). */
export function tinyYolov2FaceDetector(weights: Float32Array, filters: readonly number[] = TINY_YOLOV2_FACE_FILTERS): YoloDetector {
  return {
    net: tinyYolov2FaceNet(weights, filters),
    scale: { anchors: TINY_YOLOV2_FACE_ANCHORS },
    spec: { numClasses: 1, classActivation: 'softmax' },
    labels: ['face'],
    stride: 32,
    defaultSize: 416,
    prepare: plainInput,
  };
}
