// Shape checks shared by transforms and augmentations: an image tensor is float [H, W, C]; a batch
// [N, H, W, C] is handled by applying the per-image function to each image in turn.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

export interface ImageSize {
  height: number;
  width: number;
  channels: number;
}

/** The sizes of a float image tensor [H, W, C]; throws naming `where` and the shape otherwise. */
export function imageSize(x: Tensor, where: string): ImageSize {
  if (x.ndim !== 3 || x.dtype === 'int32') {
    throw new Error(`${where}: expected a float image tensor [H, W, C] (or a batch [N, H, W, C]), got ${x.dtype} ${formatShape(x.shape)}`);
  }
  const [height, width, channels] = x.shape;
  return { height, width, channels };
}

/** Apply fn to an image [H, W, C], or to each image of a batch [N, H, W, C] (in order), restacking the results. */
export function mapImages(x: Tensor, where: string, fn: (image: Tensor) => Tensor): Tensor {
  if (x.ndim !== 4) return fn(x);
  const [n, ...imageShape] = x.shape;
  const stride = imageShape[0] * imageShape[1] * imageShape[2];
  if (n === 0) throw new Error(`${where}: the batch ${formatShape(x.shape)} is empty`);
  const outputs: Tensor[] = [];
  for (let i = 0; i < n; i++) outputs.push(fn(new Tensor(x.data.slice(i * stride, (i + 1) * stride), imageShape)));
  const first = outputs[0];
  const out = new Float32Array(n * first.size);
  outputs.forEach((t, i) => out.set(t.data, i * first.size));
  return new Tensor(out, [n, ...first.shape]);
}

/** Parse a size given as a number (square) or [height, width]; both positive integers. */
export function sizePair(size: number | readonly [number, number], name: string, where: string): [number, number] {
  const pair: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  if (!pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`${where}: ${name} must be a positive integer or [height, width] of them, got ${JSON.stringify(size)}`);
  }
  return pair;
}
