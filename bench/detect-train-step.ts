// Images/s of the detector's training step (issue 11 item 11): convkit's TinyYolo (the `convkit detect train`
// defaults of the target run: 128 px, width 0.5, depth 4, 10 classes, 5 anchors, batch 16, Adam) against the
// same network in PyTorch on the CPU (bench/peers/detect_train_step.py), the same number of threads, rounds
// interleaved so the machine's drift hits both alike. Both steps use the same surrogate loss (the mean squared
// head output), so the comparison is of the network's forward, backward and Adam; convkit's step with the real
// region loss (random targets) is measured too, to show what the loss adds. Skips PyTorch, saying so, when
// /usr/bin/python3 has no torch. PyTorch runs with OMP_WAIT_POLICY=PASSIVE (see torchStep).
//   node --import tsx bench/detect-train-step.ts [--threads 2] [--rounds 3] [--steps 10]
// Run it under `flock /work/bench.lock` on a shared machine.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Adam, Generator, Tensor, ready, setNumThreads } from '../src/index.js';
import { TinyYolo, detectionLoss } from '../src/detect/index.js';
import { formatMachine, machineInfo } from './machine.js';
import { stepTimesMs } from './timing.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '10' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const [threads, rounds, steps] = [Number(values.threads), Number(values.rounds), Number(values.steps)];
const config = { size: 128, batch: 16, width: 0.5, depth: 4, classes: 10, anchors: 5 };
const peer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'peers/detect_train_step.py');

setNumThreads(threads);
await ready();
const generator = new Generator(0);
const model = new TinyYolo({ numClasses: config.classes, width: config.width, depth: config.depth, anchors: Array.from({ length: config.anchors }, (_, k) => [1 + k * 0.5, 1 + k * 0.4] as const) });
const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
const x = new Tensor(Float32Array.from({ length: config.batch * config.size * config.size * 3 }, () => generator.random()), [config.batch, config.size, config.size, 3]);
// Three objects per image: [image, class, cx, cy, w, h] rows.
const rows = Array.from({ length: config.batch * 3 }, (_, m) => [Math.floor(m / 3), generator.randint(config.classes), generator.uniform(0.2, 0.8), generator.uniform(0.2, 0.8), generator.uniform(0.1, 0.4), generator.uniform(0.1, 0.4)]);
const y = new Tensor(Float32Array.from(rows.flat()), [rows.length, 6]);
const region = detectionLoss(model).loss;

/** Median images/s of `steps` training steps after 3 warm-up steps. */
function convkitStep(loss: (out: Tensor) => Tensor): number {
  const step = () => {
    optimizer.zeroGrad();
    loss(model.forward(x)).backward();
    optimizer.step();
  };
  const times = stepTimesMs(step, steps, 3);
  return config.batch / (times.sort((a, b) => a - b)[times.length >> 1] / 1000);
}

function torchStep(): { imagesPerSecond: number; torch: string } | null {
  try {
    execFileSync(values.python!, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const args = ['--size', config.size, '--batch', config.batch, '--width', config.width, '--depth', config.depth, '--classes', config.classes, '--anchors', config.anchors, '--threads', threads, '--steps', steps].map(String);
  // OpenMP's default spin-waiting makes PyTorch 10x slower when the cores are shared (measured at load 18:
  // 2.6 images/s spinning, 22.6 passive), so its threads sleep while they wait, as convkit's workers do.
  const out = execFileSync(values.python!, [peer, ...args], { encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { imagesPerSecond: number; torch: string };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const results: Record<string, number[]> = { surrogate: [], region: [], torch: [] };
let torchVersion: string | null = null;
for (let r = 0; r < rounds; r++) {
  results.surrogate.push(convkitStep((out) => out.square().mean()));
  results.region.push(convkitStep((out) => region(out, y)));
  const t = torchStep();
  if (t) {
    results.torch.push(t.imagesPerSecond);
    torchVersion = t.torch;
  }
}
console.log(formatMachine(machineInfo()));
console.log(`TinyYolo training step, ${config.size} px, batch ${config.batch}, width ${config.width}, depth ${config.depth}, Adam, ${threads} thread(s); medians of ${rounds} rounds of ${steps} steps`);
const show = (v: number[]) => `${median(v).toFixed(1)} images/s (rounds: ${v.map((e) => e.toFixed(1)).join(', ')})`;
console.log(`convkit, surrogate loss:     ${show(results.surrogate)}`);
console.log(`convkit, region loss:        ${show(results.region)}`);
if (torchVersion === null) {
  console.log(`PyTorch: skipped (${values.python} cannot import torch; on Debian: apt-get install python3-torch)`);
} else {
  console.log(`PyTorch ${torchVersion}, surrogate loss: ${show(results.torch)} (OMP_WAIT_POLICY=PASSIVE)`);
  console.log(`convkit / PyTorch (surrogate loss): ${(median(results.surrogate) / median(results.torch)).toFixed(2)}x`);
}
