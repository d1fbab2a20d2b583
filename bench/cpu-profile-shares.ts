// Where a profiled loop spent its main-thread time, as shares (shares hold up on a loaded machine better
// than times): the WebAssembly kernels, the copies into and out of their memory, garbage collection, and
// the JavaScript left, by source file (loading and compiling the modules is left out: it is start-up, not
// the loop).
//   node --import tsx bench/cpu-profile-shares.ts PROFILE.cpuprofile [--functions]   (--functions: JS by function)
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const COPIES = new Set(['copyIn', 'copyInAsF32', 'copyOut']);

function category(frame: ProfileNode['callFrame']): string {
  if (frame.url.startsWith('wasm://') || frame.functionName.startsWith('wasm-function') || frame.functionName.startsWith('$')) return 'wasm kernels';
  if (frame.functionName === '(garbage collector)') return 'GC';
  if (frame.functionName === '(idle)' || frame.functionName === '(program)') return frame.functionName;
  if (/node:internal\/(modules|source_map)|node_modules\/tsx|node:internal\/main/.test(frame.url)) return '(start-up)';
  if (COPIES.has(frame.functionName) && frame.url.includes('memory-arena')) return 'copies in/out (memory-arena.ts)';
  const src = frame.url.match(/\/(src|bench|node_modules)\/(.*)$/);
  return `JS ${src ? `${src[1]}/${src[2]}` : frame.url || '(native)'}${process.argv.includes('--functions') ? ` ${frame.functionName}` : ''}`;
}

const profile: Profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const micros = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const key = category(byId.get(id)!.callFrame);
  micros.set(key, (micros.get(key) ?? 0) + dt);
  total += dt;
});
const busy = total - (micros.get('(idle)') ?? 0) - (micros.get('(start-up)') ?? 0);
const rows = [...micros].filter(([k]) => k !== '(idle)' && k !== '(start-up)').sort((a, b) => b[1] - a[1]);
const js = rows.filter(([k]) => k.startsWith('JS ')).reduce((s, [, v]) => s + v, 0);
console.log(`busy ${(busy / 1e3).toFixed(0)} ms; JS (all files) ${((js / busy) * 100).toFixed(1)} %`);
for (const [k, v] of rows.slice(0, 20)) console.log(`${((v / busy) * 100).toFixed(1).padStart(5)} %  ${k}`);
