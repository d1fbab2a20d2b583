// face-api's ssd_mobilenetv1 face detector (TF Object Detection API, trained on WIDER FACE): MobileNetV1 at
// 512 x 512, eight extra convs, six 1x1 box predictors over 32x32 ... 1x1 feature maps, 5118 anchors. All
// activations are ReLU6; batch norms are folded into the convs at load time.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Module, type StateDict } from '../nn/module.js';
import { Conv2d } from '../nn/layers.js';
import { add, mul, rsqrt, sub } from '../ops/arithmetic.js';
import { relu6 } from '../ops/activation.js';
import { concat, reshape } from '../ops/movement.js';
import type { NamedTensors } from '../io/importers/tfjs-weights.js';
import { depthwiseWeight, faceApiTensor } from './face-api-weights.js';

export const SSD_INPUT_SIZE = 512;
export const SSD_ANCHORS = 5118;
/** TF's batch-norm epsilon in the exported graph (float32 0.001). */
const BATCH_NORM_EPSILON = 0.0010000000474974513;

/** MobileNetV1's 13 depthwise/pointwise pairs: [in, out, depthwise stride]. */
const MOBILENET_PAIRS: ReadonlyArray<readonly [number, number, number]> = [
  [32, 64, 1], [64, 128, 2], [128, 128, 1], [128, 256, 2], [256, 256, 1], [256, 512, 2],
  [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 1024, 2], [1024, 1024, 1],
];
/** The extra feature layers: [in, out, kernel, stride]. */
const EXTRA_CONVS: ReadonlyArray<readonly [number, number, number, number]> = [
  [1024, 256, 1, 1], [256, 512, 3, 2], [512, 128, 1, 1], [128, 256, 3, 2], [256, 128, 1, 1], [128, 256, 3, 2], [256, 64, 1, 1], [64, 128, 3, 2],
];
/** Box predictors: [feature channels, anchors per cell], on conv 11, the backbone output and extra convs 1, 3, 5, 7. */
const PREDICTORS: ReadonlyArray<readonly [number, number]> = [[512, 3], [1024, 6], [512, 6], [256, 6], [256, 6], [128, 6]];

/** Raw outputs: box encodings (ty, tx, th, tw) and class logits (background, face, unused), anchor by anchor. */
export interface SsdOutputs {
  /** [N, 5118, 4] */
  encodings: Tensor;
  /** [N, 5118, 3] */
  logits: Tensor;
}

export class SsdMobilenetV1 extends Module<[Tensor], SsdOutputs> {
  readonly stem: Conv2d;
  readonly depthwise: Conv2d[];
  readonly pointwise: Conv2d[];
  readonly extras: Conv2d[];
  readonly boxPredictors: Conv2d[];
  readonly classPredictors: Conv2d[];
  /** The anchors as [1, 5118, 4] (ymin, xmin, ymax, xmax) in [0, 1] of the input (face-api's Output/extra_dim). */
  readonly priors: Tensor;

  constructor(priors: Tensor) {
    super();
    if (priors.ndim !== 3 || priors.shape[0] !== 1 || priors.shape[1] !== SSD_ANCHORS || priors.shape[2] !== 4) {
      throw new Error(`SsdMobilenetV1: priors must be [1, ${SSD_ANCHORS}, 4], got ${formatShape(priors.shape)}`);
    }
    this.stem = new Conv2d(3, 32, 3, { stride: 2, padding: 'same' });
    this.depthwise = MOBILENET_PAIRS.map(([c, , s]) => new Conv2d(c, c, 3, { stride: s, padding: 'same', groups: c }));
    this.pointwise = MOBILENET_PAIRS.map(([c, out]) => new Conv2d(c, out, 1));
    this.extras = EXTRA_CONVS.map(([c, out, k, s]) => new Conv2d(c, out, k, { stride: s, padding: 'same' }));
    this.boxPredictors = PREDICTORS.map(([c, a]) => new Conv2d(c, 4 * a, 1));
    this.classPredictors = PREDICTORS.map(([c, a]) => new Conv2d(c, 3 * a, 1));
    this.priors = priors;
    this.registerBuffer('priors', priors);
  }

  /** RGB pixels 0..255 [N, 512, 512, 3] to the raw box encodings and class logits of the 5118 anchors. */
  forward(pixels: Tensor): SsdOutputs {
    if (pixels.ndim !== 4 || pixels.shape[1] !== SSD_INPUT_SIZE || pixels.shape[2] !== SSD_INPUT_SIZE || pixels.shape[3] !== 3) {
      throw new Error(`SsdMobilenetV1: expects RGB pixels [N, ${SSD_INPUT_SIZE}, ${SSD_INPUT_SIZE}, 3], got ${formatShape(pixels.shape)}`);
    }
    let x = relu6(this.stem.forward(sub(mul(pixels, 1 / 127.5), 1)));
    let conv11 = x;
    this.pointwise.forEach((pointwise, i) => {
      x = relu6(pointwise.forward(relu6(this.depthwise[i].forward(x))));
      if (i === 10) conv11 = x; // MobileNetV1's Conv2d_11 (i counts from Conv2d_1)
    });
    const features = [conv11, x];
    this.extras.forEach((conv, i) => {
      x = relu6(conv.forward(x));
      if (i % 2 === 1) features.push(x);
    });
    const n = pixels.shape[0];
    return {
      encodings: concat(features.map((f, i) => reshape(this.boxPredictors[i].forward(f), [n, -1, 4])), 1),
      logits: concat(features.map((f, i) => reshape(this.classPredictors[i].forward(f), [n, -1, 3])), 1),
    };
  }

  /** This net's state dict from face-api's weight map, the batch norms folded into the depthwise convs. */
  static stateDictFromFaceApi(tensors: NamedTensors): StateDict {
    const net = 'SsdMobilenetV1';
    const state: StateDict = {};
    const pointwise = (src: string, dst: string, k: number, inC: number, outC: number): void => {
      state[`${dst}.weight`] = faceApiTensor(tensors, `${src}/weights`, [k, k, inC, outC], net);
      state[`${dst}.bias`] = faceApiTensor(tensors, `${src}/convolution_bn_offset`, [outC], net);
    };
    pointwise('MobilenetV1/Conv2d_0_pointwise', 'stem', 3, 3, 32);
    MOBILENET_PAIRS.forEach(([c, out], i) => {
      const src = `MobilenetV1/Conv2d_${i + 1}_depthwise`;
      const filter = faceApiTensor(tensors, `${src}/depthwise_weights`, [3, 3, c, 1], net);
      const bn = (name: string): Tensor => faceApiTensor(tensors, `${src}/BatchNorm/${name}`, [c], net);
      // gamma * (conv - mean) / sqrt(var + eps) + beta = conv * s + (beta - mean * s), s = gamma / sqrt(var + eps)
      const s = mul(bn('gamma'), rsqrt(add(bn('moving_variance'), BATCH_NORM_EPSILON)));
      state[`depthwise.${i}.weight`] = mul(depthwiseWeight(filter), s);
      state[`depthwise.${i}.bias`] = sub(bn('beta'), mul(bn('moving_mean'), s));
      pointwise(`MobilenetV1/Conv2d_${i + 1}_pointwise`, `pointwise.${i}`, 1, c, out);
    });
    EXTRA_CONVS.forEach(([c, out, k], i) => pointwise(`Prediction/Conv2d_${i}_pointwise`, `extras.${i}`, k, c, out));
    PREDICTORS.forEach(([c, a], i) => {
      for (const [kind, dst, per] of [['BoxEncodingPredictor', 'boxPredictors', 4], ['ClassPredictor', 'classPredictors', 3]] as const) {
        state[`${dst}.${i}.weight`] = faceApiTensor(tensors, `Prediction/BoxPredictor_${i}/${kind}/weights`, [1, 1, c, per * a], net);
        state[`${dst}.${i}.bias`] = faceApiTensor(tensors, `Prediction/BoxPredictor_${i}/${kind}/biases`, [per * a], net);
      }
    });
    state.priors = faceApiTensor(tensors, 'Output/extra_dim', [1, SSD_ANCHORS, 4], net);
    return state;
  }

  /** The net with face-api's weights (evaluation mode). */
  static fromFaceApi(tensors: NamedTensors): SsdMobilenetV1 {
    const state = SsdMobilenetV1.stateDictFromFaceApi(tensors);
    const model = new SsdMobilenetV1(state.priors);
    model.loadStateDict(state);
    model.eval();
    return model;
  }
}

/** One anchor's decoded box (ymin, xmin, ymax, xmax in [0, 1] of the input) and face score. */
export interface SsdCandidate {
  box: [number, number, number, number];
  score: number;
}

/**
 * The TF Object Detection API's box decoding with face-api's scales (ty / 10, tx / 10, th / 5, tw / 5 against
 * the anchor's centre and size) and the face score sigmoid(logit 1), for image `index` of the batch.
 */
export function decodeSsd(outputs: SsdOutputs, priors: Tensor, index = 0): SsdCandidate[] {
  const e = outputs.encodings.data;
  const l = outputs.logits.data;
  const p = priors.data;
  const out: SsdCandidate[] = [];
  for (let a = 0; a < SSD_ANCHORS; a++) {
    const [ymin, xmin, ymax, xmax] = [p[4 * a], p[4 * a + 1], p[4 * a + 2], p[4 * a + 3]];
    const h = ymax - ymin;
    const w = xmax - xmin;
    const k = (index * SSD_ANCHORS + a) * 4;
    const cy = (e[k] / 10) * h + ymin + h / 2;
    const cx = (e[k + 1] / 10) * w + xmin + w / 2;
    const halfH = (Math.exp(e[k + 2] / 5) * h) / 2;
    const halfW = (Math.exp(e[k + 3] / 5) * w) / 2;
    out.push({ box: [cy - halfH, cx - halfW, cy + halfH, cx + halfW], score: 1 / (1 + Math.exp(-l[(index * SSD_ANCHORS + a) * 3 + 1])) });
  }
  return out;
}
