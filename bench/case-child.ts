// Runs one benchmark case in its own process (so its RSS high-water belongs to that case) and prints the
// result as one JSON line after RESULT_MARKER. Progress goes to stderr.
//   node --import tsx bench/case-child.ts <case id> [--quick] [--all] [--libraries convkit,tfjs]
import { findCase } from './cases.js';
import { makeCaseData } from './case-data.js';
import type { Implementation, Runner } from './implementation.js';
import { errorText } from './implementation.js';
import { LIBRARIES, loadImplementations, parseLibraries } from './peers/index.js';
import { type CaseResult, RESULT_MARKER, type RowResult } from './result-types.js';
import { type TimedEntry, median, timeInterleaved } from './timing.js';

const rssMB = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
/** Time each fast implementation spends warming up before the timed rounds (a quarter with --quick). */
const FAST_WARMUP_MS = 1000;

function relativeError(out: Float32Array, ref: Float32Array): number {
  if (out.length !== ref.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(out[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / (scale || 1);
}

async function main(): Promise<void> {
  const [id, ...flags] = process.argv.slice(2);
  const quick = flags.includes('--quick');
  const all = flags.includes('--all');
  const libIndex = flags.indexOf('--libraries');
  const libraries = libIndex >= 0 ? parseLibraries(flags[libIndex + 1] ?? '') : [...LIBRARIES];
  const c = findCase(id);
  const log = (line: string) => process.stderr.write(`[${c.id}] ${line}\n`);
  const started = performance.now();

  const implementations: Implementation[] = (await Promise.all(libraries.map(loadImplementations))).flat();
  const data = await makeCaseData(c);
  const rssAfterLoadMB = rssMB();

  const rows: RowResult[] = [];
  const ready: { impl: Implementation; runner: Runner; row: RowResult }[] = [];
  for (const impl of implementations) {
    const row: RowResult = { name: impl.name, library: impl.library, status: 'skipped' };
    rows.push(row);
    if (impl.slow && c.slowByDefault === false && !all) {
      row.reason = 'left out by default: one run takes tens of seconds here (bench --all runs it)';
      log(`${impl.name}: skipped (${row.reason})`);
      continue;
    }
    try {
      const prepared = await impl.prepare(c, data);
      if ('skip' in prepared) row.reason = prepared.skip;
      else ready.push({ impl, runner: prepared.runner, row: Object.assign(row, { status: 'ok' as const }) });
    } catch (e) {
      row.reason = `failed: ${errorText(e)}`;
    }
    log(`${impl.name}: ${row.status}${row.reason ? ` (${row.reason})` : ''}`);
  }

  // Cross-check the outputs (this also serves as a first warm-up run).
  const outputs = new Map<string, Float32Array>();
  for (const { impl, runner } of ready) {
    if (!runner.output) continue;
    await runner.activate?.();
    outputs.set(impl.name, await runner.output());
  }
  const reference = outputs.has('convkit js (reference)') ? 'convkit js (reference)' : ([...outputs.keys()][0] ?? null);
  for (const { impl, row } of ready) {
    const out = outputs.get(impl.name);
    if (out && reference && impl.name !== reference) row.relError = relativeError(out, outputs.get(reference)!);
  }

  const convkit = libraries.includes('convkit') ? await import('./peers/convkit.js') : null;
  await convkit?.resetWasmStats();
  const scale = (n: number) => (quick ? Math.max(1, Math.ceil(n / 4)) : n);
  // The output check above was a first warm-up run; slow implementations get no more than that, fast ones
  // run on until their JIT-compiled JavaScript has settled.
  const entries: TimedEntry[] = ready.map(({ impl, runner }) => ({
    name: impl.name,
    runner,
    warmup: (impl.slow ? 1 : 2) - (runner.output ? 1 : 0),
    warmupMs: impl.slow ? 0 : quick ? FAST_WARMUP_MS / 4 : FAST_WARMUP_MS,
    iterations: scale(impl.slow ? c.slowIterations : c.iterations),
  }));
  const samples = await timeInterleaved(entries, log);
  for (const { impl, row } of ready) {
    const times = samples.get(impl.name)!;
    row.iterations = times.length;
    row.medianMs = median(times);
    row.minMs = Math.min(...times);
    row.gflops = c.flops === null ? null : c.flops / row.medianMs / 1e6;
  }

  const result: CaseResult = {
    id: c.id,
    title: c.title,
    flops: c.flops,
    rows,
    reference,
    rssAfterLoadMB,
    peakRssMB: rssMB(),
    wasmStats: (await convkit?.wasmStatsSnapshot()) ?? null,
    elapsedS: (performance.now() - started) / 1000,
  };
  process.stdout.write(RESULT_MARKER + JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0), // worker pools and native sessions must not hold the child open
  (e) => {
    process.stderr.write(`case-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
