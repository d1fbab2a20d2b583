// The face database at scale: enrol N synthetic 128-d descriptors (default 100,000 people, one photo each),
// then time identify's search alone (SqliteFaceStore.nearest) on noisy copies of enrolled descriptors:
// p50/p99 per query, and how often the right person comes back first.
//   flock /work/bench.lock node --import tsx bench/face-db.ts [--people 100000] [--queries 300] [--db path]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { Generator } from '../src/util/random.js';
import { openSqliteFaceStore } from '../src/node/sqlite-face-store.js';
import type { FaceStoreExport } from '../src/face/face-store.js';
import type { GalleryQueryOptions } from '../src/face/gallery.js';

const { values } = parseArgs({ options: { people: { type: 'string', default: '100000' }, queries: { type: 'string', default: '300' }, db: { type: 'string' } } });
const people = Number(values.people);
const queries = Number(values.queries);
const scratch = values.db ? undefined : mkdtempSync(join(tmpdir(), 'convkit-face-bench-'));
const path = values.db ?? join(scratch!, 'faces.db');
const generator = new Generator(12);
const LENGTH = 128;

function descriptor(): Float32Array {
  const d = new Float32Array(LENGTH);
  generator.fillNormal(d, 0, 0.09); // dlib descriptors have norms near 1: 0.09 * sqrt(128) = 1.02
  return d;
}

const store = await openSqliteFaceStore(path);
const enrolled: Float32Array[] = [];
const batch = 10_000;
const enrolStart = performance.now();
for (let start = 0; start < people; start += batch) {
  const chunk: FaceStoreExport = { format: 'convkit-faces', version: 1, descriptorLength: LENGTH, people: [] };
  for (let i = start; i < Math.min(people, start + batch); i++) {
    const d = descriptor();
    enrolled.push(d);
    chunk.people.push({ id: '', name: `person ${i}`, createdAt: '', faces: [{ descriptor: Array.from(d), imageSha256: createHash('sha256').update(String(i)).digest('hex'), createdAt: new Date().toISOString() }] });
  }
  await store.importJson(chunk);
}
const enrolSeconds = (performance.now() - enrolStart) / 1000;

async function time(options: GalleryQueryOptions) {
  const times: number[] = [];
  const cpu: number[] = [];
  let correct = 0;
  for (let q = -20; q < queries; q++) {
    const target = generator.randint(people);
    const query = Float32Array.from(enrolled[target], (v) => v + generator.normal() * 0.03); // a same-person distance of about 0.34
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const [best] = await store.nearest(query, 1, options);
    const c1 = process.cpuUsage(c0);
    if (q < 0) continue; // warm-up
    times.push(performance.now() - t0);
    cpu.push((c1.user + c1.system) / 1000);
    if (best.id === String(target + 1)) correct++;
  }
  const at = (values: number[], p: number) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))].toFixed(1);
  return { p50: at(times, 0.5), p99: at(times, 0.99), cpu50: at(cpu, 0.5), top1: `${((100 * correct) / queries).toFixed(1)}%` };
}

console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
console.log(`enrolled ${people} descriptors in ${enrolSeconds.toFixed(1)} s (10,000 per transaction)`);
for (const options of [{ by: 'nearest-photo', metric: 'euclidean' }, { by: 'mean', metric: 'euclidean' }, { by: 'nearest-photo', metric: 'cosine' }] as const) {
  const r = await time(options);
  console.log(`nearest(k=1, ${options.by}, ${options.metric}) over ${people}: p50 ${r.p50} ms, p99 ${r.p99} ms (CPU time p50 ${r.cpu50} ms), right person first ${r.top1} (${queries} queries)`);
}
await store.close();
if (scratch) rmSync(scratch, { recursive: true, force: true });
