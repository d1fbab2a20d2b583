// dlib's face descriptor (dlib_face_recognition_resnet_model_v1, public domain) as face-api ships it: a
// ResNet-34 with layers removed and filters halved, 150 x 150 RGB to a 128-d descriptor whose Euclidean
// distances below 0.6 mean "same person" (99.38% on LFW). Each conv is conv + bias, then dlib's affine
// "scale" layer (its batch norm, folded), then ReLU; the affine is folded into the conv's weights and bias at
// load time (w * s, b * s + t), so each layer is one Conv2d.
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { Module, type StateDict } from '../nn/module.js';
import { Conv2d, Linear } from '../nn/layers.js';
import { add, div, mul, sub } from '../ops/arithmetic.js';
import { relu } from '../ops/activation.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';
import { pad } from '../ops/movement.js';
import { mean } from '../ops/reduce.js';
import type { NamedTensors } from '../io/importers/tfjs-weights.js';
import { FACE_API_MEAN_RGB, faceApiTensor } from './face-api-weights.js';

/** The input side the descriptor net expects (dlib's face chip). */
export const DESCRIPTOR_INPUT_SIZE = 150;
export const DESCRIPTOR_LENGTH = 128;

/** relu(conv2(relu(conv1(x))) + shortcut(x)); a down block halves the size (stride 2, 'valid') and may double the channels. */
class ResidualBlock extends Module {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;

  constructor(
    inC: number,
    outC: number,
    readonly down: boolean,
  ) {
    super();
    this.conv1 = new Conv2d(inC, outC, 3, down ? { stride: 2 } : { padding: 'same' });
    this.conv2 = new Conv2d(outC, outC, 3, { padding: 'same' });
  }

  forward(x: Tensor): Tensor {
    let out = this.conv2.forward(relu(this.conv1.forward(x)));
    if (!this.down) return relu(add(out, x));
    // dlib's shortcut: a 2x2 average pool, its channels zero-padded to the conv's; where the 'valid' stride-2
    // conv came out one smaller than the pool (even sizes), the conv output gets a zero row and column.
    let shortcut = avgPool2d(x, 2, { stride: 2 });
    if (shortcut.shape[1] !== out.shape[1] || shortcut.shape[2] !== out.shape[2]) out = pad(out, [[0, 0], [0, 1], [0, 1], [0, 0]]);
    const extra = out.shape[3] - shortcut.shape[3];
    if (extra > 0) shortcut = pad(shortcut, [[0, 0], [0, 0], [0, 0], [0, extra]]);
    return relu(add(out, shortcut));
  }
}

/** The blocks by face-api's names: [name, in channels, out channels, down]. */
const BLOCKS: ReadonlyArray<readonly [string, number, number, boolean]> = [
  ['conv32_1', 32, 32, false], ['conv32_2', 32, 32, false], ['conv32_3', 32, 32, false],
  ['conv64_down', 32, 64, true], ['conv64_1', 64, 64, false], ['conv64_2', 64, 64, false], ['conv64_3', 64, 64, false],
  ['conv128_down', 64, 128, true], ['conv128_1', 128, 128, false], ['conv128_2', 128, 128, false],
  ['conv256_down', 128, 256, true], ['conv256_1', 256, 256, false], ['conv256_2', 256, 256, false],
  ['conv256_down_out', 256, 256, true],
];

export class FaceRecognitionNet extends Module {
  readonly stem: Conv2d;
  readonly blocks: ResidualBlock[];
  readonly fc: Linear;

  constructor() {
    super();
    this.stem = new Conv2d(3, 32, 7, { stride: 2 });
    this.blocks = BLOCKS.map(([, inC, outC, down]) => new ResidualBlock(inC, outC, down));
    this.fc = new Linear(256, DESCRIPTOR_LENGTH, { bias: false });
  }

  /** RGB pixels 0..255 [N, 150, 150, 3] (a face chip) to descriptors [N, 128]. */
  forward(pixels: Tensor): Tensor {
    if (pixels.ndim !== 4 || pixels.shape[1] !== DESCRIPTOR_INPUT_SIZE || pixels.shape[2] !== DESCRIPTOR_INPUT_SIZE || pixels.shape[3] !== 3) {
      throw new Error(`FaceRecognitionNet: expects RGB pixels [N, ${DESCRIPTOR_INPUT_SIZE}, ${DESCRIPTOR_INPUT_SIZE}, 3], got ${formatShape(pixels.shape)}`);
    }
    let x = div(sub(pixels, tensor([...FACE_API_MEAN_RGB])), 255);
    x = maxPool2d(relu(this.stem.forward(x)), 3, { stride: 2 });
    for (const block of this.blocks) x = block.forward(x);
    return this.fc.forward(mean(x, [1, 2]));
  }

  /** This net's state dict from face-api's weight map, each scale layer folded into its conv. */
  static stateDictFromFaceApi(tensors: NamedTensors): StateDict {
    const net = 'FaceRecognitionNet';
    const state: StateDict = {};
    const conv = (src: string, dst: string, k: number, inC: number, outC: number): void => {
      const filters = faceApiTensor(tensors, `${src}/conv/filters`, [k, k, inC, outC], net);
      const bias = faceApiTensor(tensors, `${src}/conv/bias`, [outC], net);
      const scale = faceApiTensor(tensors, `${src}/scale/weights`, [outC], net);
      const shift = faceApiTensor(tensors, `${src}/scale/biases`, [outC], net);
      state[`${dst}.weight`] = mul(filters, scale); // broadcast over the last axis, the output channels
      state[`${dst}.bias`] = add(mul(bias, scale), shift);
    };
    conv('conv32_down', 'stem', 7, 3, 32);
    BLOCKS.forEach(([name, inC, outC], i) => {
      conv(`${name}/conv1`, `blocks.${i}.conv1`, 3, inC, outC);
      conv(`${name}/conv2`, `blocks.${i}.conv2`, 3, outC, outC);
    });
    state['fc.weight'] = faceApiTensor(tensors, 'fc', [256, DESCRIPTOR_LENGTH], net);
    return state;
  }

  /** The net with face-api's weights (evaluation mode). */
  static fromFaceApi(tensors: NamedTensors): FaceRecognitionNet {
    const model = new FaceRecognitionNet();
    model.loadStateDict(FaceRecognitionNet.stateDictFromFaceApi(tensors));
    model.eval();
    return model;
  }
}
