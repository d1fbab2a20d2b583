// A full MNIST epoch of LeNet-5 (60,000 images, batch 64, SGD with momentum 0.9) with ConvKit on 1 and 2
// threads, test accuracy after each epoch, RSS after each epoch, and tfjs-cpu extrapolated from a few steps.
//   node --import tsx bench/mnist-epoch.ts [--epochs 1] [--threads 1,2] [--lr 0.01] [--tfjs-steps 3] [--json path]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { F, Generator, SGD, listBackends, manualSeed, noGrad, setBackend } from '../src/index.js';
import { DataLoader } from '../src/data/index.js';
import { lenet5 } from '../src/models/lenet.js';
import { loadMnist } from '../src/node/datasets.js';
import { formatMachine, machineInfo } from './machine.js';
import { median } from './timing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BATCH = 64;

interface EpochResult {
  epoch: number;
  seconds: number;
  imagesPerSecond: number;
  testAccuracy: number;
  rssMB: number;
}

function accuracy(model: ReturnType<typeof lenet5>, test: ReturnType<typeof loadMnist>): number {
  let correct = 0;
  noGrad(() => {
    for (const { x, y } of new DataLoader(test, { batchSize: 1000 })) {
      const predicted = F.argmax(model.forward(x), -1).data;
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === y.data[i]) correct++;
    }
  });
  return correct / test.length;
}

async function trainConvkit(threads: number, epochs: number, lr: number, train: ReturnType<typeof loadMnist>, test: ReturnType<typeof loadMnist>): Promise<EpochResult[]> {
  const wasm = await import('../src/backend/wasm/index.js');
  if (!listBackends().includes('wasm')) throw new Error('mnist-epoch: the wasm backend is not registered (WebAssembly SIMD did not validate)');
  await wasm.ready();
  setBackend('wasm');
  wasm.setNumThreads(threads);
  manualSeed(1);
  const model = lenet5();
  const optimizer = new SGD(model.parameters(), { lr, momentum: 0.9 });
  const loader = new DataLoader(train, { batchSize: BATCH, shuffle: true, generator: new Generator(1) });
  const results: EpochResult[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    const start = performance.now();
    for (const { x, y } of loader) {
      optimizer.zeroGrad();
      F.crossEntropy(model.forward(x), y).backward();
      optimizer.step();
    }
    const seconds = (performance.now() - start) / 1000;
    model.eval();
    const testAccuracy = accuracy(model, test);
    const rssMB = process.memoryUsage().rss / 2 ** 20;
    results.push({ epoch, seconds, imagesPerSecond: train.length / seconds, testAccuracy, rssMB });
    console.log(`convkit wasm ${threads}t epoch ${epoch}: ${seconds.toFixed(1)} s, ${(train.length / seconds).toFixed(0)} images/s, test accuracy ${(100 * testAccuracy).toFixed(2)}%, RSS ${rssMB.toFixed(0)} MB`);
  }
  return results;
}

/** tfjs-cpu's LeNet-5 step timed on real batches, extrapolated to the epoch's number of steps. */
async function extrapolateTfjsCpu(steps: number, train: ReturnType<typeof loadMnist>): Promise<{ stepMs: number; steps: number; epochSeconds: number }> {
  const { loadTfjs } = await import('./peers/tfjs-loader.js');
  const { lenetTrainStep } = await import('./peers/tfjs.js');
  const tf = await loadTfjs();
  await tf.setBackend('cpu');
  const first = new DataLoader(train, { batchSize: BATCH })[Symbol.iterator]().next().value!;
  const step = lenetTrainStep(tf, {
    kind: 'trainLenet',
    images: { data: first.x.data as Float32Array, shape: [...first.x.shape] },
    labels: Int32Array.from(first.y.data),
  });
  const once = () => tf.dispose(tf.tidy(step));
  once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    once();
    times.push(performance.now() - start);
  }
  const stepMs = median(times);
  const epochSeconds = (stepMs * Math.ceil(train.length / BATCH)) / 1000;
  console.log(`tfjs-cpu: ${stepMs.toFixed(0)} ms a step (median of ${steps}), so about ${(epochSeconds / 60).toFixed(0)} minutes an epoch (extrapolated)`);
  return { stepMs, steps, epochSeconds };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string', default: '1' },
      threads: { type: 'string', default: '1,2' },
      lr: { type: 'string', default: '0.01' },
      'tfjs-steps': { type: 'string', default: '3' },
      json: { type: 'string', default: path.join(here, 'results', 'mnist-epoch.json') },
    },
  });
  const epochs = Number(values.epochs);
  const threadCounts = values.threads!.split(',').map(Number);
  const tfjsSteps = Number(values['tfjs-steps']);
  const lr = Number(values.lr);
  if (!(lr > 0)) throw new Error(`mnist-epoch: --lr must be a positive number, got ${values.lr}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`mnist-epoch: --epochs must be a positive integer, got ${values.epochs}`);
  if (threadCounts.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`mnist-epoch: --threads must list positive integers, got ${values.threads}`);
  if (!Number.isInteger(tfjsSteps) || tfjsSteps < 0) throw new Error(`mnist-epoch: --tfjs-steps must be a non-negative integer, got ${values['tfjs-steps']}`);

  const machine = machineInfo();
  console.log(`MNIST epoch benchmark (LeNet-5, batch ${BATCH}, SGD lr ${lr} momentum 0.9): ${formatMachine(machine)}`);
  const train = loadMnist({ split: 'train', normalize: true });
  const test = loadMnist({ split: 'test', normalize: true });
  const convkit: Record<string, EpochResult[]> = {};
  for (const threads of threadCounts) convkit[`convkit wasm ${threads}t`] = await trainConvkit(threads, epochs, lr, train, test);
  const tfjsCpu = tfjsSteps > 0 ? await extrapolateTfjsCpu(tfjsSteps, train) : null;
  const out = { machine, loadAverageAtEnd: machineInfo().loadAverage, batch: BATCH, lr, momentum: 0.9, epochs, convkit, tfjsCpuExtrapolated: tfjsCpu };
  mkdirSync(path.dirname(values.json!), { recursive: true });
  writeFileSync(values.json!, JSON.stringify(out, null, 1) + '\n');
  console.log(`Results written to ${path.relative(process.cwd(), values.json!)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}
