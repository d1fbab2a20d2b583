// The benchmark cases of issue 3, described once, independently of any library. Each peer adapter turns a
// workload into its own calls; the FLOP counts here (2 x multiply-adds) give every row its GFLOP/s.

export interface ConvLayerSpec {
  kernel: number;
  outChannels: number;
  padding: 'same' | 'valid';
  /** Depthwise: one filter per input channel (groups = channels, outChannels = channels). */
  depthwise?: boolean;
}

/** The optimiser of a whole-model training step, as every library configures it. */
export type StepOptimizer = { name: 'sgd'; lr: number; momentum: number } | { name: 'adam'; lr: number };

export type Workload =
  | { kind: 'conv'; batch: number; height: number; width: number; channels: number; layers: ConvLayerSpec[] }
  | { kind: 'maxPool'; batch: number; height: number; width: number; channels: number; window: number }
  | { kind: 'trainLenet'; batch: number }
  | { kind: 'resnet18'; batch: number; size: number }
  /** A whole-model training step on size x size RGB images, 10 classes: forward, cross-entropy, backward, update. */
  | { kind: 'trainModel'; model: 'resnet18' | 'mobilenetV2'; batch: number; size: number; optimizer: StepOptimizer }
  | { kind: 'sgemm'; n: number }
  /** A pretrained detector end to end on a photo: input resize, network, decoding, NMS (issue 11 item 11). */
  | { kind: 'faceDetect'; size: number; photo: string };

export interface BenchCase {
  id: string;
  title: string;
  workload: Workload;
  /** Timed runs for the fast implementations, and for the slow ones (reference loops, tfjs-cpu, convnetjs). */
  iterations: number;
  slowIterations: number;
  /** False where one run of a slow implementation takes tens of seconds: those run only with --all. */
  slowByDefault?: boolean;
  /** Floating-point operations per run (2 per multiply-add), null where the work is not arithmetic. */
  flops: number | null;
}

/** Output side and per-layer MACs of a stride-1 conv chain. */
export function convChainShapes(w: Extract<Workload, { kind: 'conv' }>): { height: number; width: number; channels: number; macs: number }[] {
  let { height, width, channels } = w;
  return w.layers.map((layer) => {
    const shrink = layer.padding === 'valid' ? layer.kernel - 1 : 0;
    height -= shrink;
    width -= shrink;
    const outChannels = layer.depthwise ? channels : layer.outChannels;
    const perOutput = layer.kernel * layer.kernel * (layer.depthwise ? 1 : channels);
    const macs = w.batch * height * width * outChannels * perOutput;
    channels = outChannels;
    return { height, width, channels, macs };
  });
}

/**
 * LeNet-5 on 28x28 (conv1 padded 'same', as ConvKit's lenet5() and MNIST): multiply-adds of one training
 * step = forward + weight gradients + input gradients of every layer but the first.
 */
export function lenetTrainingMacs(batch: number): number {
  const conv1 = 28 * 28 * 6 * 25;
  const conv2 = 10 * 10 * 16 * 25 * 6;
  const dense = [400 * 120, 120 * 84, 84 * 10];
  const forward = conv1 + conv2 + dense.reduce((a, b) => a + b, 0);
  return batch * (3 * forward - conv1);
}

/** ResNet-18 at size x size: convolutions and the classifier (batch norm, pooling and adds not counted). */
export function resnet18Macs(size: number, classes = 1000): number {
  let side = size / 2; // conv1 7x7 stride 2
  let macs = side * side * 64 * 7 * 7 * 3;
  side /= 2; // max pool
  let channels = 64;
  for (const [planes, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    const out = side / stride;
    macs += out * out * planes * 9 * channels; // block 1 conv1
    macs += out * out * planes * 9 * planes; // block 1 conv2
    if (stride !== 1 || channels !== planes) macs += out * out * planes * channels; // 1x1 projection
    macs += 2 * out * out * planes * 9 * planes; // block 2
    side = out;
    channels = planes;
  }
  return macs + 512 * classes;
}

/** MobileNetV2 (torchvision's layout, width 1) at size x size: every convolution and the classifier. */
export function mobilenetV2Macs(size: number, classes: number): number {
  let side = Math.ceil(size / 2); // 3x3 stride-2 stem, padding 1
  let macs = side * side * 32 * 9 * 3;
  let channels = 32;
  for (const [expand, out, repeats, firstStride] of [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]) {
    for (let r = 0; r < repeats; r++) {
      const hidden = channels * expand;
      if (expand !== 1) macs += side * side * channels * hidden; // 1x1 expansion at the input side
      if (r === 0) side = Math.ceil(side / firstStride);
      macs += side * side * hidden * 9 + side * side * hidden * out; // depthwise 3x3, then the 1x1 projection
      channels = out;
    }
  }
  return macs + side * side * channels * 1280 + 1280 * classes;
}

/**
 * A training step's multiply-adds: forward + weight gradients + input gradients of every layer but the
 * first (3x the forward, less the stem's input gradient).
 */
function trainingMacs(w: Extract<Workload, { kind: 'trainModel' }>): number {
  const forward = w.model === 'resnet18' ? resnet18Macs(w.size, 10) : mobilenetV2Macs(w.size, 10);
  const stem = w.model === 'resnet18' ? (w.size / 2) ** 2 * 64 * 7 * 7 * 3 : Math.ceil(w.size / 2) ** 2 * 32 * 9 * 3;
  return w.batch * (3 * forward - stem);
}

/**
 * face-api's tiny face detector at size x size (src/detect/pretrained/face-api-tiny-yolov2.ts): a 3x3 'valid'
 * conv 3 -> 16, five depthwise-separable 3x3 stages to 512 channels, max pools after each, the 1x1 head.
 */
export function tinyFaceDetectorMacs(size: number): number {
  let side = size - 2;
  let macs = side * side * 16 * 27;
  side = Math.ceil(side / 2);
  const filters = [16, 32, 64, 128, 256, 512];
  for (let i = 1; i < filters.length; i++) {
    macs += side * side * filters[i - 1] * (9 + filters[i]); // depthwise 3x3, then pointwise
    if (i < 5) side = Math.ceil(side / 2); // the last pool has stride 1
  }
  return macs + side * side * 512 * 25;
}

const conv = (batch: number, size: number, channels: number, layers: ConvLayerSpec[]): Workload => ({
  kind: 'conv',
  batch,
  height: size,
  width: size,
  channels,
  layers,
});

function convFlops(w: Workload): number {
  if (w.kind !== 'conv') throw new Error(`convFlops: expected a conv workload, got ${w.kind}`);
  return 2 * convChainShapes(w).reduce((n, l) => n + l.macs, 0);
}

function withFlops(c: Omit<BenchCase, 'flops'>): BenchCase {
  const w = c.workload;
  const flops =
    w.kind === 'conv' ? convFlops(w)
    : w.kind === 'trainLenet' ? 2 * lenetTrainingMacs(w.batch)
    : w.kind === 'resnet18' ? 2 * w.batch * resnet18Macs(w.size)
    : w.kind === 'trainModel' ? 2 * trainingMacs(w)
    : w.kind === 'sgemm' ? 2 * w.n ** 3
    : w.kind === 'faceDetect' ? 2 * tinyFaceDetectorMacs(w.size)
    : null;
  return { ...c, flops };
}

const DEFINITIONS: Omit<BenchCase, 'flops'>[] = [
  { id: 'a', title: 'LeNet-5 conv1, batch 64, 1x32x32 -> 6 5x5 valid', workload: conv(64, 32, 1, [{ kernel: 5, outChannels: 6, padding: 'valid' }]), iterations: 30, slowIterations: 5 },
  { id: 'b', title: '3x3 same 64->64 at 56x56', workload: conv(1, 56, 64, [{ kernel: 3, outChannels: 64, padding: 'same' }]), iterations: 20, slowIterations: 3 },
  { id: 'c', title: '3x3 same 128->128 at 28x28', workload: conv(1, 28, 128, [{ kernel: 3, outChannels: 128, padding: 'same' }]), iterations: 20, slowIterations: 3 },
  { id: 'd', title: '5x5 same 192->32 at 28x28', workload: conv(1, 28, 192, [{ kernel: 5, outChannels: 32, padding: 'same' }]), iterations: 20, slowIterations: 3 },
  {
    id: 'e',
    title: '1x1 192->16 then 5x5 16->32 at 28x28',
    workload: conv(1, 28, 192, [
      { kernel: 1, outChannels: 16, padding: 'same' },
      { kernel: 5, outChannels: 32, padding: 'same' },
    ]),
    iterations: 30,
    slowIterations: 5,
  },
  { id: 'f', title: 'depthwise 3x3 over 256 channels at 28x28', workload: conv(1, 28, 256, [{ kernel: 3, outChannels: 256, padding: 'same', depthwise: true }]), iterations: 50, slowIterations: 10 },
  { id: 'g', title: '2x2 max pool on 64x112x112', workload: { kind: 'maxPool', batch: 1, height: 112, width: 112, channels: 64, window: 2 }, iterations: 30, slowIterations: 5 },
  { id: 'h', title: 'LeNet-5 training step, batch 64 (forward, backward, SGD)', workload: { kind: 'trainLenet', batch: 64 }, iterations: 20, slowIterations: 2 },
  { id: 'i', title: 'ResNet-18 inference, 224x224, batch 1', workload: { kind: 'resnet18', batch: 1, size: 224 }, iterations: 5, slowIterations: 1, slowByDefault: false },
  {
    id: 'j',
    title: 'ResNet-18 training step, batch 16 of 32x32, Adam (10 classes)',
    workload: { kind: 'trainModel', model: 'resnet18', batch: 16, size: 32, optimizer: { name: 'adam', lr: 1e-3 } },
    iterations: 15,
    slowIterations: 1,
    slowByDefault: false,
  },
  {
    id: 'k',
    title: 'MobileNetV2 training step, batch 8 of 64x64, SGD momentum 0.9 (10 classes)',
    workload: { kind: 'trainModel', model: 'mobilenetV2', batch: 8, size: 64, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 } },
    iterations: 15,
    slowIterations: 1,
    slowByDefault: false,
  },
  { id: 'gemm256', title: 'SGEMM 256x256x256', workload: { kind: 'sgemm', n: 256 }, iterations: 30, slowIterations: 3 },
  { id: 'gemm512', title: 'SGEMM 512x512x512', workload: { kind: 'sgemm', n: 512 }, iterations: 15, slowIterations: 2 },
  { id: 'gemm1024', title: 'SGEMM 1024x1024x1024', workload: { kind: 'sgemm', n: 1024 }, iterations: 8, slowIterations: 1, slowByDefault: false },
  {
    id: 'face',
    title: "tiny face detector at 416 on face-api's sample1.jpg (1920x1280), end to end; tfjs rows run face-api itself",
    workload: { kind: 'faceDetect', size: 416, photo: 'sample1.jpg' },
    iterations: 10,
    slowIterations: 2,
  },
];

export const CASES: readonly BenchCase[] = DEFINITIONS.map(withFlops);

export function findCase(id: string): BenchCase {
  const c = CASES.find((x) => x.id === id);
  if (!c) throw new Error(`bench: unknown case '${id}'; cases are ${CASES.map((x) => x.id).join(', ')}`);
  return c;
}
