// The detection target run (issue 11 item 7): a TinyYolo trained from scratch on the synthetic MNIST
// detection set for at most --minutes on this machine, then its mAP50 / mAP50-95 on the validation split.
// It runs the CLI as a user would (make-dataset if the folder is missing, detect train --time, detect val)
// and records the commands, the times, the machine's load average during the run, the training curve and
// the precision-recall curves.
//   node --import tsx bench/detect-mnist.ts [--data-dir /tmp/mnist-det] [--train 20000] [--val 500]
//     [--minutes 20] [--epochs 6] [--out bench/results/detect-mnist] [-- extra detect train options]
// Run it under `flock /work/bench.lock` on a shared machine, and pass `-- --time-clock cpu` there: the budget
// is then minutes of the process's own two cores, whatever else the machine runs.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatMachine, machineInfo } from './machine.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '/tmp/convkit-mnist-detection' },
    train: { type: 'string', default: '20000' },
    val: { type: 'string', default: '500' },
    minutes: { type: 'string', default: '20' },
    epochs: { type: 'string', default: '6' },
    out: { type: 'string', default: path.join(root, 'bench/results/detect-mnist') },
  },
  allowPositionals: true,
});
const out = path.resolve(values.out!);
mkdirSync(out, { recursive: true });
const dataDir = path.resolve(values['data-dir']!);
const data = path.join(dataDir, 'data.yaml');

/** Run `convkit ...args`, echoing its stderr (the progress lines); resolves with its stdout. */
function convkit(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', path.join(root, 'cli/main.ts'), ...args], { maxBuffer: 64 * 2 ** 20 }, (error, stdout) => {
      if (error) reject(new Error(`convkit ${args.join(' ')} failed: ${error.message}`));
      else resolve(stdout);
    });
    child.stderr?.pipe(process.stderr);
  });
}

const lastJson = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

const load: { time: string; load1: number; load5: number }[] = [];
const sampleLoad = () => load.push({ time: new Date().toISOString(), load1: loadavg()[0], load5: loadavg()[1] });
sampleLoad();
const sampler = setInterval(sampleLoad, 60_000);

const commands: string[] = [];
if (!existsSync(data)) {
  const make = ['detect', 'make-dataset', 'mnist', '--out', dataDir, '--train', values.train!, '--val', values.val!];
  commands.push(`convkit ${make.join(' ')}`);
  await convkit(make);
}
const detector = path.join(dataDir, 'det.safetensors'); // 1-2 MB: kept beside the data, out of the repository
const train = [
  'detect', 'train', '--data', data, '--epochs', values.epochs!, '--time', values.minutes!, '--out', detector,
  '--log', path.join(out, 'run.jsonl'), '--plot', path.join(out, 'training-curve.png'), '--json', ...positionals,
];
commands.push(`convkit ${train.join(' ')}`);
const trainStarted = Date.now();
const trained = lastJson(await convkit(train)) as { history: unknown[] } & Record<string, unknown>;
const trainSeconds = (Date.now() - trainStarted) / 1000;
const val = ['detect', 'val', detector, '--data', data, '--json', '--plot', path.join(out, 'pr-curve.png')];
commands.push(`convkit ${val.join(' ')}`);
const validated = lastJson(await convkit(val));
clearInterval(sampler);
sampleLoad();

const { history, ...training } = trained;
const result = { machine: machineInfo(), commands, trainSeconds, training, validation: validated, loadAverage: load, history };
writeFileSync(path.join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(formatMachine(result.machine));
console.log(commands.join('\n'));
console.log(
  `mAP50 ${(validated.mAP50 as number).toFixed(4)} mAP50-95 ${(validated.mAP50_95 as number).toFixed(4)} after ${training.epochs} epochs, ` +
    `${(trainSeconds / 60).toFixed(1)} min of training (whole command, ${((training.cpuSeconds as number) / 60).toFixed(1)} CPU-min on ${training.threads} threads); ` +
    `load average ${load.map((l) => l.load1.toFixed(1)).join(' ')}`,
);
console.log(`wrote ${path.relative(root, out)}/{result.json,training-curve.png,pr-curve.png,run.jsonl}; the detector is ${path.relative(root, detector)}`);
