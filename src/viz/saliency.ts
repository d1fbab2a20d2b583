// Gradient saliency (Simonyan, Vedaldi & Zisserman 2014): how much the class score changes with each pixel,
// |d score / d pixel| with the maximum over the colour channels. SmoothGrad (Smilkov et al. 2017) averages
// those absolute gradients over copies of the image with Gaussian noise added, which removes the speckle of
// a single gradient (Captum's NoiseTunnel over Saliency, 'smoothgrad').
import { Tensor } from '../tensor/tensor.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { Generator } from '../util/random.js';
import type { AnyModule } from '../nn/module.js';
import { type Attribution, type AttributionOptions, asBatchOfOne, inAttributionMode, outputsPerImage, scoreImage } from './attribution.js';

export interface SmoothGradOptions extends AttributionOptions {
  /** Noisy copies averaged (default 50, the paper's). */
  samples?: number;
  /** The noise's standard deviation as a fraction of the image's value range, max - min (default 0.15; the paper finds 0.1-0.2 best). */
  noise?: number;
  /** Seeds the noise (default 0). */
  seed?: number;
  /** Noisy copies per forward and backward pass (default 10). */
  batchSize?: number;
}

/** The summed absolute input gradients of the target over a batch of images [N, H, W, C], per pixel and channel. */
function absoluteGradientSum(model: AnyModule, batch: Tensor, target: number, fn: string): Float64Array {
  const input = batch.detach().requiresGrad_();
  enableGrad(() => outputsPerImage(model.forward(input), batch.shape[0], fn).narrow(1, target, 1).sum().backward());
  const perImage = input.size / batch.shape[0];
  const sum = new Float64Array(perImage);
  const grad = input.grad!.data;
  for (let i = 0; i < grad.length; i++) sum[i % perImage] += Math.abs(grad[i]);
  return sum;
}

/** The maximum over the last (channel) axis of values laid out [H, W, C], as a map [H, W] of the image's dtype. */
function maxOverChannels(values: Float64Array, like: Tensor): Tensor {
  const [, h, w, c] = like.shape;
  const map = like.dtype === 'float64' ? new Float64Array(h * w) : new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let m = values[p * c];
    for (let k = 1; k < c; k++) m = Math.max(m, values[p * c + k]);
    map[p] = m;
  }
  return new Tensor(map, [h, w]);
}

/** |d score / d pixel|, maximum over channels: a map [H, W]. The image is what the model takes, [H, W, C] or [1, H, W, C]. */
export function saliency(model: AnyModule, image: Tensor, options: AttributionOptions = {}): Attribution {
  const x = asBatchOfOne(image, 'saliency');
  return inAttributionMode(model, () => {
    const { target, score } = scoreImage(model, x, options.target, 'saliency');
    return { map: maxOverChannels(absoluteGradientSum(model, x, target, 'saliency'), x), target, score };
  });
}

function checkInteger(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`smoothGrad: ${name} must be an integer >= ${min}, got ${v}`);
}

/** The mean of the saliency's absolute gradients over noisy copies of the image, maximum over channels: a map [H, W]. */
export function smoothGrad(model: AnyModule, image: Tensor, options: SmoothGradOptions = {}): Attribution {
  const { samples = 50, noise = 0.15, seed = 0, batchSize = 10 } = options;
  checkInteger('samples', samples, 1);
  checkInteger('batchSize', batchSize, 1);
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new Error(`smoothGrad: noise must be a finite number >= 0 (a fraction of the image's range), got ${noise}`);
  const x = asBatchOfOne(image, 'smoothGrad');
  return inAttributionMode(model, () => {
    // The target comes from the clean image, so that every noisy copy explains the same class.
    const { target, score } = scoreImage(model, x, options.target, 'smoothGrad');
    const sigma = noGrad(() => noise * (x.max().item() - x.min().item()));
    const generator = new Generator(seed);
    const total = new Float64Array(x.size);
    for (let done = 0; done < samples; done += batchSize) {
      const n = Math.min(batchSize, samples - done);
      const noisy = new Float64Array(n * x.size);
      generator.fillNormal(noisy, 0, sigma);
      for (let i = 0; i < noisy.length; i++) noisy[i] += x.data[i % x.size];
      const batch = new Tensor(x.dtype === 'float64' ? noisy : Float32Array.from(noisy), [n, ...x.shape.slice(1)]);
      absoluteGradientSum(model, batch, target, 'smoothGrad').forEach((v, i) => (total[i] += v));
    }
    return { map: maxOverChannels(total.map((v) => v / samples), x), target, score };
  });
}
