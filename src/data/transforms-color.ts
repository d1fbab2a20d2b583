// Per-pixel colour transforms on image tensors [H, W, C] (or batches): normalisation and grayscale.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { lumaB, lumaG, lumaR } from './image.js';
import { imageSize, mapImages } from './image-tensor.js';

/** ImageNet channel statistics for images in [0, 1], the usual companions of pretrained models. */
export const imagenetMean = [0.485, 0.456, 0.406] as const;
export const imagenetStd = [0.229, 0.224, 0.225] as const;

/** (x - mean[c]) / std[c] per channel; a single value applies to every channel. */
export function normalize(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  const channels = x.shape[x.shape.length - 1];
  const means = perChannel(mean, channels, 'mean', x);
  const stds = perChannel(std, channels, 'std', x);
  if (stds.some((s) => !(s !== 0 && Number.isFinite(s)))) throw new Error(`normalize: every std must be finite and non-zero, got [${std.join(', ')}]`);
  return mapImages(x, 'normalize', (image) => {
    imageSize(image, 'normalize');
    const out = new Float32Array(image.size);
    const src = image.data;
    for (let i = 0; i < out.length; i++) out[i] = (src[i] - means[i % channels]) / stds[i % channels];
    return new Tensor(out, image.shape);
  });
}

function perChannel(values: readonly number[], channels: number, name: string, x: Tensor): number[] {
  if (values.length === 1) return new Array<number>(channels).fill(values[0]);
  if (values.length !== channels) {
    throw new Error(`normalize: ${name} has ${values.length} values but the image ${formatShape(x.shape)} has ${channels} channels (give ${channels} or 1)`);
  }
  return [...values];
}

/**
 * ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B, from RGB [H, W, 3] to [H, W, outputChannels]
 * (3 repeats the luma, handy for models that expect colour input). A 1-channel image is returned as is.
 */
export function grayscale(x: Tensor, outputChannels: 1 | 3 = 1): Tensor {
  if (outputChannels !== 1 && outputChannels !== 3) throw new Error(`grayscale: outputChannels must be 1 or 3, got ${outputChannels}`);
  return mapImages(x, 'grayscale', (image) => {
    const { height, width, channels } = imageSize(image, 'grayscale');
    if (channels !== 3 && channels !== 1) throw new Error(`grayscale: expected 3 (RGB) or 1 channels, got ${formatShape(image.shape)}`);
    const pixels = height * width;
    const src = image.data;
    const out = new Float32Array(pixels * outputChannels);
    for (let p = 0; p < pixels; p++) {
      const luma = channels === 1 ? src[p] : lumaR * src[3 * p] + lumaG * src[3 * p + 1] + lumaB * src[3 * p + 2];
      for (let c = 0; c < outputChannels; c++) out[p * outputChannels + c] = luma;
    }
    return new Tensor(out, [height, width, outputChannels]);
  });
}
