// The conv2d cases the browser test runs in the page and again in Node: forward and all three gradients
// on seeded inputs. Inputs come from uniform() (integer arithmetic and one division), not randn(), so they
// are bit-identical in every JavaScript engine and only the kernels can make the two sides differ.
import { F, Generator, uniform, type Tensor } from '../../src/index.js';
import type { Conv2dOptions } from '../../src/ops/functional.js';

export interface ConvCase {
  name: string;
  xShape: [number, number, number, number];
  wShape: [number, number, number, number];
  options: Conv2dOptions;
}

export const CONV_CASES: readonly ConvCase[] = [
  { name: '3x3 stride 2 same', xShape: [2, 9, 9, 5], wShape: [3, 3, 5, 7], options: { stride: 2, padding: 'same' } },
  // Large enough (about 85 MFLOP an op, a millisecond or more) that the worker takes its shares even when it
  // has to be woken first: the caller runs the shares a worker has not taken yet itself.
  { name: '3x3 same 32->32 (threaded)', xShape: [8, 24, 24, 32], wShape: [3, 3, 32, 32], options: { padding: 'same' } },
  { name: 'depthwise 3x3', xShape: [2, 8, 8, 6], wShape: [3, 3, 1, 6], options: { padding: 'same', groups: 6 } },
  { name: 'pointwise 1x1', xShape: [2, 7, 7, 12], wShape: [1, 1, 12, 10], options: {} },
];

/** Plain arrays, so the result survives structured cloning and JSON out of the page. */
export interface ConvCaseResult {
  name: string;
  y: number[];
  dx: number[];
  dw: number[];
  db: number[];
}

const gradOf = (t: Tensor, name: string): number[] => {
  if (!t.grad) throw new Error(`conv case: backward() left no gradient on ${name}`);
  return Array.from(t.grad.data);
};

/** Forward, then backward of sum(y * r) for a fixed random r, so dy is not all ones. */
export function runConvCase(c: ConvCase, seed: number): ConvCaseResult {
  const generator = new Generator(seed);
  const outC = c.wShape[3];
  const x = uniform(c.xShape, -1, 1, { generator, requiresGrad: true });
  const w = uniform(c.wShape, -1, 1, { generator, requiresGrad: true });
  const b = uniform([outC], -1, 1, { generator, requiresGrad: true });
  const y = F.conv2d(x, w, b, c.options);
  const r = uniform(y.shape, -1, 1, { generator });
  F.sum(F.mul(y, r)).backward();
  return { name: c.name, y: Array.from(y.data), dx: gradOf(x, 'x'), dw: gradOf(w, 'w'), db: gradOf(b, 'b') };
}

export function runConvCases(): ConvCaseResult[] {
  return CONV_CASES.map((c, i) => runConvCase(c, 1000 + i));
}
