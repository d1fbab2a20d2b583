// TensorFlow.js: the pure-JS 'cpu' backend and the WebAssembly SIMD 'wasm' backend (one thread in Node).
// Same NHWC layout and [kH, kW, inC, outC] filters as ConvKit, so weights pass through unchanged.
import type * as tfTypes from '@tensorflow/tfjs-core';
import type { BenchCase } from '../cases.js';
import type { ArrayWithShape, CaseData } from '../case-data.js';
import { type Implementation, type Prepared, type Runner, errorText, skip } from '../implementation.js';
import { loadTfjs } from './tfjs-loader.js';
import { modelTrainStep } from './tfjs-training.js';

type Tf = typeof tfTypes;
type T = tfTypes.Tensor;
type T4 = tfTypes.Tensor4D;

const asTensor = (tf: Tf, a: ArrayWithShape): T => tf.tensor(a.data, a.shape);

function convForward(tf: Tf, data: Extract<CaseData, { kind: 'conv' }>): () => T {
  const x = asTensor(tf, data.input) as T4;
  const layers = data.layers.map((l) => ({
    // A depthwise filter [k, k, 1, C] is tfjs's [k, k, C, 1] with the same memory order.
    filter: (l.spec.depthwise ? tf.tensor(l.weight.data, [l.spec.kernel, l.spec.kernel, l.bias.length, 1]) : asTensor(tf, l.weight)) as T4,
    bias: tf.tensor1d(l.bias),
    depthwise: l.spec.depthwise ?? false,
    pad: l.spec.padding,
  }));
  return () =>
    layers.reduce(
      (y, l) =>
        l.depthwise
          ? tf.fused.depthwiseConv2d({ x: y, filter: l.filter, strides: 1, pad: l.pad, bias: l.bias })
          : tf.fused.conv2d({ x: y, filter: l.filter, strides: 1, pad: l.pad, bias: l.bias }),
      x,
    );
}

/** ResNet-18 in tfjs ops from ConvKit's state dict (inference-mode batch norm). */
function resnetForward(tf: Tf, data: Extract<CaseData, { kind: 'resnet18' }>): () => T {
  const p = Object.fromEntries(Object.entries(data.state).map(([k, v]) => [k, asTensor(tf, v)]));
  const conv = (x: T4, name: string, stride: number, pad: number) => tf.conv2d(x, p[`${name}.weight`] as T4, stride, pad);
  const bn = (x: T4, name: string) =>
    tf.batchNorm(x, p[`${name}.runningMean`], p[`${name}.runningVar`], p[`${name}.bias`], p[`${name}.weight`], 1e-5) as T4;
  const block = (x: T4, prefix: string, stride: number): T4 => {
    const a = tf.relu(bn(conv(x, `${prefix}.conv1`, stride, 1), `${prefix}.bn1`)) as T4;
    const z = bn(conv(a, `${prefix}.conv2`, 1, 1), `${prefix}.bn2`);
    const shortcut = p[`${prefix}.downsample.0.weight`] ? bn(conv(x, `${prefix}.downsample.0`, stride, 0), `${prefix}.downsample.1`) : x;
    return tf.relu(tf.add(z, shortcut)) as T4;
  };
  const x = asTensor(tf, data.input) as T4;
  return () => {
    let y = tf.maxPool(tf.relu(bn(conv(x, 'conv1', 2, 3), 'bn1')) as T4, 3, 2, 1);
    for (const [stage, stride] of [[1, 1], [2, 2], [3, 2], [4, 2]]) {
      y = block(block(y, `layer${stage}.0`, stride), `layer${stage}.1`, 1);
    }
    const pooled = tf.mean(y, [1, 2]) as tfTypes.Tensor2D;
    return tf.add(tf.matMul(pooled, p['fc.weight'] as tfTypes.Tensor2D), p['fc.bias']);
  };
}

/** One LeNet-5 (ReLU, max pool, 28x28 'same' conv1) SGD step with tf.variableGrads; returns the loss. */
export function lenetTrainStep(tf: Tf, data: Extract<CaseData, { kind: 'trainLenet' }>): () => T {
  const v = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn)));
  const w = {
    conv1: v([5, 5, 1, 6], 25), b1: tf.variable(tf.zeros([6])),
    conv2: v([5, 5, 6, 16], 150), b2: tf.variable(tf.zeros([16])),
    fc1: v([400, 120], 400), b3: tf.variable(tf.zeros([120])),
    fc2: v([120, 84], 120), b4: tf.variable(tf.zeros([84])),
    fc3: v([84, 10], 84), b5: tf.variable(tf.zeros([10])),
  };
  const images = asTensor(tf, data.images) as T4;
  const labels = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
  const optimizer = tf.train.sgd(0.01);
  const loss = () => {
    let y = tf.fused.conv2d({ x: images, filter: w.conv1 as T4, strides: 1, pad: 'same', bias: w.b1, activation: 'relu' });
    y = tf.maxPool(y, 2, 2, 'valid');
    y = tf.fused.conv2d({ x: y, filter: w.conv2 as T4, strides: 1, pad: 'valid', bias: w.b2, activation: 'relu' });
    y = tf.maxPool(y, 2, 2, 'valid');
    let h = tf.reshape(y, [data.labels.length, 400]) as tfTypes.Tensor2D;
    h = tf.fused.matMul({ a: h, b: w.fc1 as tfTypes.Tensor2D, bias: w.b3, activation: 'relu' }) as tfTypes.Tensor2D;
    h = tf.fused.matMul({ a: h, b: w.fc2 as tfTypes.Tensor2D, bias: w.b4, activation: 'relu' }) as tfTypes.Tensor2D;
    h = tf.fused.matMul({ a: h, b: w.fc3 as tfTypes.Tensor2D, bias: w.b5 }) as tfTypes.Tensor2D;
    return tf.losses.softmaxCrossEntropy(labels, h) as tfTypes.Scalar;
  };
  return () => {
    const { value, grads } = tf.variableGrads(loss);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return value;
  };
}

function buildForward(tf: Tf, data: Exclude<CaseData, { kind: 'faceDetect' }>): () => T {
  switch (data.kind) {
    case 'conv':
      return convForward(tf, data);
    case 'maxPool': {
      const x = asTensor(tf, data.input) as T4;
      return () => tf.maxPool(x, data.window, data.window, 'valid');
    }
    case 'sgemm': {
      const [a, b] = [asTensor(tf, data.a), asTensor(tf, data.b)] as tfTypes.Tensor2D[];
      return () => tf.matMul(a, b);
    }
    case 'resnet18':
      return resnetForward(tf, data);
    case 'trainLenet':
      return lenetTrainStep(tf, data);
    case 'trainModel':
      return modelTrainStep(tf, data);
  }
}

function tfjsRow(backend: 'cpu' | 'wasm'): Implementation {
  return {
    name: `tfjs-${backend}`,
    library: 'tfjs',
    slow: backend === 'cpu',
    async prepare(_c: BenchCase, data: CaseData): Promise<Prepared> {
      if (data.kind === 'faceDetect') return (await import('./face-api.js')).faceApiDetectRunner(backend, data);
      const tf = await loadTfjs();
      await tf.setBackend(backend); // tensors live on the backend that created them
      const forward = buildForward(tf, data);
      /** Runs once, reading the result back into JS memory, and frees everything it made. */
      const once = (): Float32Array => {
        const y = tf.tidy(forward);
        const out = y.dataSync() as Float32Array;
        y.dispose();
        return out;
      };
      try {
        once(); // a case the backend lacks a kernel for fails here, not in the timed loop
      } catch (e) {
        return skip(`not supported: ${errorText(e)}`);
      }
      const runner: Runner = {
        activate: async () => void (await tf.setBackend(backend)),
        run: once,
        output: data.kind === 'trainLenet' || data.kind === 'trainModel' ? undefined : async () => Float32Array.from(once()),
      };
      return { runner };
    },
  };
}

export async function tfjsImplementations(): Promise<Implementation[]> {
  return [tfjsRow('cpu'), tfjsRow('wasm')];
}
