// ResNet-18 and MobileNetV2 training steps in tfjs ops (cases (j), (k)): torchvision's layouts, batch norm
// in training mode (batch statistics; the running statistics are not kept, a few elementwise ops a layer),
// He-normal weights, softmax cross-entropy, tf.variableGrads and the case's optimiser. tfjs-wasm fails on
// its first step (no filter-gradient kernel), so only tfjs-cpu runs these.
import type * as tfTypes from '@tensorflow/tfjs-core';
import type { StepOptimizer } from '../cases.js';
import type { CaseData } from '../case-data.js';

type Tf = typeof tfTypes;
type T = tfTypes.Tensor;
type T4 = tfTypes.Tensor4D;
type Pad = 'valid' | number;

/** Layers that create their variables on first use, so each architecture is written once, as a forward. */
class Layers {
  readonly variables: tfTypes.Variable[] = [];
  private next = 0;
  private readonly made: tfTypes.Variable[][] = [];

  constructor(private readonly tf: Tf) {}

  /** The variables of the next layer in forward order (created on the first forward, reused after). */
  private params(make: () => tfTypes.Tensor[]): tfTypes.Variable[] {
    if (!this.made[this.next]) {
      this.made[this.next] = make().map((t) => this.tf.variable(t));
      this.variables.push(...this.made[this.next]);
    }
    return this.made[this.next++];
  }

  startForward(): void {
    this.next = 0;
  }

  conv(x: T4, k: number, out: number, stride: number, pad: Pad, groups = 1): T4 {
    const inC = x.shape[3];
    const depthwise = groups > 1;
    const shape: [number, number, number, number] = depthwise ? [k, k, inC, 1] : [k, k, inC, out];
    const [w] = this.params(() => [this.tf.randomNormal(shape, 0, Math.sqrt(2 / (k * k * (depthwise ? 1 : inC))))]);
    const padding = pad === 'valid' ? 'valid' : ([[0, 0], [pad, pad], [pad, pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]);
    return depthwise ? this.tf.depthwiseConv2d(x, w as T4, stride, padding) : this.tf.conv2d(x, w as T4, stride, padding);
  }

  batchNorm(x: T4): T4 {
    const c = x.shape[3];
    const [gamma, beta] = this.params(() => [this.tf.ones([c]), this.tf.zeros([c])]);
    const { mean, variance } = this.tf.moments(x, [0, 1, 2]);
    return this.tf.batchNorm(x, mean, variance, beta, gamma, 1e-5) as T4;
  }

  dense(x: tfTypes.Tensor2D, out: number): tfTypes.Tensor2D {
    const inF = x.shape[1];
    const [w, b] = this.params(() => [this.tf.randomNormal([inF, out], 0, Math.sqrt(1 / inF)), this.tf.zeros([out])]);
    return this.tf.add(this.tf.matMul(x, w as tfTypes.Tensor2D), b);
  }
}

function resnet18(tf: Tf, l: Layers, x: T4): tfTypes.Tensor2D {
  const convBn = (y: T4, k: number, out: number, stride: number, pad: Pad) => l.batchNorm(l.conv(y, k, out, stride, pad));
  const block = (y: T4, planes: number, stride: number): T4 => {
    const a = tf.relu(convBn(y, 3, planes, stride, 1)) as T4;
    const z = convBn(a, 3, planes, 1, 1);
    const shortcut = stride !== 1 || y.shape[3] !== planes ? convBn(y, 1, planes, stride, 'valid') : y;
    return tf.relu(tf.add(z, shortcut)) as T4;
  };
  let y = tf.maxPool(tf.relu(convBn(x, 7, 64, 2, 3)) as T4, 3, 2, [[0, 0], [1, 1], [1, 1], [0, 0]] as never);
  for (const [planes, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) y = block(block(y, planes, stride), planes, 1);
  return l.dense(tf.mean(y, [1, 2]) as tfTypes.Tensor2D, 10);
}

function mobilenetV2(tf: Tf, l: Layers, x: T4): tfTypes.Tensor2D {
  const relu6 = (y: T4) => tf.clipByValue(y, 0, 6) as T4;
  let y = relu6(l.batchNorm(l.conv(x, 3, 32, 2, 1)));
  for (const [expand, out, repeats, firstStride] of [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]) {
    for (let r = 0; r < repeats; r++) {
      const stride = r === 0 ? firstStride : 1;
      const inC = y.shape[3];
      let h = expand === 1 ? y : relu6(l.batchNorm(l.conv(y, 1, inC * expand, 1, 'valid')));
      h = relu6(l.batchNorm(l.conv(h, 3, h.shape[3], stride, 1, h.shape[3])));
      h = l.batchNorm(l.conv(h, 1, out, 1, 'valid'));
      y = stride === 1 && inC === out ? (tf.add(y, h) as T4) : h;
    }
  }
  y = relu6(l.batchNorm(l.conv(y, 1, 1280, 1, 'valid')));
  return l.dense(tf.dropout(tf.mean(y, [1, 2]), 0.2) as tfTypes.Tensor2D, 10);
}

function optimizerFor(tf: Tf, o: StepOptimizer): tfTypes.Optimizer {
  return o.name === 'adam' ? tf.train.adam(o.lr) : tf.train.momentum(o.lr, o.momentum);
}

/** One training step of the case's model; returns the loss. */
export function modelTrainStep(tf: Tf, data: Extract<CaseData, { kind: 'trainModel' }>): () => T {
  const layers = new Layers(tf);
  const images = tf.tensor(data.images.data, data.images.shape as [number, number, number, number]) as T4;
  const labels = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
  const network = data.model === 'resnet18' ? resnet18 : mobilenetV2;
  const loss = () => {
    layers.startForward();
    return tf.losses.softmaxCrossEntropy(labels, network(tf, layers, images)) as tfTypes.Scalar;
  };
  tf.tidy(loss); // creates the variables, so that variableGrads sees them all
  const optimizer = optimizerFor(tf, data.optimizer);
  return () => {
    const { value, grads } = tf.variableGrads(loss, layers.variables);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return value;
  };
}
