// The image that activation maximisation optimises, parametrised as Lucid does (Olah et al., Distill 2017,
// "Feature Visualization"): coefficients of a real Fourier basis scaled by 1/frequency (so every frequency
// is equally easy to change and the result is not dominated by high-frequency noise), colours decorrelated by
// the square root of ImageNet's colour covariance, and a sigmoid into (0, 1). Every step is invertible, so
// any image strictly inside (0, 1) has exactly one parameter set (paramsFor).
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { Generator } from '../util/random.js';

export interface ImageParametrizationOptions {
  /** Fourier coefficients (default true) or plain pixels. */
  fourier?: boolean;
  /** Decorrelated colours, for 3-channel images (default true). */
  decorrelate?: boolean;
  /** Coefficients are scaled by 1 / frequency^decayPower (default 1, Lucid's). */
  decayPower?: number;
  /** Standard deviation of the initial parameters (default 0.01, Lucid's). */
  sd?: number;
  generator?: Generator;
}

// Lucid's color_correlation_svd_sqrt (ImageNet), divided by its largest column norm as Lucid does.
const COLOR_SVD_SQRT = [0.26, 0.09, 0.02, 0.27, 0.0, -0.05, 0.27, -0.09, 0.03];
const MAX_COLUMN_NORM = Math.max(...[0, 1, 2].map((j) => Math.hypot(COLOR_SVD_SQRT[j], COLOR_SVD_SQRT[3 + j], COLOR_SVD_SQRT[6 + j])));
const COLOR = COLOR_SVD_SQRT.map((v) => v / MAX_COLUMN_NORM);
// Lucid divides the Fourier image by 4 so that the initial image stays near grey.
const FOURIER_DIVISOR = 4;

/**
 * The orthonormal real Fourier basis of length n as a row-major [n, n] matrix F (coefficients = F x): a
 * constant row, cos and sin rows per frequency, and the alternating Nyquist row for even n; with the
 * frequency of each row in cycles per pixel.
 */
export function realFourierBasis(n: number): { matrix: Float64Array; frequencies: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new Error(`realFourierBasis: n must be a positive integer, got ${n}`);
  const matrix = new Float64Array(n * n);
  const frequencies = new Float64Array(n);
  let row = 0;
  const put = (f: (y: number) => number, frequency: number) => {
    for (let y = 0; y < n; y++) matrix[row * n + y] = f(y);
    frequencies[row++] = frequency;
  };
  put(() => 1 / Math.sqrt(n), 0);
  for (let m = 1; 2 * m < n; m++) {
    put((y) => Math.sqrt(2 / n) * Math.cos((2 * Math.PI * m * y) / n), m / n);
    put((y) => Math.sqrt(2 / n) * Math.sin((2 * Math.PI * m * y) / n), m / n);
  }
  if (n % 2 === 0) put((y) => (y % 2 === 0 ? 1 : -1) / Math.sqrt(n), 0.5);
  return { matrix, frequencies };
}

const f32 = (a: Float64Array | number[], shape: number[]) => tensor(Float32Array.from(a), shape);

function transpose(m: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = m[i * n + j];
  return t;
}

export class ImageParametrization {
  /** The optimised values, [C, H, W]. */
  readonly params: Tensor;
  readonly shape: [number, number, number];
  private readonly fourier: boolean;
  private readonly decorrelate: boolean;
  private readonly scale: Float64Array = new Float64Array(0);
  private readonly fh: Float64Array = new Float64Array(0);
  private readonly fw: Float64Array = new Float64Array(0);
  private readonly constants: { scale?: Tensor; fhT?: Tensor; fw?: Tensor; colorT?: Tensor } = {};

  constructor(shape: readonly [number, number, number], options: ImageParametrizationOptions = {}) {
    const [h, w, c] = shape;
    if (!shape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`ImageParametrization: shape must be [H, W, C] of positive integers, got ${formatShape(shape)}`);
    const { fourier = true, decayPower = 1, sd = 0.01, generator = new Generator(0) } = options;
    this.shape = [h, w, c];
    this.fourier = fourier;
    this.decorrelate = (options.decorrelate ?? true) && c === 3;
    if (options.decorrelate && c !== 3) throw new Error(`ImageParametrization: decorrelated colours need 3 channels, the image has ${c}`);
    const values = new Float32Array(c * h * w);
    for (let i = 0; i < values.length; i++) values[i] = sd * generator.normal();
    this.params = new Tensor(values, [c, h, w]).requiresGrad_();
    if (fourier) {
      const bh = realFourierBasis(h);
      const bw = realFourierBasis(w);
      this.fh = bh.matrix;
      this.fw = bw.matrix;
      this.scale = new Float64Array(h * w);
      const floor = 1 / Math.max(h, w);
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) this.scale[i * w + j] = 1 / Math.max(Math.hypot(bh.frequencies[i], bw.frequencies[j]), floor) ** decayPower;
      this.constants.scale = f32(this.scale, [h, w]);
      this.constants.fhT = f32(transpose(this.fh, h), [h, h]);
      this.constants.fw = f32(this.fw, [w, w]);
    }
    if (this.decorrelate) this.constants.colorT = f32([0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => COLOR[j * 3 + i])), [3, 3]);
  }

  /** The image [1, H, W, C] in (0, 1), in the graph of `params`. */
  render(): Tensor {
    const [h, w, c] = this.shape;
    const { scale, fhT, fw, colorT } = this.constants;
    let x = this.fourier ? fhT!.matmul(this.params.mul(scale!)).matmul(fw!).div(FOURIER_DIVISOR) : this.params;
    x = x.permute([1, 2, 0]);
    if (colorT) x = x.reshape([h * w, 3]).matmul(colorT).reshape([h, w, 3]);
    return x.sigmoid().reshape([1, h, w, c]);
  }

  /** The parameters [C, H, W] whose render() is `image` ([H, W, C] or [1, H, W, C], values strictly in (0, 1)). */
  paramsFor(image: Tensor): Float32Array {
    const [h, w, c] = this.shape;
    if (image.size !== h * w * c) throw new Error(`ImageParametrization.paramsFor: expected an image of ${h}x${w}x${c}, got ${formatShape(image.shape)}`);
    const px = image.to('float32').data;
    const out = new Float64Array(c * h * w); // [C, H, W] before the colour and Fourier steps are undone
    const inverse = this.decorrelate ? invert3(COLOR) : null;
    for (let p = 0; p < h * w; p++) {
      const logits = Array.from({ length: c }, (_, k) => {
        const v = px[p * c + k];
        if (!(v > 0 && v < 1)) throw new Error(`ImageParametrization.paramsFor: pixel values must lie strictly in (0, 1), got ${v}`);
        return Math.log(v / (1 - v));
      });
      // rendered colour = COLOR * decorrelated, so decorrelated = COLOR^-1 * colour
      for (let k = 0; k < c; k++) out[k * h * w + p] = inverse ? inverse[k * 3] * logits[0] + inverse[k * 3 + 1] * logits[1] + inverse[k * 3 + 2] * logits[2] : logits[k];
    }
    if (!this.fourier) return Float32Array.from(out);
    const result = new Float32Array(c * h * w);
    for (let k = 0; k < c; k++) {
      const y = out.subarray(k * h * w, (k + 1) * h * w);
      // coefficients = Fh (4 y) Fw^T / scale, since y = Fh^T (scale * P) Fw / 4 with orthonormal Fh, Fw
      const tmp = new Float64Array(h * w);
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
        let s = 0;
        for (let r = 0; r < h; r++) s += this.fh[i * h + r] * y[r * w + j];
        tmp[i * w + j] = s;
      }
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
        let s = 0;
        for (let q = 0; q < w; q++) s += tmp[i * w + q] * this.fw[j * w + q];
        result[k * h * w + i * w + j] = (FOURIER_DIVISOR * s) / this.scale[i * w + j];
      }
    }
    return result;
  }
}

function invert3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d].map((v) => v / det);
}
