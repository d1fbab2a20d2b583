// The face service under load, end to end with the real models: a server on 127.0.0.1, then a fixed
// number of enrol and identify requests sent C at a time; throughput, p50/p99 latency, and a check that
// every request got its answer and every acknowledged enrolment is in the database with its one face.
//   flock /work/bench.lock node --import tsx bench/face-service.ts [--requests 24] [--concurrency 4]
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createFaceServer, faceDescriber, loadFaceModels, openSqliteFaceStore } from '../src/node/index.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '24' }, concurrency: { type: 'string', default: '4' } } });
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const dir = mkdtempSync(join(tmpdir(), 'convkit-face-service-bench-'));
const token = 'bench-token-0123456789abcdef';
const store = await openSqliteFaceStore(join(dir, 'faces.db'));
const server = createFaceServer({ store, describe: faceDescriber(await loadFaceModels()), token });
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as { port: number }).port;

// One face (a 340x400 crop of face-api's sample1.jpg, re-encoded as JPEG).
const sample = 'node_modules/@vladmandic/face-api/demo/sample1.jpg';
const face = (await sharp(sample).extract({ left: 330, top: 280, width: 340, height: 400 }).jpeg().toBuffer()).toString('base64');

async function send(i: number): Promise<{ kind: string; ms: number; ok: boolean; id?: string }> {
  const kind = i % 2 === 0 ? 'enrol' : 'identify';
  const body = kind === 'enrol' ? { name: `person ${i}`, image: face } : { image: face };
  const t0 = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${kind === 'enrol' ? '/v1/people' : '/v1/identify'}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await response.json();
  const ok = kind === 'enrol' ? response.status === 201 && typeof json.id === 'string' : response.status === 200 && json.faces.length === 1;
  return { kind, ms: performance.now() - t0, ok, id: kind === 'enrol' ? json.id : undefined };
}

await send(1); // warm-up
const results: Array<{ kind: string; ms: number; ok: boolean; id?: string }> = [];
const start = performance.now();
let next = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < requests) results.push(await send(next++));
}));
const seconds = (performance.now() - start) / 1000;
const stored = new Map((await store.list()).map((person) => [person.id, person.faces]));
const acknowledged = results.filter((r) => r.kind === 'enrol' && r.ok).map((r) => r.id!);
const kept = acknowledged.filter((id) => stored.get(id) === 1).length;
const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(0);
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
console.log(`${requests} requests (half enrol, half identify), ${concurrency} at a time: ${(requests / seconds).toFixed(2)} requests/s`);
for (const kind of ['enrol', 'identify']) {
  const ms = results.filter((r) => r.kind === kind).map((r) => r.ms);
  console.log(`${kind}: p50 ${pct(ms, 0.5)} ms, p99 ${pct(ms, 0.99)} ms`);
}
console.log(`answered ${results.filter((r) => r.ok).length}/${requests}; acknowledged enrolments in the database with their face ${kept}/${acknowledged.length} (people stored ${stored.size}, faces ${[...stored.values()].reduce((a, b) => a + b, 0)})`);
server.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
