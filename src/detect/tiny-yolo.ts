// A Tiny-YOLOv2-like detector (Darknet's yolov2-tiny.cfg): 3x3 conv + batch norm + leaky ReLU (0.1) stages
// with 16, 32, 64, ... filters, each but the last followed by a 2x2 max pool, then a 3x3 conv of twice the
// filters and a 1x1 conv to B anchors x (5 + classes [+ 2 x landmarks]) per cell. `width` scales every
// stage's filters, `depth` is the number of pooled stages (5: stride 32, as Tiny-YOLOv2; 4: stride 16).
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { BatchNorm2d, Conv2d, LeakyReLU, MaxPool2d } from '../nn/layers.js';
import { checkYoloSpec, valuesPerAnchor, type YoloScale, type YoloSpec } from './yolo-decode.js';

export interface TinyYoloOptions extends YoloSpec {
  /** Anchors as (width, height) in grid cells (default: yolov2-tiny-voc's five, for a 13 x 13 grid). */
  anchors?: ReadonlyArray<readonly [number, number]>;
  /** Multiplies every stage's filters (default 1: 16, 32, ..., 512, then 1024). */
  width?: number;
  /** Pooled stages: the stride is 2^depth (default 5). */
  depth?: number;
  inChannels?: number;
}

/** yolov2-tiny-voc.cfg's anchors. */
export const TINY_YOLO_VOC_ANCHORS: ReadonlyArray<readonly [number, number]> = [[1.08, 1.19], [3.42, 4.41], [6.63, 11.38], [9.42, 5.11], [16.62, 10.52]];

function convBlock(inC: number, outC: number): Sequential {
  return new Sequential({
    conv: new Conv2d(inC, outC, 3, { padding: 'same', bias: false }),
    bn: new BatchNorm2d(outC),
    act: new LeakyReLU(0.1),
  });
}

export class TinyYolo extends Module {
  readonly backbone: Sequential;
  readonly head: Conv2d;
  readonly scale: YoloScale;
  readonly spec: YoloSpec;
  /** Input pixels per grid cell. */
  readonly stride: number;
  /** The options it was built with (what a saved detector records to rebuild it). */
  readonly width: number;
  readonly depth: number;
  readonly inChannels: number;

  constructor(options: TinyYoloOptions) {
    super();
    const width = options.width ?? 1;
    const depth = options.depth ?? 5;
    const inChannels = options.inChannels ?? 3;
    if (!(width > 0 && Number.isFinite(width))) throw new Error(`TinyYolo: width must be a positive number, got ${width}`);
    if (!(Number.isInteger(depth) && depth >= 1 && depth <= 6)) throw new Error(`TinyYolo: depth must be an integer 1..6, got ${depth}`);
    if (!(Number.isInteger(inChannels) && inChannels >= 1)) throw new Error(`TinyYolo: inChannels must be a positive integer, got ${inChannels}`);
    this.spec = { numClasses: options.numClasses, numLandmarks: options.numLandmarks ?? 0, classActivation: options.classActivation ?? 'softmax' };
    this.scale = { anchors: (options.anchors ?? TINY_YOLO_VOC_ANCHORS).map(([w, h]) => [w, h] as const) };
    checkYoloSpec(this.spec, this.scale, 'TinyYolo');
    this.stride = 2 ** depth;
    this.width = width;
    this.depth = depth;
    this.inChannels = inChannels;
    const filters = (k: number) => Math.max(4, Math.round(16 * 2 ** k * width));
    const layers: Record<string, Module> = {};
    let c = inChannels;
    for (let k = 0; k <= depth; k++) {
      layers[`stage${k + 1}`] = convBlock(c, filters(k));
      c = filters(k);
      if (k < depth) layers[`pool${k + 1}`] = new MaxPool2d(2, { stride: 2 });
    }
    layers[`stage${depth + 2}`] = convBlock(c, 2 * c);
    this.backbone = new Sequential(layers);
    this.head = new Conv2d(2 * c, this.scale.anchors.length * valuesPerAnchor(this.spec), 1);
  }

  /** [N, H, W, C] images (H, W multiples of the stride) to the raw head output [N, H / stride, W / stride, B * D]. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] % this.stride !== 0 || x.shape[2] % this.stride !== 0) {
      throw new Error(`TinyYolo: expects images [N, H, W, C] with H and W multiples of the stride ${this.stride}, got [${x.shape.join(', ')}]`);
    }
    return this.head.forward(this.backbone.forward(x));
  }
}
