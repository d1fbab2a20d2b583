// The benchmark cases as ONNX graphs (NCHW) built from the case data, and the layout changes around them.
import type { ArrayWithShape, CaseData } from '../case-data.js';
import { OnnxGraphBuilder, type Padding2d } from '../onnx/graph-builder.js';

export function nhwcToNchw(a: ArrayWithShape): ArrayWithShape {
  const [n, h, w, c] = a.shape;
  const out = new Float32Array(a.data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + x] = a.data[((b * h + y) * w + x) * c + ch];
  return { data: out, shape: [n, c, h, w] };
}

export function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = data[((b * c + ch) * h + y) * w + x];
  return out;
}

const pad = (p: number): Padding2d => ({ top: p, bottom: p, left: p, right: p });

function resnetGraph(data: Extract<CaseData, { kind: 'resnet18' }>, inputDims: number[]): OnnxGraphBuilder {
  const s = data.state;
  const g = new OnnxGraphBuilder('resnet18', 'x', inputDims);
  const conv = (x: string, name: string, stride: number, p: number) => g.conv(x, s[`${name}.weight`].data, s[`${name}.weight`].shape, null, { stride, padding: pad(p) });
  const bn = (x: string, name: string) =>
    g.batchNorm(x, s[`${name}.weight`].data, s[`${name}.bias`].data, s[`${name}.runningMean`].data, s[`${name}.runningVar`].data, 1e-5);
  const block = (x: string, prefix: string, stride: number): string => {
    const a = g.relu(bn(conv(x, `${prefix}.conv1`, stride, 1), `${prefix}.bn1`));
    const z = bn(conv(a, `${prefix}.conv2`, 1, 1), `${prefix}.bn2`);
    const shortcut = s[`${prefix}.downsample.0.weight`] ? bn(conv(x, `${prefix}.downsample.0`, stride, 0), `${prefix}.downsample.1`) : x;
    return g.relu(g.add(z, shortcut));
  };
  let y = g.maxPool(g.relu(bn(conv('x', 'conv1', 2, 3), 'bn1')), 3, 2, pad(1));
  for (const [stage, stride] of [[1, 1], [2, 2], [3, 2], [4, 2]]) y = block(block(y, `layer${stage}.0`, stride), `layer${stage}.1`, 1);
  const logits = g.gemm(g.flatten(g.globalAveragePool(y)), s['fc.weight'].data, s['fc.weight'].shape, s['fc.bias'].data);
  return g.markOutput(logits);
}

export interface OnnxCase {
  model: Uint8Array;
  input: ArrayWithShape;
  /** Output back in ConvKit's layout. */
  toConvkitLayout(data: Float32Array, dims: readonly number[]): Float32Array;
}

/** The ONNX model of a case, or null for workloads onnxruntime-node cannot run (training). */
export function onnxCase(data: Exclude<CaseData, { kind: 'faceDetect' }>): OnnxCase | null {
  switch (data.kind) {
    case 'conv': {
      const input = nhwcToNchw(data.input);
      const g = new OnnxGraphBuilder('conv-chain', 'x', input.shape);
      let y = 'x';
      for (const l of data.layers) {
        const p = l.spec.padding === 'same' ? (l.spec.kernel - 1) / 2 : 0;
        y = g.conv(y, l.weight.data, l.weight.shape, l.bias, { padding: pad(p), groups: l.spec.depthwise ? l.bias.length : 1 });
      }
      return { model: g.markOutput(y).encode(), input, toConvkitLayout: nchwToNhwc };
    }
    case 'maxPool': {
      const input = nhwcToNchw(data.input);
      const g = new OnnxGraphBuilder('max-pool', 'x', input.shape);
      return { model: g.markOutput(g.maxPool('x', data.window, data.window)).encode(), input, toConvkitLayout: nchwToNhwc };
    }
    case 'sgemm': {
      const g = new OnnxGraphBuilder('sgemm', 'x', data.a.shape);
      return { model: g.markOutput(g.matMul('x', data.b.data, data.b.shape)).encode(), input: data.a, toConvkitLayout: (d) => d };
    }
    case 'resnet18': {
      const input = nhwcToNchw(data.input);
      return { model: resnetGraph(data, input.shape).encode(), input, toConvkitLayout: (d) => d };
    }
    case 'trainLenet':
    case 'trainModel':
      return null;
  }
}
