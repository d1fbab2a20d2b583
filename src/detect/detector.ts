// A YOLO detector ready to run on images: the network, its anchors and classes, and how it turns an image
// into its input. `detect` (detect.ts) needs nothing else, so a pretrained port and a model trained with
// ConvKit run through the same code.
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { RawImage } from '../data/image.js';
import type { YoloScale, YoloSpec } from './yolo-decode.js';

/** The network's input for one image and how its pixels map back: image = (input - offset) / scale. */
export interface DetectorInput {
  /** [1, H, W, C]. */
  input: Tensor;
  /** Input pixels per image pixel. */
  scale: number;
  /** Where the image's top-left corner lies in the input (padding before it), in input pixels. */
  offsetX?: number;
  offsetY?: number;
}

export interface YoloDetector {
  /** Raw head output [1, H / stride, W / stride, anchors x values] for an input [1, H, W, C]. */
  readonly net: Module<[Tensor], Tensor>;
  readonly scale: YoloScale;
  readonly spec: YoloSpec;
  /** One name per class id. */
  readonly labels: readonly string[];
  /** Input sizes must be multiples of this. */
  readonly stride: number;
  /** The input size it was trained at (the default of detect's `size`). */
  readonly defaultSize: number;
  /** The image as the network's square input of side `size`. */
  prepare(image: RawImage, size: number): DetectorInput;
}
