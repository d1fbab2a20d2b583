// Plain-text tables of case results, with ConvKit's speed-up over every other row, and the issue-3 targets.
import type { CaseResult, RowResult } from './result-types.js';

const CONVKIT_1T = 'convkit wasm 1t';
const CONVKIT_2T = 'convkit wasm 2t';

const pad = (text: string, width: number, right = false) => (right ? text.padEnd(width) : text.padStart(width));

function fixed(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

/** How many times faster ConvKit (the named row) is than `row`: row time / ConvKit time. */
export function speedup(result: CaseResult, convkitRow: string, row: RowResult): number | null {
  const ck = result.rows.find((r) => r.name === convkitRow);
  if (!ck?.medianMs || !row.medianMs || row.name === CONVKIT_1T || row.name === CONVKIT_2T) return null;
  return row.medianMs / ck.medianMs;
}

/** Every library with a 1- and a 2-thread row: 1t median / 2t median (what the second core adds). */
export function threadScaling(result: CaseResult): { library: string; ratio: number }[] {
  return result.rows.flatMap((row) => {
    const prefix = row.name.endsWith(' 1t') ? row.name.slice(0, -3) : null;
    const two = prefix === null ? undefined : result.rows.find((r) => r.name === `${prefix} 2t`);
    return prefix !== null && row.medianMs && two?.medianMs ? [{ library: prefix, ratio: row.medianMs / two.medianMs }] : [];
  });
}

const ratio = (x: number | null) => (x === null ? '-' : `${x >= 100 ? x.toFixed(0) : x.toFixed(2)}x`);

function statsLine(r: CaseResult): string {
  const stats = r.wasmStats as { kernels?: Record<string, number>; fallbacks?: Record<string, number>; relaxedSimd?: boolean } | null;
  if (!stats) return 'wasm backend: not loaded';
  const list = (o: Record<string, number> = {}) => Object.entries(o).map(([k, n]) => `${k} x${n}`).join(', ') || 'none';
  return `wasm kernels: ${list(stats.kernels)}; fallbacks to js: ${list(stats.fallbacks)}; relaxed SIMD: ${stats.relaxedSimd ? 'yes' : 'no'}`;
}

export function formatCase(r: CaseResult): string {
  const work = r.flops === null ? 'no FLOP count (comparisons)' : `${(r.flops / 1e9).toFixed(3)} GFLOP a run`;
  const lines = [`(${r.id}) ${r.title} - ${work}; outputs checked against ${r.reference ?? 'nothing'}`];
  lines.push(
    `  ${pad('implementation', 24, true)}${pad('median ms', 11)}${pad('GFLOP/s', 9)}${pad('ck-1t x', 9)}${pad('ck-2t x', 9)}${pad('rel.err', 9)}${pad('runs', 6)}`,
  );
  for (const row of r.rows) {
    if (row.status === 'skipped') {
      lines.push(`  ${pad(row.name, 24, true)}  skipped: ${row.reason}`);
      continue;
    }
    lines.push(
      `  ${pad(row.name, 24, true)}${pad(fixed(row.medianMs, 2), 11)}${pad(fixed(row.gflops, 2), 9)}` +
        `${pad(ratio(speedup(r, CONVKIT_1T, row)), 9)}${pad(ratio(speedup(r, CONVKIT_2T, row)), 9)}` +
        `${pad(row.relError === undefined ? '-' : row.relError.toExponential(1), 9)}${pad(String(row.iterations), 6)}`,
    );
  }
  lines.push(`  process RSS high-water ${r.peakRssMB.toFixed(0)} MB (${r.rssAfterLoadMB.toFixed(0)} MB after loading)`);
  const scaling = threadScaling(r);
  if (scaling.length) lines.push(`  2 threads over 1 thread (1t time / 2t time): ${scaling.map((s) => `${s.library} ${s.ratio.toFixed(2)}x`).join(', ')}`);
  if (r.libraryPeakRssMB) {
    const each = Object.entries(r.libraryPeakRssMB).map(([lib, mb]) => `${lib} ${mb!.toFixed(0)} MB`);
    lines.push(`  RSS high-water, each library alone: ${each.join(', ')} (no library: ${r.baselineRssMB?.toFixed(0)} MB)`);
  }
  lines.push(`  ${statsLine(r)}`);
  return lines.join('\n');
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const msOf = (r: CaseResult | undefined, name: string) => r?.rows.find((x) => x.name === name)?.medianMs;

/** Issues 3, 11 and 14's targets against this run's numbers (issue 3's PyTorch figure is the issue's). */
export function targetChecks(results: CaseResult[]): TargetCheck[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const checks: TargetCheck[] = [];
  for (const id of ['gemm512', 'gemm1024']) {
    const r = byId.get(id);
    const [one, two] = [msOf(r, CONVKIT_1T), msOf(r, CONVKIT_2T)];
    if (!r || !one || !two) continue;
    const gflops = r.flops! / one / 1e6;
    checks.push({ target: `${id}: >= 38 GFLOP/s on 1 thread`, measured: `${gflops.toFixed(1)} GFLOP/s`, met: gflops >= 38 });
    checks.push({ target: `${id}: 2 threads >= 1.8x 1 thread`, measured: `${(one / two).toFixed(2)}x`, met: one / two >= 1.8 });
  }
  for (const id of ['b', 'c', 'd']) {
    const r = byId.get(id);
    const peer = msOf(r, 'tfjs-wasm');
    const [one, two] = [msOf(r, CONVKIT_1T), msOf(r, CONVKIT_2T)];
    if (!peer || !one || !two) continue;
    checks.push({ target: `(${id}): >= 1.5x tfjs-wasm on 1 thread`, measured: `${(peer / one).toFixed(2)}x`, met: peer / one >= 1.5 });
    checks.push({ target: `(${id}): >= 2.5x tfjs-wasm on 2 threads`, measured: `${(peer / two).toFixed(2)}x`, met: peer / two >= 2.5 });
  }
  const h = byId.get('h');
  const ckTimes = [msOf(h, CONVKIT_1T), msOf(h, CONVKIT_2T)].filter((t): t is number => t !== undefined);
  if (ckTimes.length) {
    const step = Math.min(...ckTimes); // ConvKit's faster thread setting
    const pytorchMs = 17;
    checks.push({ target: '(h): >= 1.5x PyTorch CPU (17 ms in the issue): <= 11.3 ms', measured: `${step.toFixed(1)} ms`, met: step <= pytorchMs / 1.5 });
    const tfjsCpu = msOf(h, 'tfjs-cpu');
    if (tfjsCpu) checks.push({ target: '(h): >= 300x tfjs-cpu', measured: `${(tfjsCpu / step).toFixed(0)}x`, met: tfjsCpu / step >= 300 });
  }
  checks.push(...wholeModelChecks(byId));
  const face = byId.get('face');
  const faceApiWasm = msOf(face, 'tfjs-wasm');
  for (const name of [CONVKIT_1T, CONVKIT_2T]) {
    const ms = msOf(face, name);
    if (faceApiWasm && ms) checks.push({ target: `(face), ${name}: >= 3x face-api on tfjs-wasm (issue 11)`, measured: `${(faceApiWasm / ms).toFixed(2)}x`, met: faceApiWasm / ms >= 3 });
  }
  return checks;
}

/** Issue 14's targets on the whole-model cases, against this run's PyTorch and onnxruntime-web rows. */
function wholeModelChecks(byId: Map<string, CaseResult>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const vsTorch: [string, number][] = [['h', 1.5], ['j', 1], ['k', 1], ['i', 1]];
  for (const [id, factor] of vsTorch) {
    const r = byId.get(id);
    const [one, two, torch] = [msOf(r, CONVKIT_1T), msOf(r, CONVKIT_2T), msOf(r, 'pytorch 2t')];
    if (one && two) checks.push({ target: `(${id}): ConvKit 2 threads >= 1.6x 1 thread (issue 14)`, measured: `${(one / two).toFixed(2)}x`, met: one / two >= 1.6 });
    if (two && torch) checks.push({ target: `(${id}): ConvKit 2t >= ${factor}x PyTorch 2t (issue 14)`, measured: `${(torch / two).toFixed(2)}x`, met: torch / two >= factor });
  }
  const i = byId.get('i');
  const ortWeb = Math.min(...['onnxruntime-web 1t', 'onnxruntime-web 2t'].map((n) => msOf(i, n) ?? Infinity));
  const two = msOf(i, CONVKIT_2T);
  if (two && Number.isFinite(ortWeb)) checks.push({ target: '(i): ConvKit 2t >= 1.5x onnxruntime-web (its faster row)', measured: `${(ortWeb / two).toFixed(2)}x`, met: ortWeb / two >= 1.5 });
  return checks;
}

export function formatTargets(checks: TargetCheck[]): string {
  if (checks.length === 0) return 'Targets: none of the target cases ran.';
  const mark = (m: boolean | null) => (m === null ? '?' : m ? 'met' : 'NOT met');
  return ['Targets (issues 3, 11 and 14):', ...checks.map((c) => `  ${pad(c.target, 58, true)} ${pad(c.measured, 14)}  ${mark(c.met)}`)].join('\n');
}
