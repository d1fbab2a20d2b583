// TensorFlow.js (CPU backend) as an independent implementation: run the same computation in ConvKit and
// in tfjs, then compare the outputs and the gradients of sum(output * r) for a fixed random r.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { buildSync } from 'esbuild';
import { Generator, Tensor, uniform } from '../../src/index.js';
import { assertAllClose, maxAbs } from './assert-close.js';

/**
 * tfjs-core's Node entry registers no gradients; its dist/register_all_gradients.js does, but it is ESM
 * with extensionless imports that Node cannot resolve. esbuild (tsx's compiler) bundles it into one module;
 * the registries it fills are global, so the gradients serve the tfjs-core instance imported above.
 */
async function registerTfjsGradients(): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const bundle = buildSync({ entryPoints: [entry], bundle: true, format: 'esm', write: false, logLevel: 'silent' });
  await import('data:text/javascript;base64,' + Buffer.from(bundle.outputFiles[0].text).toString('base64'));
}

await registerTfjsGradients();
tf.env().set('PROD', true); // silences the "install tfjs-node" banner and debug checks
await tf.setBackend('cpu');

export { tf };

export interface Comparison {
  label: string;
  /** float32 ConvKit inputs; gradients are compared for those with requiresGrad. */
  inputs: Tensor[];
  convkit: (...xs: Tensor[]) => Tensor;
  tfjs: (...xs: tf.Tensor[]) => tf.Tensor;
  /** An equivalent tfjs formulation to differentiate where tfjs's own gradient is missing or wrong. */
  tfjsForGradients?: (...xs: tf.Tensor[]) => tf.Tensor;
}

/**
 * float32 agreement: |a - e| <= rtol * (|e| + max|e|), so values near zero are held to the precision of
 * the largest ones (sums of many float32 products cancel to small values with absolute, not relative, error).
 */
function assertAgree(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, label: string): void {
  const scale = maxAbs(expected);
  assertAllClose(actual, expected, { rtol, atol: rtol * scale }, label);
}

export function compareWithTfjs(c: Comparison, rtol = 1e-4): void {
  for (const t of c.inputs) t.grad = null;
  const y = c.convkit(...c.inputs);
  const r = uniform(y.shape, 0.5, 1.5, { generator: new Generator(99) });
  y.mul(r).sum().backward();

  const tfInputs = c.inputs.map((t) => tf.tensor(t.data as Float32Array, [...t.shape]));
  const tfR = tf.tensor(r.data as Float32Array, [...r.shape]);
  const tfY = c.tfjs(...tfInputs);
  const differentiable = c.tfjsForGradients ?? c.tfjs;
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(differentiable(...xs), tfR)))(tfInputs);

  if (JSON.stringify(y.shape) !== JSON.stringify(tfY.shape)) {
    throw new Error(`${c.label}: ConvKit output ${JSON.stringify(y.shape)} but tfjs ${JSON.stringify(tfY.shape)}`);
  }
  assertAgree(y.data, tfY.dataSync(), rtol, `${c.label}: forward`);
  c.inputs.forEach((t, i) => {
    if (!t.requiresGrad) return;
    if (!t.grad) throw new Error(`${c.label}: input ${i} got no gradient`);
    assertAgree(t.grad.data, grads[i].dataSync(), rtol, `${c.label}: gradient of input ${i} ${JSON.stringify(t.shape)}`);
  });
  tf.dispose([...tfInputs, tfR, tfY, ...grads]);
}

/**
 * A linear tfjs function f as the product with its matrix, built one column per input element from f's own
 * forward pass on unit tensors: a gradient from tfjs's forward alone, where tfjs's own gradient is wrong.
 */
export function viaMatrix(f: (x: tf.Tensor) => tf.Tensor, inShape: number[]): (xs: tf.Tensor) => tf.Tensor {
  const n = inShape.reduce((a, b) => a * b, 1);
  let outShape: number[] = [];
  const columns = Array.from({ length: n }, (_, j) => {
    const unit = new Float32Array(n);
    unit[j] = 1;
    const y = f(tf.tensor(unit, inShape));
    outShape = y.shape;
    return tf.reshape(y, [-1]);
  });
  const matrix = tf.stack(columns); // [inputs, outputs]
  return (xs) => tf.reshape(tf.matMul(tf.reshape(xs, [1, n]), matrix), outShape);
}
