// A benchmark case in PyTorch's layouts for bench/peers/torch_case.py: NCHW activations, [out, in/groups,
// kH, kW] filters, [out, in] dense weights, torchvision's state-dict names. The header says what to build;
// the tensors follow it as raw little-endian bytes, in the header's order.
import type { ArrayWithShape, CaseData } from '../case-data.js';
import { hwioToOihw } from '../onnx/graph-builder.js';
import { nhwcToNchw } from './onnx-graphs.js';

export interface TorchTensor {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface TorchPayload {
  /** Everything but the tensors: kind, layer settings, optimiser. */
  header: Record<string, unknown>;
  tensors: TorchTensor[];
}

/** [in, out] -> [out, in]. */
function transposed({ data, shape: [rows, cols] }: ArrayWithShape): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** A ConvKit state-dict entry under torchvision's name and in its layout. */
export function torchStateEntry(name: string, value: ArrayWithShape): TorchTensor {
  const torchName = name.replace(/\.runningMean$/, '.running_mean').replace(/\.runningVar$/, '.running_var');
  const { shape } = value;
  if (shape.length === 4) return { name: torchName, shape: [shape[3], shape[2], shape[0], shape[1]], data: hwioToOihw(value.data, shape) };
  if (shape.length === 2) return { name: torchName, shape: [shape[1], shape[0]], data: transposed(value) };
  return { name: torchName, shape: [...shape], data: value.data };
}

const nchw = (name: string, a: ArrayWithShape): TorchTensor => ({ name, ...nhwcToNchw(a) });

/** The case as torch_case.py reads it, or null where no PyTorch version of it is written here. */
export function torchPayload(data: CaseData): TorchPayload | null {
  switch (data.kind) {
    case 'conv':
      return {
        header: { kind: 'conv', layers: data.layers.map((l) => ({ padding: l.spec.padding === 'same' ? (l.spec.kernel - 1) / 2 : 0, groups: l.spec.depthwise ? l.bias.length : 1 })) },
        tensors: [
          nchw('x', data.input),
          ...data.layers.flatMap((l, i) => [
            torchStateEntry(`w${i}`, l.weight),
            { name: `b${i}`, shape: [l.bias.length], data: l.bias },
          ]),
        ],
      };
    case 'maxPool':
      return { header: { kind: 'maxPool', window: data.window }, tensors: [nchw('x', data.input)] };
    case 'sgemm':
      return { header: { kind: 'sgemm' }, tensors: [{ name: 'a', ...data.a }, { name: 'b', ...data.b }] };
    case 'resnet18':
      return { header: { kind: 'resnet18' }, tensors: [nchw('x', data.input), ...Object.entries(data.state).map(([k, v]) => torchStateEntry(k, v))] };
    case 'trainLenet':
      return { header: { kind: 'trainLenet', optimizer: { name: 'sgd', lr: 0.01, momentum: 0 } }, tensors: [nchw('x', data.images), { name: 'y', shape: [data.labels.length], data: data.labels }] };
    case 'trainModel':
      return { header: { kind: 'trainModel', model: data.model, optimizer: data.optimizer }, tensors: [nchw('x', data.images), { name: 'y', shape: [data.labels.length], data: data.labels }] };
    case 'faceDetect':
      return null;
  }
}
