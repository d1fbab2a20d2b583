// Weight initialisation (He/Kaiming, Glorot/Xavier, uniform, constants), in place, from the seeded
// generator. Fans follow ConvKit's layouts: conv [kH, kW, in/groups, out], dense [in, out].
import type { Tensor } from '../tensor/tensor.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { type Generator, defaultGenerator } from '../util/random.js';

export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`init: fan in/out needs at least 2 dimensions, got ${formatShape(shape)}`);
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

export type FanMode = 'fanIn' | 'fanOut';

// On a shape-only tensor (a model built by buildShapeOnly) there are no values to set: the initialisers return it as is.

export function uniform_(t: Tensor, low = 0, high = 1, g?: Generator): Tensor {
  if (!t.isShapeOnly) {
    (g ?? defaultGenerator()).fillUniform(t.data, low, high);
    t.bumpVersion();
  }
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1, g?: Generator): Tensor {
  if (!t.isShapeOnly) {
    (g ?? defaultGenerator()).fillNormal(t.data, mean, std);
    t.bumpVersion();
  }
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  if (!t.isShapeOnly) {
    t.data.fill(value);
    t.bumpVersion();
  }
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** He normal: std = gain / sqrt(fan), gain = sqrt(2) for ReLU (He et al. 2015). */
export function kaimingNormal_(t: Tensor, options: { mode?: FanMode; gain?: number; generator?: Generator } = {}): Tensor {
  const f = fans(t.shape)[options.mode ?? 'fanIn'];
  return normal_(t, 0, (options.gain ?? Math.SQRT2) / Math.sqrt(f), options.generator);
}

/** He uniform: bound = gain * sqrt(3 / fan). */
export function kaimingUniform_(t: Tensor, options: { mode?: FanMode; gain?: number; generator?: Generator } = {}): Tensor {
  const f = fans(t.shape)[options.mode ?? 'fanIn'];
  const bound = (options.gain ?? Math.SQRT2) * Math.sqrt(3 / f);
  return uniform_(t, -bound, bound, options.generator);
}

/** Glorot/Xavier uniform: bound = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, options: { gain?: number; generator?: Generator } = {}): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, options.generator);
}

/** Glorot/Xavier normal: std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, options: { gain?: number; generator?: Generator } = {}): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  return normal_(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options.generator);
}

/** PyTorch's default for Conv2d and Linear: weight and bias uniform in +-1/sqrt(fanIn). */
export function defaultLayerInit_(weight: Tensor, bias: Tensor | null, g?: Generator): void {
  const bound = 1 / Math.sqrt(fans(weight.shape).fanIn);
  uniform_(weight, -bound, bound, g);
  if (bias) uniform_(bias, -bound, bound, g);
}
