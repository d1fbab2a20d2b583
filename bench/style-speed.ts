// Issue 13 item 11: seconds per style-transfer step (one forward and backward of the feature network on G,
// the default random VGG-19 with jcjohnson's layers) at each size, on 1 and 2 threads, L-BFGS and Adam,
// against PyTorch CPU running the same network shapes and step (bench/peers/style_torch.py, /usr/bin/python3;
// skipped with a message where torch is missing). Interleaved: every round runs each configuration on ConvKit
// then torch, alternating the thread order; medians over rounds. The time to a finished image is estimated
// per configuration as (setup + first step) + (steps - 1) x the median step, for 300 steps.
// Usage: flock /work/bench.lock node --import tsx bench/style-speed.ts [sizes=256,512] [rounds=3] [steps=4] [optimizers=lbfgs,adam]
import { execFileSync } from 'node:child_process';
import { ready, setNumThreads, rand, Generator } from '../src/index.js';
import { randomVgg19Network, styleTransfer } from '../src/style/index.js';

const [sizesArg = '256,512', roundsArg = '3', stepsArg = '4', optimizersArg = 'lbfgs,adam'] = process.argv.slice(2);
const PYTHON = '/usr/bin/python3'; // plain `python3` may be a pyenv shim without torch
const FINISHED_STEPS = 300;
const steps = Number(stepsArg);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Timing { first: number; perStep: number }

function torchAvailable(): string | null {
  try {
    return execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function timeTorch(size: number, threads: number, optimizer: string): Timing {
  const out = execFileSync(PYTHON, ['bench/peers/style_torch.py', '--size', String(size), '--threads', String(threads), '--steps', String(steps), '--optimizer', optimizer], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { firstSeconds: number; stepSeconds: number[] };
  return { first: r.firstSeconds, perStep: r.stepSeconds.reduce((a, b) => a + b, 0) / r.stepSeconds.length };
}

await ready();
const torch = torchAvailable();
if (!torch) console.log(`PyTorch not found at ${PYTHON} (import torch failed): timing ConvKit alone`);

function timeConvkit(size: number, threads: number, optimizer: 'lbfgs' | 'adam'): Timing {
  setNumThreads(threads);
  const started = performance.now();
  const network = randomVgg19Network(); // built inside the timing, as the torch peer builds its own
  const content = rand([1, Math.round(size * 0.75), size, 3], { generator: new Generator(1) });
  const style = rand([1, size, size, 3], { generator: new Generator(2) });
  const stamps: number[] = [];
  styleTransfer(network, content, [style], { steps, optimizer, onStep: () => stamps.push(performance.now()) });
  // Steps 2..steps: the first carries the set-up and first-call costs.
  return { first: (stamps[0] - started) / 1000, perStep: (stamps[steps - 1] - stamps[0]) / (steps - 1) / 1000 };
}

const rows: string[] = [];
for (const size of sizesArg.split(',').map(Number)) {
  for (const optimizer of optimizersArg.split(',') as Array<'lbfgs' | 'adam'>) {
    const times: Record<string, Timing[]> = {};
    const record = (key: string, t: Timing) => (times[key] ??= []).push(t);
    timeConvkit(size, 1, optimizer); // warm-up: JIT, kernels, weight packing
    for (let round = 0; round < Number(roundsArg); round++) {
      for (const threads of round % 2 ? [2, 1] : [1, 2]) {
        record(`convkit${threads}`, timeConvkit(size, threads, optimizer));
        if (torch) record(`torch${threads}`, timeTorch(size, threads, optimizer));
      }
    }
    for (const threads of [1, 2]) {
      const summary = (key: string) => {
        const t = times[key];
        if (!t) return null;
        const perStep = median(t.map((x) => x.perStep));
        return { perStep: +perStep.toFixed(3), finished: +(median(t.map((x) => x.first)) + (FINISHED_STEPS - 1) * perStep).toFixed(0), rounds: t.map((x) => +x.perStep.toFixed(3)) };
      };
      const ours = summary(`convkit${threads}`)!;
      const theirs = summary(`torch${threads}`);
      const line = { size: `${size}x${Math.round(size * 0.75)}`, optimizer, threads, convkit: ours, torch: theirs, torchOverConvkit: theirs ? +(theirs.perStep / ours.perStep).toFixed(2) : null };
      console.log(JSON.stringify(line));
      rows.push(`| ${line.size} | ${optimizer} | ${threads} | ${ours.perStep} | ${theirs?.perStep ?? 'n/a'} | ${line.torchOverConvkit ?? 'n/a'} | ${ours.finished} | ${theirs?.finished ?? 'n/a'} |`);
    }
  }
}
console.log(`\n| size (WxH) | optimizer | threads | ConvKit s/step | PyTorch ${torch ?? ''} s/step | PyTorch / ConvKit | ConvKit est. s to ${FINISHED_STEPS} steps | PyTorch est. s |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
