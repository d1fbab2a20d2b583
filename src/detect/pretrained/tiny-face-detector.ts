// @vladmandic/face-api's tiny_face_detector (MIT): a depthwise-separable Tiny-YOLOv2 with 5 anchors and one
// class, 190 KB of uint8-quantised weights in a TF.js weights manifest. Its weights map one to one onto
// FaceApiTinyYolov2('separable'); its input is face-api's (zero-pad to a square at the bottom or right,
// TF's legacy bilinear resize, minus the mean RGB, / 255), its score is sigmoid(objectness).
import { Tensor } from '../../tensor/tensor.js';
import { concat } from '../../ops/movement.js';
import type { NamedTensors } from '../../io/importers/tfjs-weights.js';
import { Module, type StateDict } from '../../nn/module.js';
import { applyStateDict } from '../../io/apply-state-dict.js';
import { zeros } from '../../tensor/create.js';
import { convertChannels, type RawImage } from '../../data/image.js';
import { squareCrop } from '../../face/face-crop.js';
import type { DetectorInput, YoloDetector } from '../detector.js';
import { FaceApiTinyYolov2 } from './face-api-tiny-yolov2.js';

/** The package's anchors, (width, height) in grid cells (src/tinyFaceDetector/const.ts). */
export const TINY_FACE_DETECTOR_ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061], [4.266906, 5.178857], [9.041765, 10.66308],
];
export const TINY_FACE_DETECTOR_MEAN_RGB: readonly [number, number, number] = [117.001, 114.697, 97.404];
/** The manifest's name in the package's model/ folder. */
export const TINY_FACE_DETECTOR_MODEL = 'tiny_face_detector_model';

const FILTERS = [3, 16, 32, 64, 128, 256, 512];

function take(weights: NamedTensors, name: string, shape?: number[]): Tensor {
  const t = weights[name];
  if (!t) throw new Error(`tinyFaceDetector: the weights have no '${name}' (tiny_face_detector_model's names: conv0/filters, conv1/depthwise_filter, ..., conv8/bias)`);
  return shape ? t.reshape(shape) : t;
}

/** face-api's tensor names to the module's: depthwise filters [3, 3, C, 1] become ConvKit's grouped [3, 3, 1, C]. */
function stateDictFrom(weights: NamedTensors): StateDict {
  const state: StateDict = { 'stages.conv0.conv.weight': take(weights, 'conv0/filters'), 'stages.conv0.conv.bias': take(weights, 'conv0/bias') };
  for (let i = 1; i <= 5; i++) {
    state[`stages.conv${i}.depthwise.weight`] = take(weights, `conv${i}/depthwise_filter`, [3, 3, 1, FILTERS[i]]);
    state[`stages.conv${i}.pointwise.weight`] = take(weights, `conv${i}/pointwise_filter`);
    state[`stages.conv${i}.pointwise.bias`] = take(weights, `conv${i}/bias`);
  }
  state['head.weight'] = take(weights, 'conv8/filters');
  state['head.bias'] = take(weights, 'conv8/bias');
  const unknown = Object.keys(weights).filter((n) => !/^conv[0-8]\//.test(n));
  if (unknown.length) throw new Error(`tinyFaceDetector: unexpected weights ${unknown.join(', ')}; is this the tiny_face_detector_model manifest?`);
  return state;
}

/**
 * The head has no class score (one class): a constant logit per anchor gives YOLOv2's layout
 * [N, H, W, 5 x (4 + 1 + 1)], whose softmax over the one class is 1, so the score is the objectness.
 */
class WithFaceClassLogit extends Module<[Tensor], Tensor> {
  constructor(readonly net: FaceApiTinyYolov2) {
    super();
  }
  forward(x: Tensor): Tensor {
    const raw = this.net.forward(x);
    const [n, h, w] = raw.shape;
    const view = raw.reshape([n, h, w, 5, 5]);
    return concat([view, zeros([n, h, w, 5, 1])], 4).reshape([n, h, w, 30]);
  }
}

/** face-api's input: the image padded at the bottom or right to a square, resized, (pixel - mean) / 255 in float32. */
function faceApiInput(image: RawImage, size: number): DetectorInput {
  const rgb = convertChannels(image, 3);
  const { pixels } = squareCrop(rgb, { x: 0, y: 0, width: rgb.width, height: rgb.height }, size, 'end');
  // In place, one pass (two tensor ops before): each step rounded to float32 as TF.js's sub and div round it.
  const values = pixels.data as Float32Array;
  const mean = TINY_FACE_DETECTOR_MEAN_RGB.map(Math.fround);
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i] - mean[i % 3]) / 255;
  return { input: pixels.reshape([1, size, size, 3]), scale: size / Math.max(rgb.width, rgb.height) };
}

/** The tiny face detector as a YoloDetector, from the package's decoded weights (decodeTfjsWeights). */
export function tinyFaceDetector(weights: NamedTensors): YoloDetector {
  const net = new FaceApiTinyYolov2('separable', { filters: FILTERS, headChannels: 5 * 5 });
  applyStateDict(net, stateDictFrom(weights), { source: 'tinyFaceDetector' });
  net.eval();
  return {
    net: new WithFaceClassLogit(net),
    scale: { anchors: TINY_FACE_DETECTOR_ANCHORS },
    // One class, no class scores in the head: the class probability is a softmax over nothing, i.e. 1.
    spec: { numClasses: 1, classActivation: 'softmax' },
    labels: ['face'],
    stride: 32,
    defaultSize: 416,
    prepare: faceApiInput,
  };
}
