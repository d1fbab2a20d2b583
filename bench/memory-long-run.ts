// Issue 14's memory target over a long run: resident set size and the kernels' WebAssembly memory sampled
// while LeNet-5 trains on MNIST for several epochs, and over many ResNet-18 inference calls at 224x224.
// Prints start / max / end and the slope after warm-up, writes the samples as JSON and a PNG chart.
// Measures memory, not time: run it under `nice -n 10`, without the bench lock.
//   node --import tsx bench/memory-long-run.ts [--epochs 5] [--calls 1000] [--threads 2] [--out bench/results/memory-long-run]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { F, Generator, SGD, manualSeed, noGrad, randn, ready, setNumThreads } from '../src/index.js';
import { getWasmStats } from '../src/backend/wasm/index.js';
import { type ChartSpec, DataLoader, lineChartSpec, stackCharts } from '../src/data/index.js';
import { lenet5 } from '../src/models/lenet.js';
import { resnet18 } from '../src/models/resnet.js';
import { loadMnist, writeChart } from '../src/node/index.js';
import { atomicWriteFile } from '../src/node/atomic-write.js';
import { formatMachine, machineInfo } from './machine.js';
import { type MemorySample, memorySummary } from './memory-summary.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MB = 2 ** 20;
/** Samples taken in the first tenth of a run are warm-up (allocators and JIT settling): no slope over them. */
const WARMUP_FRACTION = 0.1;

function sample(at: number): MemorySample {
  // memoryBytes: the kernels' WebAssembly memory (buffer.byteLength) at its last kernel call; it never shrinks.
  return { at, rssMB: process.memoryUsage().rss / MB, wasmMB: getWasmStats().memoryBytes / MB };
}

function lenetEpochs(epochs: number, every: number): MemorySample[] {
  manualSeed(1);
  const train = loadMnist({ split: 'train', normalize: true });
  const model = lenet5();
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true, generator: new Generator(1) });
  const stepsPerEpoch = Math.ceil(train.length / 64);
  const samples: MemorySample[] = [sample(0)];
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const { x, y } of loader) {
      optimizer.zeroGrad();
      F.crossEntropy(model.forward(x), y).backward();
      optimizer.step();
      if (++step % every === 0) samples.push(sample(step / stepsPerEpoch));
    }
    const last = samples.at(-1)!;
    console.log(`LeNet-5 epoch ${epoch}: RSS ${last.rssMB.toFixed(0)} MB, WebAssembly memory ${last.wasmMB.toFixed(1)} MB`);
  }
  return samples;
}

function resnetCalls(calls: number, every: number): MemorySample[] {
  const model = resnet18().eval();
  const image = randn([1, 224, 224, 3]);
  const samples: MemorySample[] = [sample(0)];
  for (let call = 1; call <= calls; call++) {
    noGrad(() => model.forward(image));
    if (call % every === 0) samples.push(sample(call));
    if (call % 100 === 0) console.log(`ResNet-18 call ${call}: RSS ${samples.at(-1)!.rssMB.toFixed(0)} MB, WebAssembly memory ${samples.at(-1)!.wasmMB.toFixed(1)} MB`);
  }
  return samples;
}

function memoryChart(title: string, xLabel: string, samples: MemorySample[]) {
  const x = samples.map((s) => s.at);
  return lineChartSpec(
    [
      { x, y: samples.map((s) => s.rssMB), label: 'RSS' },
      { x, y: samples.map((s) => s.wasmMB), label: 'WebAssembly memory' },
    ],
    { title, xLabel, yLabel: 'MB', yRange: [0, Math.max(...samples.map((s) => s.rssMB)) * 1.1], xRange: [0, x[x.length - 1] || 1], width: 560, height: 240 },
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '5' },
      calls: { type: 'string', default: '1000' },
      threads: { type: 'string', default: '2' },
      out: { type: 'string', default: path.join(here, 'results', 'memory-long-run') },
    },
  });
  const [epochs, calls, threads] = [values.epochs, values.calls, values.threads].map(Number);
  for (const [name, v] of [['epochs', epochs], ['calls', calls], ['threads', threads]] as const) {
    if (!Number.isInteger(v) || v < (name === 'threads' ? 1 : 0)) throw new Error(`memory-long-run: --${name} must be a ${name === 'threads' ? 'positive' : 'non-negative'} integer, got ${values[name]}`);
  }
  await ready();
  setNumThreads(threads);
  const machine = machineInfo();
  console.log(`Long-run memory, ${threads} thread(s): ${formatMachine(machine)}`);
  const runs: { name: string; unit: string; samples: MemorySample[] }[] = [];
  if (epochs > 0) runs.push({ name: `LeNet-5 on MNIST, ${epochs} epochs (batch 64, SGD)`, unit: 'epoch', samples: lenetEpochs(epochs, 20) });
  if (calls > 0) runs.push({ name: `ResNet-18 inference 224x224, ${calls} calls`, unit: 'call', samples: resnetCalls(calls, 5) });
  const summaries = runs.map((r) => ({ name: r.name, unit: r.unit, ...memorySummary(r.samples, WARMUP_FRACTION) }));
  for (const s of summaries) {
    const per = s.unit === 'call' ? 1000 : 1;
    const slope = (v: number) => `${(v * per).toFixed(2)} MB per ${per === 1 ? s.unit : `1000 ${s.unit}s`}`;
    console.log(`${s.name}:`);
    console.log(`  RSS start ${s.rss.start.toFixed(0)} / after warm-up ${s.rss.settled.toFixed(0)} / max ${s.rss.max.toFixed(0)} / end ${s.rss.end.toFixed(0)} MB; slope after warm-up ${slope(s.rss.slope)}`);
    console.log(`  WebAssembly memory start ${s.wasm.start.toFixed(1)} / after warm-up ${s.wasm.settled.toFixed(1)} / max ${s.wasm.max.toFixed(1)} / end ${s.wasm.end.toFixed(1)} MB; slope after warm-up ${slope(s.wasm.slope)}`);
  }
  mkdirSync(path.dirname(values.out!), { recursive: true });
  await atomicWriteFile(`${values.out}.json`, new TextEncoder().encode(JSON.stringify({ machine, threads, summaries, runs }, null, 1) + '\n'));
  const charts = runs.map((r) => memoryChart(r.name, r.unit === 'call' ? 'inference call' : 'epoch', r.samples));
  // The panels count different things (epochs, calls): each keeps its own x axis.
  if (charts.length) {
    const stacked = { ...stackCharts(charts, { title: `Memory over a long run (${threads} thread(s))` }), resolve: { scale: { x: 'independent', color: 'independent' } } };
    await writeChart(`${values.out}.png`, stacked as ChartSpec);
  }
  console.log(`Written: ${path.relative(process.cwd(), values.out!)}.json${charts.length ? ' and .png' : ''}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
