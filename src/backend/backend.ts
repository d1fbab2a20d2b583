// The kernels, by name, and the parameter records they take. Kernels work on flat, contiguous, row-major typed
// arrays and write into outputs the caller allocated, so ops, layers and user code never see which backend
// ran. Tensors are NHWC; conv weights are [kH, kW, inChannels / groups, outChannels].

export type FloatArray = Float32Array | Float64Array;

/** C[b] = op(A[b]) @ op(B[b]); op transposes when the flag is set. A batch of 1 broadcasts. */
export interface MatmulParams {
  batchA: number; // 1 or batch
  batchB: number; // 1 or batch
  m: number;
  k: number;
  n: number;
  transA: boolean; // A stored as [k, m] when true, else [m, k]
  transB: boolean; // B stored as [n, k] when true, else [k, n]
}

/** Geometry of a 2-D convolution, fully resolved (padding per side, no 'same'). */
/**
 * An activation the conv kernel applies to its output before handing it back (an epilogue: no separate
 * pass over the caller's memory), with the standalone kernel's results bit for bit.
 */
export type ConvActivation = { kind: 'relu' } | { kind: 'leakyRelu'; negativeSlope: number };

export interface Conv2dParams {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number; // bottom/right padding is implied by outH/outW
  groups: number;
}

/** Geometry of a 2-D pooling window, fully resolved. */
export interface Pool2dParams {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  /** avg: divide by the window size counting padding (PyTorch's default) or only the real cells (TF 'same'). */
  countIncludePad: boolean;
}

export type AvgPoolMode = 'avg' | 'sum';

/**
 * y[r, c] = (x[r, c] - center[c]) * scale[c] + shift[c] (+ (x2[r, c] - center2[c]) * scale2[c]) over an NHWC
 * tensor viewed as [rows, C] (batch norm's forward map, and its gradients); relu: then max(0, y), NaN
 * passing. Centering before scaling keeps float32 digits where the mean is large against the spread.
 */
export interface ChannelAffine {
  channels: number;
  /** null: no centering. */
  center: Float64Array | null;
  scale: Float64Array;
  shift: Float64Array;
  /** A second input x2, centered and scaled per channel, or null. */
  second: { x2: FloatArray; center2: Float64Array; scale2: Float64Array } | null;
  relu: boolean;
}

/**
 * Per-channel sums over [rows, C], in float64: sums[c] = sum of a[r, c]; and when b is given,
 * dots[c] = sum of (a[r, c] - aCenter[c]) * (b[r, c] - bCenter[c]) (a null center: none).
 */
export interface ChannelSums {
  channels: number;
  aCenter: Float64Array | null;
  b: FloatArray | null;
  bCenter: Float64Array | null;
}

/**
 * One optimiser step over a parameter, in place: the hyper-parameters of src/optim with the factors of the
 * step worked out (bias corrections, 1 - beta, the sign of maximize), so every backend evaluates the same
 * float64 expressions in the same order. The formulas are in src/backend/js/optim.ts.
 */
export interface SgdStep {
  lr: number;
  momentum: number;
  /** 1 - dampening */
  keep: number;
  weightDecay: number;
  nesterov: boolean;
  /** -1 to ascend (maximize), else 1. */
  sign: number;
  /** The momentum buffer holds no history yet: it starts as the gradient. */
  firstStep: boolean;
}

export interface AdamStep {
  /** AdamW's decoupled decay factor 1 - lr * weightDecay (1 for Adam). */
  decay: number;
  /** Adam's L2 term (0 for AdamW). */
  l2: number;
  sign: number;
  beta1: number;
  beta2: number;
  /** lr / (1 - beta1^step) */
  stepSize: number;
  /** sqrt(1 - beta2^step) */
  biasCorrection2Sqrt: number;
  eps: number;
}

export interface RmspropStep {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  sign: number;
}

/**
 * Every kernel's argument list, by name: the one place a kernel's shape is stated. Kernels work on flat,
 * contiguous typed arrays and overwrite the outputs the caller allocated. Op files add their own kernels to
 * this table by declaration merging (`declare module '../backend/backend.js' { interface KernelSignatures
 * { ... } }`), next to the reference loop they register; backends implement any subset (registry.ts).
 */
export interface KernelSignatures {
  /** out[batch, m, n] = A @ B. */
  matmul: [p: MatmulParams, a: FloatArray, b: FloatArray, out: FloatArray];

  /** y[N,outH,outW,outC] = act(conv(x[N,inH,inW,inC], w[kH,kW,inC/g,outC]) + bias[outC]); act: none when absent. */
  conv2d: [p: Conv2dParams, x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray, activation?: ConvActivation | null];
  /** dx[N,inH,inW,inC] = gradient of conv2d w.r.t. x. */
  conv2dBackwardInput: [p: Conv2dParams, dy: FloatArray, w: FloatArray, dx: FloatArray];
  /** dw[kH,kW,inC/g,outC] = gradient of conv2d w.r.t. w. */
  conv2dBackwardFilter: [p: Conv2dParams, x: FloatArray, dy: FloatArray, dw: FloatArray];

  /**
   * y = max over each window; argmax[i] = flat index into x of the winner, -1 if the window is all padding.
   * argmax null: no gradient will be needed, so the winners are not recorded.
   */
  maxPool2d: [p: Pool2dParams, x: FloatArray, y: FloatArray, argmax: Int32Array | null];
  /** dx scatters dy to the recorded winners. */
  maxPool2dBackward: [p: Pool2dParams, dy: FloatArray, argmax: Int32Array, dx: FloatArray];
  /** y = mean or sum over each window. */
  avgPool2d: [p: Pool2dParams, mode: AvgPoolMode, x: FloatArray, y: FloatArray];
  /** dx spreads dy over each window. */
  avgPool2dBackward: [p: Pool2dParams, mode: AvgPoolMode, dy: FloatArray, dx: FloatArray];

  /** y (may be x itself) = the per-channel affine map of x. */
  channelAffine: [p: ChannelAffine, x: FloatArray, y: FloatArray];
  /** sums (and dots, when p.b is given) = the per-channel sums of a. */
  channelSums: [p: ChannelSums, a: FloatArray, sums: Float64Array, dots: Float64Array | null];

  /** SGD: param and momentumBuffer (null: no momentum) updated in place. */
  sgdStep: [h: SgdStep, param: FloatArray, grad: FloatArray, momentumBuffer: FloatArray | null];
  /** Adam / AdamW: param and the averages updated in place; maxExpAvgSq non-null for AMSGrad. */
  adamStep: [h: AdamStep, param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null];
  /** RMSprop: momentumBuffer non-null when momentum > 0, gradAvg non-null for the centered variant. */
  rmspropStep: [h: RmspropStep, param: FloatArray, grad: FloatArray, squareAvg: FloatArray, momentumBuffer: FloatArray | null, gradAvg: FloatArray | null];
}

/** A pointwise activation's forward kernel: y (may be x) = f(x). */
export type ActivationArgs = [x: FloatArray, y: FloatArray];
/**
 * Its gradient: dx = dy * f'(v), where v is the activation's input or its output, as the activation declares
 * (ReLU's mask is the same for both, which lets a ReLU fused into another op take its gradient from the output).
 */
export type ActivationBackwardArgs = [v: FloatArray, dy: FloatArray, dx: FloatArray];

export type KernelName = keyof KernelSignatures;
export type KernelArgs<K extends KernelName> = KernelSignatures[K];
