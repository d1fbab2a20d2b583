// convnetjs: plain-JS layers on single-image volumes (Float64, [height][width][depth] like one NHWC image),
// so a batch is a loop over images. No depthwise convolution, matrix product API, batch norm or residuals.
import { createRequire } from 'node:module';
import type { BenchCase } from '../cases.js';
import type { ArrayWithShape, CaseData } from '../case-data.js';
import { type Implementation, type Prepared, skip } from '../implementation.js';

interface Vol {
  sx: number;
  sy: number;
  depth: number;
  w: Float64Array;
}
interface Layer {
  forward(v: Vol, isTraining: boolean): Vol;
  filters?: Vol[];
  biases?: Vol;
}
interface ConvnetJs {
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
  ConvLayer: new (opt: Record<string, number>) => Layer;
  PoolLayer: new (opt: Record<string, number>) => Layer;
  Net: new () => { makeLayers(defs: Record<string, unknown>[]): void };
  SGDTrainer: new (net: unknown, opt: Record<string, unknown>) => { train(x: Vol, y: number): unknown };
}

const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvnetJs;

/** One volume per image of an NHWC batch. */
function volumes(a: ArrayWithShape): Vol[] {
  const [n, h, w, c] = a.shape;
  const size = h * w * c;
  return Array.from({ length: n }, (_, i) => {
    const v = new convnetjs.Vol(w, h, c, 0);
    v.w.set(a.data.subarray(i * size, (i + 1) * size));
    return v;
  });
}

/** Stride-1 conv layers with the case's weights: filter o is [kH][kW][inC], the column o of HWIO. */
function convLayers(data: Extract<CaseData, { kind: 'conv' }>): Layer[] {
  let [, height, width, channels] = data.input.shape;
  return data.layers.map(({ spec, weight, bias }) => {
    const pad = spec.padding === 'same' ? (spec.kernel - 1) / 2 : 0;
    const layer = new convnetjs.ConvLayer({ in_sx: width, in_sy: height, in_depth: channels, sx: spec.kernel, filters: spec.outChannels, stride: 1, pad });
    const [kH, kW, cin, cout] = weight.shape;
    layer.filters!.forEach((f, o) => {
      for (let i = 0; i < kH * kW * cin; i++) f.w[i] = weight.data[i * cout + o];
    });
    layer.biases!.w.set(bias);
    height += 2 * pad - spec.kernel + 1;
    width += 2 * pad - spec.kernel + 1;
    channels = spec.outChannels;
    return layer;
  });
}

function concat(vols: Vol[]): Float32Array {
  const size = vols[0].w.length;
  const out = new Float32Array(vols.length * size);
  vols.forEach((v, i) => out.set(v.w, i * size));
  return out;
}

/** LeNet-5 as convnetjs layer definitions (its fc layers take activation: 'relu' as a separate layer). */
function lenetTrainStep(data: Extract<CaseData, { kind: 'trainLenet' }>): () => void {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  const batch = data.labels.length;
  // The trainer accumulates gradients over batch_size train() calls and updates on the last one.
  const trainer = new convnetjs.SGDTrainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0, batch_size: batch, l2_decay: 0 });
  const images = volumes(data.images);
  return () => images.forEach((v, i) => trainer.train(v, data.labels[i]));
}

function buildRun(data: CaseData): { run: () => unknown; output?: () => Float32Array } | string {
  switch (data.kind) {
    case 'conv': {
      if (data.layers.some((l) => l.spec.depthwise)) return 'no depthwise convolution';
      const layers = convLayers(data);
      const images = volumes(data.input);
      const run = () => images.map((v) => layers.reduce((y, l) => l.forward(y, false), v));
      return { run, output: () => concat(run()) };
    }
    case 'maxPool': {
      const [, h, w, c] = data.input.shape;
      const pool = new convnetjs.PoolLayer({ in_sx: w, in_sy: h, in_depth: c, sx: data.window, stride: data.window });
      const images = volumes(data.input);
      const run = () => images.map((v) => pool.forward(v, false));
      return { run, output: () => concat(run()) };
    }
    case 'trainLenet':
      return { run: lenetTrainStep(data) };
    case 'sgemm':
      return 'no matrix product API';
    case 'resnet18':
      return 'no batch norm or residual connections';
    case 'trainModel':
      return data.model === 'resnet18' ? 'no batch norm or residual connections' : 'no depthwise convolution or batch norm';
    case 'faceDetect':
      return 'no depthwise convolution';
  }
}

export async function convnetjsImplementations(): Promise<Implementation[]> {
  const row: Implementation = {
    name: 'convnetjs',
    library: 'convnetjs',
    slow: true,
    async prepare(_c: BenchCase, data: CaseData): Promise<Prepared> {
      const built = buildRun(data);
      if (typeof built === 'string') return skip(built);
      const { run, output } = built;
      return { runner: { run, output: output && (async () => output()) } };
    },
  };
  return [row];
}
