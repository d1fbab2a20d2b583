// Builds small ONNX graphs (NCHW, opset 13) from ConvKit-layout weights: conv filters arrive as
// [kH, kW, inC/groups, outC] and dense weights as [in, out], and are converted here, so one set of
// weights drives every library in a benchmark case.
import { type GraphSpec, type Initializer, type NodeSpec, encodeModel } from './onnx-proto.js';

/** Per-side padding in ConvKit's order. */
export interface Padding2d {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface ConvAttributes {
  stride?: number;
  padding?: Padding2d;
  groups?: number;
}

const noPadding: Padding2d = { top: 0, bottom: 0, left: 0, right: 0 };

/** [kH, kW, inC/groups, outC] -> ONNX's [outC, inC/groups, kH, kW]. */
export function hwioToOihw(w: Float32Array, [kH, kW, cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kH; y++)
    for (let x = 0; x < kW; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kH + y) * kW + x] = w[((y * kW + x) * cin + i) * cout + o];
  return out;
}

/** ONNX pads are [x1_begin, x2_begin, x1_end, x2_end]. */
const onnxPads = (p: Padding2d) => [p.top, p.left, p.bottom, p.right];

export class OnnxGraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly outputs: string[] = [];
  private counter = 0;

  constructor(
    private readonly name: string,
    readonly input: string,
    private readonly inputDims: number[],
  ) {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  private constant(prefix: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims, data });
    return name;
  }

  private op(opType: string, inputs: string[], attributes?: NodeSpec['attributes']): string {
    const output = this.fresh(opType.toLowerCase());
    this.nodes.push({ opType, inputs, outputs: [output], attributes });
    return output;
  }

  conv(x: string, weight: Float32Array, weightShape: readonly number[], bias: Float32Array | null, attrs: ConvAttributes = {}): string {
    const [kH, kW, cin, cout] = weightShape;
    const w = this.constant('w', [cout, cin, kH, kW], hwioToOihw(weight, weightShape));
    const inputs = bias ? [x, w, this.constant('b', [cout], bias)] : [x, w];
    const stride = attrs.stride ?? 1;
    return this.op('Conv', inputs, {
      kernel_shape: [kH, kW],
      strides: [stride, stride],
      pads: onnxPads(attrs.padding ?? noPadding),
      group: attrs.groups ?? 1,
    });
  }

  /** Inference-mode batch norm with running statistics. */
  batchNorm(x: string, gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): string {
    const c = [gamma.length];
    const params = [gamma, beta, mean, variance].map((t, i) => this.constant(['gamma', 'beta', 'mean', 'var'][i], c, t));
    return this.op('BatchNormalization', [x, ...params], { epsilon: { float: eps } });
  }

  relu(x: string): string {
    return this.op('Relu', [x]);
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }

  maxPool(x: string, kernel: number, stride: number, padding: Padding2d = noPadding): string {
    return this.op('MaxPool', [x], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: onnxPads(padding) });
  }

  globalAveragePool(x: string): string {
    return this.op('GlobalAveragePool', [x]);
  }

  flatten(x: string): string {
    return this.op('Flatten', [x], { axis: 1 });
  }

  /** x [batch, in] @ weight [in, out] + bias [out]. */
  gemm(x: string, weight: Float32Array, [inFeatures, outFeatures]: readonly number[], bias: Float32Array): string {
    const w = this.constant('w', [inFeatures, outFeatures], weight);
    return this.op('Gemm', [x, w, this.constant('b', [outFeatures], bias)]);
  }

  /** x @ B for a constant B [k, n] (the SGEMM row). */
  matMul(x: string, b: Float32Array, dims: readonly number[]): string {
    return this.op('MatMul', [x, this.constant('b', [...dims], b)]);
  }

  markOutput(name: string): this {
    this.outputs.push(name);
    return this;
  }

  spec(): GraphSpec {
    if (this.outputs.length === 0) throw new Error(`OnnxGraphBuilder(${this.name}): no output marked; call markOutput(name)`);
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: [{ name: this.input, dims: this.inputDims }],
      outputs: this.outputs.map((name) => ({ name })),
    };
  }

  encode(): Uint8Array {
    return encodeModel(this.spec());
  }
}
