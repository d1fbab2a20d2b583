// ConvKit: the wasm backend with 1 and 2 threads, and the reference ('js') backend.
import { Adam, F, SGD, type Tensor, fromTypedArray, getBackend, listBackends, noGrad, setBackend } from '../../src/index.js';
import { lenet5 } from '../../src/models/lenet.js';
import { resnet18 } from '../../src/models/resnet.js';
import { mobilenetV2 } from '../../src/models/mobilenet.js';
import { trainingStep } from '../training-steps.js';
import { detect, tinyFaceDetector } from '../../src/detect/index.js';
import { decodeTfjsWeights, weightSpecsOf } from '../../src/io/importers/tfjs-weights.js';
import { detectionsOutput } from '../detections-output.js';
import type { BenchCase } from '../cases.js';
import type { ArrayWithShape, CaseData } from '../case-data.js';
import { type Implementation, type Prepared, type Runner, errorText, skip } from '../implementation.js';

type WasmModule = typeof import('../../src/backend/wasm/index.js');

const tensor = (a: ArrayWithShape, requiresGrad = false): Tensor => fromTypedArray(a.data, a.shape, requiresGrad);

/** The computation of a case as a function returning the output tensor. */
function buildForward(data: Exclude<CaseData, { kind: 'faceDetect' }>): { forward: () => Tensor; training: boolean } {
  switch (data.kind) {
    case 'conv': {
      const x = tensor(data.input);
      const layers = data.layers.map((l) => ({
        weight: tensor(l.weight),
        bias: fromTypedArray(l.bias, [l.bias.length]),
        options: { padding: l.spec.padding, groups: l.spec.depthwise ? l.bias.length : 1 },
      }));
      return { forward: () => layers.reduce((y, l) => F.conv2d(y, l.weight, l.bias, l.options), x), training: false };
    }
    case 'maxPool': {
      const x = tensor(data.input);
      return { forward: () => F.maxPool2d(x, data.window), training: false };
    }
    case 'sgemm': {
      const [a, b] = [tensor(data.a), tensor(data.b)];
      return { forward: () => F.matmul(a, b), training: false };
    }
    case 'resnet18': {
      const model = resnet18().eval();
      model.loadStateDict(Object.fromEntries(Object.entries(data.state).map(([k, v]) => [k, tensor(v)])));
      const x = tensor(data.input);
      return { forward: () => model.forward(x), training: false };
    }
    case 'trainLenet': {
      const model = lenet5();
      const optimizer = new SGD(model.parameters(), { lr: 0.01 });
      const [images, labels] = [tensor(data.images), fromTypedArray(data.labels, [data.labels.length])];
      const step = (): Tensor => {
        optimizer.zeroGrad();
        const loss = F.crossEntropy(model.forward(images), labels);
        loss.backward();
        optimizer.step();
        return loss;
      };
      return { forward: step, training: true };
    }
    case 'trainModel': {
      const model = data.model === 'resnet18' ? resnet18({ numClasses: 10 }) : mobilenetV2({ numClasses: 10 });
      const o = data.optimizer;
      const optimizer = o.name === 'adam' ? new Adam(model.parameters(), { lr: o.lr }) : new SGD(model.parameters(), { lr: o.lr, momentum: o.momentum });
      const labels = fromTypedArray(data.labels, [data.labels.length]);
      return { forward: trainingStep(model, optimizer, tensor(data.images), labels), training: true };
    }
  }
}

/** face-api's defaults, as detectFaces uses them: score above 0.5, NMS IoU 0.4. */
function faceDetectRunner(data: Extract<CaseData, { kind: 'faceDetect' }>, activate: () => void): Runner {
  const detector = tinyFaceDetector(decodeTfjsWeights(weightSpecsOf(data.manifest, 'bench face'), data.weights, 'bench face'));
  const run = () => detect(detector, data.photo, { size: data.size, conf: 0.5, iou: 0.4 });
  return { activate, run, output: async () => detectionsOutput(run()) };
}

function runnerFor(data: CaseData, activate: () => void): Runner {
  if (data.kind === 'faceDetect') return faceDetectRunner(data, activate);
  const { forward, training } = buildForward(data);
  const run = training ? forward : () => noGrad(forward);
  return {
    activate,
    run,
    output: training ? undefined : async () => Float32Array.from(run().data as Float32Array),
  };
}

async function loadWasm(): Promise<WasmModule | string> {
  try {
    const wasm = await import('../../src/backend/wasm/index.js');
    if (!listBackends().includes('wasm')) return 'wasm backend not registered (WebAssembly SIMD did not validate)';
    await wasm.ready();
    return wasm;
  } catch (e) {
    return `wasm backend failed to load: ${errorText(e)}`;
  }
}

export async function convkitImplementations(): Promise<Implementation[]> {
  const wasm = await loadWasm();
  const wasmRow = (threads: number): Implementation => ({
    name: `convkit wasm ${threads}t`,
    library: 'convkit',
    slow: false,
    async prepare(_c: BenchCase, data: CaseData): Promise<Prepared> {
      if (typeof wasm === 'string') return skip(wasm);
      return {
        runner: runnerFor(data, () => {
          setBackend('wasm');
          wasm.setNumThreads(threads);
        }),
      };
    },
  });
  const jsRow: Implementation = {
    name: 'convkit js (reference)',
    library: 'convkit',
    slow: true,
    async prepare(_c: BenchCase, data: CaseData): Promise<Prepared> {
      return { runner: runnerFor(data, () => setBackend('js')) };
    },
  };
  return [wasmRow(1), wasmRow(2), jsRow];
}

/** Kernel paths, fallbacks and thread use of the wasm backend during a case (null without it). */
export async function wasmStatsSnapshot(): Promise<Record<string, unknown> | null> {
  if (!listBackends().includes('wasm')) return null;
  const wasm = await import('../../src/backend/wasm/index.js');
  return { ...wasm.getWasmStats(), relaxedSimd: wasm.usingRelaxedSimd(), activeBackend: getBackend().name };
}

export async function resetWasmStats(): Promise<void> {
  if (listBackends().includes('wasm')) (await import('../../src/backend/wasm/index.js')).resetWasmStats();
}
