// A detector trained with `convkit detect train` (detector-bundle.ts) as a YoloDetector for detect(): the
// image is letterboxed as in training (Ultralytics' geometry, grey 114 padding, values in [0, 1]).
import { convertChannels, imageToTensor } from '../data/image.js';
import type { LoadedDetector } from './detector-bundle.js';
import type { YoloDetector } from './detector.js';
import { letterbox } from './letterbox.js';

export function trainedDetector({ model, info }: LoadedDetector): YoloDetector {
  const channels = info.inChannels === 1 ? 1 : 3;
  return {
    net: model,
    scale: model.scale,
    spec: model.spec,
    labels: info.labels,
    stride: model.stride,
    defaultSize: Math.max(...info.inputSize),
    prepare: (image, size) => {
      const { image: boxed, transform } = letterbox(imageToTensor(convertChannels(image, channels)), size);
      return { input: boxed.reshape([1, ...boxed.shape]), scale: transform.scale, offsetX: transform.left, offsetY: transform.top };
    },
  };
}
