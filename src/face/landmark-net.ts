// face-api's 68-point landmark nets (face_landmark_68_model and its tiny variant): dense blocks of
// depthwise-separable 3x3 convolutions whose outputs are summed (each conv sees the sum of all before it),
// an average pool and a dense layer to 68 (x, y) pairs in [0, 1] of the 112 x 112 input.
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { Module, type StateDict } from '../nn/module.js';
import { Conv2d, Linear } from '../nn/layers.js';
import { SeparableConv2d } from '../io/importers/keras-modules.js';
import { add, div, sub } from '../ops/arithmetic.js';
import { relu } from '../ops/activation.js';
import { avgPool2d } from '../ops/pool.js';
import { flatten } from '../ops/movement.js';
import type { NamedTensors } from '../io/importers/tfjs-weights.js';
import { FACE_API_MEAN_RGB, depthwiseWeight, faceApiTensor } from './face-api-weights.js';

/** The input side the landmark nets expect. */
export const LANDMARK_INPUT_SIZE = 112;

function separable(inC: number, outC: number, stride: number): SeparableConv2d {
  return new SeparableConv2d(
    new Conv2d(inC, inC, 3, { stride, padding: 'same', groups: inC, bias: false }),
    new Conv2d(inC, outC, 1),
    null,
  );
}

/** out_k = relu(c0 + c1 + ... + ck), conv k+1 applied to out_k; the first conv halves the size. */
class DenseBlock extends Module {
  readonly convs: Module[];

  constructor(inC: number, outC: number, size: 3 | 4, firstBlock: boolean) {
    super();
    const first = firstBlock ? new Conv2d(inC, outC, 3, { stride: 2, padding: 'same' }) : separable(inC, outC, 2);
    this.convs = [first, ...Array.from({ length: size - 1 }, () => separable(outC, outC, 1))];
  }

  forward(x: Tensor): Tensor {
    const first = relu(this.convs[0].forward(x));
    let sum = first;
    let out = first;
    for (const conv of this.convs.slice(1)) {
      sum = add(sum, conv.forward(out));
      out = relu(sum);
    }
    return out;
  }
}

export interface FaceLandmark68NetOptions {
  /** face_landmark_68_tiny_model: 3 blocks of 3 convs (32, 64, 128 channels) instead of 4 of 4 (up to 256). */
  tiny?: boolean;
}

export class FaceLandmark68Net extends Module {
  readonly tiny: boolean;
  readonly blocks: DenseBlock[];
  readonly fc: Linear;
  private readonly channels: number[];

  constructor(options: FaceLandmark68NetOptions = {}) {
    super();
    this.tiny = options.tiny ?? false;
    this.channels = this.tiny ? [32, 64, 128] : [32, 64, 128, 256];
    const blockSize = this.tiny ? 3 : 4;
    this.blocks = this.channels.map((c, i) => new DenseBlock(i === 0 ? 3 : this.channels[i - 1], c, blockSize, i === 0));
    this.fc = new Linear(this.channels[this.channels.length - 1], 136);
  }

  /** RGB pixels 0..255 [N, 112, 112, 3] to [N, 136]: x0, y0, x1, y1, ... as fractions of the input's side. */
  forward(pixels: Tensor): Tensor {
    if (pixels.ndim !== 4 || pixels.shape[1] !== LANDMARK_INPUT_SIZE || pixels.shape[2] !== LANDMARK_INPUT_SIZE || pixels.shape[3] !== 3) {
      throw new Error(`FaceLandmark68Net: expects RGB pixels [N, ${LANDMARK_INPUT_SIZE}, ${LANDMARK_INPUT_SIZE}, 3], got ${formatShape(pixels.shape)}`);
    }
    let x = div(sub(pixels, tensor([...FACE_API_MEAN_RGB])), 255);
    for (const block of this.blocks) x = block.forward(x);
    // 7x7 (tiny: 14x14) features, one average each: face-api's avgPool 7 (14), stride 2, 'valid'.
    x = avgPool2d(x, x.shape[1], { stride: 2 });
    return this.fc.forward(flatten(x));
  }

  /** This net's state dict from face-api's weight map. */
  static stateDictFromFaceApi(tensors: NamedTensors, options: FaceLandmark68NetOptions = {}): StateDict {
    const net = options.tiny ? 'FaceLandmark68Net (tiny)' : 'FaceLandmark68Net';
    const channels = options.tiny ? [32, 64, 128] : [32, 64, 128, 256];
    const convsPerBlock = options.tiny ? 3 : 4;
    const state: StateDict = {};
    channels.forEach((outC, b) => {
      const inC = b === 0 ? 3 : channels[b - 1];
      for (let k = 0; k < convsPerBlock; k++) {
        const src = `dense${b}/conv${k}`;
        const dst = `blocks.${b}.convs.${k}`;
        const cIn = k === 0 ? inC : outC;
        if (b === 0 && k === 0) {
          state[`${dst}.weight`] = faceApiTensor(tensors, `${src}/filters`, [3, 3, cIn, outC], net);
          state[`${dst}.bias`] = faceApiTensor(tensors, `${src}/bias`, [outC], net);
        } else {
          state[`${dst}.depthwise.weight`] = depthwiseWeight(faceApiTensor(tensors, `${src}/depthwise_filter`, [3, 3, cIn, 1], net));
          state[`${dst}.pointwise.weight`] = faceApiTensor(tensors, `${src}/pointwise_filter`, [1, 1, cIn, outC], net);
          state[`${dst}.pointwise.bias`] = faceApiTensor(tensors, `${src}/bias`, [outC], net);
        }
      }
    });
    const last = channels[channels.length - 1];
    state['fc.weight'] = faceApiTensor(tensors, 'fc/weights', [last, 136], net);
    state['fc.bias'] = faceApiTensor(tensors, 'fc/bias', [136], net);
    return state;
  }

  /** The net with face-api's weights (evaluation mode). */
  static fromFaceApi(tensors: NamedTensors, options: FaceLandmark68NetOptions = {}): FaceLandmark68Net {
    const model = new FaceLandmark68Net(options);
    model.loadStateDict(FaceLandmark68Net.stateDictFromFaceApi(tensors, options));
    model.eval();
    return model;
  }
}
