// npm run bench [-- --only b,c] [--quick] [--all] [--memory] [--json path] | npm run bench -- --mnist [...]
// Runs each case in a child process (interleaving every implementation inside it), prints the tables and
// the issue-3 targets, and writes the results as JSON.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES, findCase } from './cases.js';
import { LIBRARIES } from './peers/index.js';
import { formatMachine, machineInfo } from './machine.js';
import { formatCase, formatTargets, targetChecks } from './report.js';
import { type CaseResult, RESULT_MARKER } from './result-types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const USAGE = `usage: npm run bench -- [options]
  --only a,b,gemm512   cases to run (${CASES.map((c) => c.id).join(', ')})
  --quick              a quarter of the iterations
  --all                also run the slow JS implementations on (i) and gemm1024 (tens of seconds a run)
  --memory             also measure each library's RSS high-water in a process of its own
  --json <path>        where to write the results (default bench/results/latest.json)
  --mnist [options]    run the MNIST epoch benchmark instead, passing the other options to bench/mnist-epoch.ts`;

/** Run bench/case-child.ts and return its parsed result; its stderr (progress) passes through. */
function runChild(args: string[]): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, path.join(here, 'case-child.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) reject(new Error(`bench: case-child ${args.join(' ')} exited with ${code}\n${stdout}`));
      else resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as CaseResult);
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--mnist')) return (await import('./mnist-epoch.js')).main(argv.filter((a) => a !== '--mnist'));
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      memory: { type: 'boolean', default: false },
      json: { type: 'string', default: path.join(here, 'results', 'latest.json') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);

  const cases = values.only ? values.only.split(',').map((id) => findCase(id.trim())) : CASES;
  const flags = [...(values.quick ? ['--quick'] : []), ...(values.all ? ['--all'] : [])];
  const before = machineInfo();
  console.log(`ConvKit benchmarks: ${formatMachine(before)}\n`);
  const results: CaseResult[] = [];
  for (const c of cases) {
    const result = await runChild([c.id, ...flags]);
    if (values.memory) {
      // Each library alone, a quick pass: the high-water of a process that holds only that library.
      result.baselineRssMB = (await runChild([c.id, '--quick', '--libraries', ''])).peakRssMB;
      result.libraryPeakRssMB = {};
      for (const lib of LIBRARIES) {
        if (result.rows.some((r) => r.library === lib && r.status === 'ok')) {
          result.libraryPeakRssMB![lib] = (await runChild([c.id, ...flags, '--quick', '--libraries', lib])).peakRssMB;
        }
      }
    }
    results.push(result);
    console.log(formatCase(result) + '\n');
  }
  const targets = targetChecks(results);
  console.log(formatTargets(targets));
  const after = machineInfo();
  console.log(`\nLoad average at the end: ${after.loadAverage.join(' ')} (2 cores: above 2 means other work shared them)`);
  mkdirSync(path.dirname(values.json!), { recursive: true });
  writeFileSync(values.json!, JSON.stringify({ machine: before, loadAverageAtEnd: after.loadAverage, flags, cases: results, targets }, null, 1) + '\n');
  console.log(`Results written to ${path.relative(process.cwd(), values.json!)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
