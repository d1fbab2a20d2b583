// The Backend interface: the heavy kernels that a backend may accelerate.
// Kernels work on flat, contiguous, row-major typed arrays and write into outputs the caller allocated,
// so ops, layers and user code never see which backend ran. Tensors are NHWC; conv weights are
// [kH, kW, inChannels / groups, outChannels].
// A backend that does not support a case (float64, an odd attribute) calls the reference backend.

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

export interface Backend {
  readonly name: string;

  /** out[batch, m, n] = A @ B (overwrites out). */
  matmul(p: MatmulParams, a: FloatArray, b: FloatArray, out: FloatArray): void;

  /** y[N,outH,outW,outC] = conv(x[N,inH,inW,inC], w[kH,kW,inC/g,outC]) + bias[outC] (overwrites y). */
  conv2d(p: Conv2dParams, x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray): void;
  /** dx[N,inH,inW,inC] = gradient of conv2d w.r.t. x (overwrites dx). */
  conv2dBackwardInput(p: Conv2dParams, dy: FloatArray, w: FloatArray, dx: FloatArray): void;
  /** dw[kH,kW,inC/g,outC] = gradient of conv2d w.r.t. w (overwrites dw). */
  conv2dBackwardFilter(p: Conv2dParams, x: FloatArray, dy: FloatArray, dw: FloatArray): void;

  /**
   * y = max over each window; argmax[i] = flat index into x of the winner, -1 if the window is all padding.
   * argmax null: no gradient will be needed, so the winners are not recorded.
   */
  maxPool2d(p: Pool2dParams, x: FloatArray, y: FloatArray, argmax: Int32Array | null): void;
  /** dx (overwritten) scatters dy to the recorded winners. */
  maxPool2dBackward(p: Pool2dParams, dy: FloatArray, argmax: Int32Array, dx: FloatArray): void;
  /** y = mean or sum over each window. */
  avgPool2d(p: Pool2dParams, mode: AvgPoolMode, x: FloatArray, y: FloatArray): void;
  /** dx (overwritten) spreads dy over each window. */
  avgPool2dBackward(p: Pool2dParams, mode: AvgPoolMode, dy: FloatArray, dx: FloatArray): void;

  /** y (overwritten, may be x itself) = the per-channel affine map of x. */
  channelAffine(p: ChannelAffine, x: FloatArray, y: FloatArray): void;
  /** sums (and dots, when p.b is given) overwritten with the per-channel sums of a. */
  channelSums(p: ChannelSums, a: FloatArray, sums: Float64Array, dots: Float64Array | null): void;

  /** y (may be x) = max(0, x); NaN passes, -0 becomes +0. */
  relu(x: FloatArray, y: FloatArray): void;
  /** dx = dy where x > 0 (x: the ReLU's input or its output), else 0; NaN in x passes dy. */
  reluBackward(x: FloatArray, dy: FloatArray, dx: FloatArray): void;
  /** y (may be x) = x > 0 ? min(x, 6) : 0 (NaN gives 0), as in MobileNet. */
  relu6(x: FloatArray, y: FloatArray): void;
  /** dx = dy where 0 < x < 6, else 0. */
  relu6Backward(x: FloatArray, dy: FloatArray, dx: FloatArray): void;

  /** SGD: param and momentumBuffer (null: no momentum) updated in place. */
  sgdStep(h: SgdStep, param: FloatArray, grad: FloatArray, momentumBuffer: FloatArray | null): void;
  /** Adam / AdamW: param and the averages updated in place; maxExpAvgSq non-null for AMSGrad. */
  adamStep(h: AdamStep, param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null): void;
  /** RMSprop: momentumBuffer non-null when momentum > 0, gradAvg non-null for the centered variant. */
  rmspropStep(h: RmspropStep, param: FloatArray, grad: FloatArray, squareAvg: FloatArray, momentumBuffer: FloatArray | null, gradAvg: FloatArray | null): void;
}
