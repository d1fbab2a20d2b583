// face-api's Tiny-YOLOv2 face detectors as one ConvKit module, following face-api's TinyYolov2Base:
// - 'separable' (@vladmandic/face-api's tiny_face_detector, 190 KB): a 3x3 'valid' conv, then
//   depthwise-separable 3x3 convs (zero pad 1, depthwise, pointwise + bias), each with leaky ReLU 0.1;
// - 'plain' (face-api.js@0.10.0's tiny_yolov2_model, Darknet's yolov2-tiny layout): 3x3 convs with zero pad
//   1 and a per-channel affine (x - sub) * truediv + bias, folded here into the conv's weight and bias.
// Both max-pool 2x2 with TensorFlow's 'same' padding, stride 2 after the first five stages and stride 1
// after the sixth, and end in a 1x1 conv to 5 anchors x (tx, ty, tw, th, objectness [, class]).
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import { Sequential } from '../../nn/sequential.js';
import { Conv2d, LeakyReLU, MaxPool2d } from '../../nn/layers.js';

export type FaceApiTinyYolov2Kind = 'separable' | 'plain';

export interface FaceApiTinyYolov2Options {
  /** Channels in and after each 3x3 stage, input first: [3, 16, 32, ..., last] (7 to 9 numbers). */
  filters: readonly number[];
  /** Channels of the 1x1 head: anchors x values per anchor. */
  headChannels: number;
}

/** Zero pad 1, depthwise 3x3, pointwise 1x1 with bias, leaky ReLU 0.1. */
function separableStage(inC: number, outC: number): Sequential {
  return new Sequential({
    depthwise: new Conv2d(inC, inC, 3, { padding: 1, groups: inC, bias: false }),
    pointwise: new Conv2d(inC, outC, 1),
    act: new LeakyReLU(0.1),
  });
}

/** 3x3 conv (zero pad `padding`) with bias, leaky ReLU 0.1. */
function convStage(inC: number, outC: number, padding: number): Sequential {
  return new Sequential({ conv: new Conv2d(inC, outC, 3, { padding }), act: new LeakyReLU(0.1) });
}

export class FaceApiTinyYolov2 extends Module {
  readonly stages: Sequential;
  readonly head: Conv2d;

  constructor(
    readonly kind: FaceApiTinyYolov2Kind,
    readonly config: FaceApiTinyYolov2Options,
  ) {
    super();
    const f = config.filters;
    if (!(f.length >= 7 && f.length <= 9) || !f.every((c) => Number.isInteger(c) && c > 0)) {
      throw new Error(`FaceApiTinyYolov2: filters must be 7 to 9 positive integers (input channels first), got ${JSON.stringify(f)}`);
    }
    if (kind !== 'separable' && kind !== 'plain') throw new Error(`FaceApiTinyYolov2: kind must be 'separable' or 'plain', got '${String(kind)}'`);
    if (kind === 'plain' && f.length !== 9) throw new Error(`FaceApiTinyYolov2: the plain model has 8 conv stages (9 filter sizes), got ${f.length}`);
    const layers: Record<string, Module> = {};
    for (let i = 0; i + 1 < f.length; i++) {
      // face-api's separable model starts with a 'valid' conv; every other 3x3 stage pads by 1.
      layers[`conv${i}`] = kind === 'separable' && i > 0 ? separableStage(f[i], f[i + 1]) : convStage(f[i], f[i + 1], kind === 'separable' ? 0 : 1);
      if (i < 5) layers[`pool${i}`] = new MaxPool2d(2, { stride: 2, padding: 'same' });
      if (i === 5) layers[`pool${i}`] = new MaxPool2d(2, { stride: 1, padding: 'same' });
    }
    this.stages = new Sequential(layers);
    this.head = new Conv2d(f[f.length - 1], config.headChannels, 1);
  }

  /** [N, S, S, 3] normalised images to the head's raw output [N, S / 32, S / 32, headChannels]. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[3] !== this.config.filters[0] || x.shape[1] % 32 !== 0 || x.shape[2] % 32 !== 0) {
      throw new Error(
        `FaceApiTinyYolov2: expects images [N, H, W, ${this.config.filters[0]}] with H and W multiples of 32, got [${x.shape.join(', ')}]`,
      );
    }
    return this.head.forward(this.stages.forward(x));
  }
}
