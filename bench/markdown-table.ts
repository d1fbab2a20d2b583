// Renders a results JSON (bench/results/latest.json by default) as the Markdown tables in bench/README.md.
//   node --import tsx bench/markdown-table.ts [path]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from './machine.js';
import { formatMachine } from './machine.js';
import { speedup, threadScaling } from './report.js';
import type { CaseResult } from './result-types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? path.join(here, 'results', 'latest.json');
const { machine, loadAverageAtEnd, cases } = JSON.parse(readFileSync(file, 'utf8')) as { machine: MachineInfo; loadAverageAtEnd: number[]; cases: CaseResult[] };

const names = [...new Set(cases.flatMap((c) => c.rows.map((r) => r.name)))];
const peers = names.filter((n) => !n.startsWith('convkit wasm'));
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))].join('\n');

function timeCell(c: CaseResult, name: string): string {
  const r = c.rows.find((x) => x.name === name);
  if (!r || r.status !== 'ok') return 'n/a';
  const ms = r.medianMs! >= 100 ? r.medianMs!.toFixed(0) : r.medianMs!.toFixed(2);
  return r.gflops ? `${ms} (${r.gflops.toFixed(1)})` : ms;
}

function ratioCell(c: CaseResult, peer: string): string {
  const r = c.rows.find((x) => x.name === peer);
  if (!r || r.status !== 'ok') return 'n/a';
  const [one, two] = ['convkit wasm 1t', 'convkit wasm 2t'].map((n) => speedup(c, n, r));
  const fmt = (x: number | null) => (x === null ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(2));
  return `${fmt(one)} / ${fmt(two)}`;
}

console.log(`Measured ${formatMachine(machine)}; load average at the end ${loadAverageAtEnd.join(' ')}.\n`);
console.log('Median ms per run (GFLOP/s in parentheses); n/a: the library cannot run the case, or it was left out (see below).\n');
console.log(header(['case', ...names, 'peak RSS MB']));
for (const c of cases) console.log(row([c.id, ...names.map((n) => timeCell(c, n)), c.peakRssMB.toFixed(0)]));
console.log('\nConvKit 1 thread / 2 threads speed-up over each row (row time / ConvKit time; > 1: ConvKit faster).\n');
console.log(header(['case', ...peers]));
for (const c of cases) console.log(row([c.id, ...peers.map((p) => ratioCell(c, p))]));
const scaled = cases.filter((c) => threadScaling(c).length);
const libraries = [...new Set(scaled.flatMap((c) => threadScaling(c).map((s) => s.library)))];
if (scaled.length) {
  console.log('\n2 threads over 1 thread (1t time / 2t time) for every library with both rows.\n');
  console.log(header(['case', ...libraries]));
  for (const c of scaled) {
    const by = new Map(threadScaling(c).map((s) => [s.library, s.ratio]));
    console.log(row([c.id, ...libraries.map((l) => (by.has(l) ? `${by.get(l)!.toFixed(2)}x` : 'n/a'))]));
  }
}
