// What Winograd (all three conv passes) does for whole training steps: ResNet-18 and VGG-11 steps with the
// backend's choice and with Winograd turned off, alternating in one process (so drift hits both alike).
//   node --import tsx bench/winograd-training.ts [--threads 1]
import { F, randn, SGD, fromTypedArray, setNumThreads, ready } from '../src/index.js';
import type { Module } from '../src/nn/module.js';
import { resnet18, vgg11 } from '../src/models/index.js';
import { setWinogradMode } from '../src/backend/wasm/winograd-runner.js';

const threadArg = process.argv.indexOf('--threads');
setNumThreads(threadArg > 0 ? Number(process.argv[threadArg + 1]) : 1);
await ready();

const cases: [string, () => Module, number[]][] = [
  ['ResNet-18, batch 16 of 64x64', () => resnet18({ numClasses: 10 }), [16, 64, 64, 3]],
  ['VGG-11, batch 16 of 32x32', () => vgg11({ numClasses: 10, inputSize: 32 }), [16, 32, 32, 3]],
];

for (const [name, build, shape] of cases) {
  const model = build();
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const images = randn(shape);
  const labels = fromTypedArray(Int32Array.from({ length: shape[0] }, (_, i) => i % 10), [shape[0]]);
  const step = () => {
    optimizer.zeroGrad();
    F.crossEntropy(model.forward(images), labels).backward();
    optimizer.step();
  };
  const medians: Record<string, number[]> = { never: [], auto: [] };
  for (const mode of ['never', 'auto', 'never', 'auto'] as const) {
    setWinogradMode(mode);
    for (let i = 0; i < 3; i++) step();
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const start = performance.now();
      step();
      times.push(performance.now() - start);
    }
    medians[mode].push(times.sort((a, b) => a - b)[times.length >> 1]);
  }
  setWinogradMode('auto');
  const show = (ms: number[]) => ms.map((m) => m.toFixed(0)).join(' / ');
  console.log(`${name}: without Winograd ${show(medians.never)} ms, with ${show(medians.auto)} ms a step (medians of 8, two rounds)`);
}
