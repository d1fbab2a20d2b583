// The face database under real processes: SIGKILL during enrolment (no half-enrolled person, no
// acknowledged enrolment lost) and several processes enrolling, removing and identifying on one file at
// once (no lost writes, no "database is locked" reaching a caller). Child: fixtures/face-db/store-worker.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { openSqliteFaceStore } from '../src/node/sqlite-face-store.js';

const worker = fileURLToPath(new URL('./fixtures/face-db/store-worker.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-face-processes-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Worker {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** Resolves on the first line (counting from the start) that `test` accepts. */
  waitFor: (test: (line: string, index: number) => boolean) => Promise<void>;
  exited: Promise<number | null>;
}

function startWorker(...args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  const waiters: Array<{ test: (line: string, index: number) => boolean; resolve: () => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      lines.push(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      for (const w of [...waiters]) if (w.test(lines[lines.length - 1], lines.length - 1)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const waitFor = (test: (line: string, index: number) => boolean) => {
    if (lines.some(test)) return Promise.resolve();
    return Promise.race([
      new Promise<void>((resolve) => waiters.push({ test, resolve })),
      exited.then((code) => Promise.reject(new Error(`worker ${args[0]} exited with ${code} before the awaited line; stderr: ${stderr}`))),
    ]);
  };
  return { child, lines, stderr: () => stderr, waitFor, exited };
}

/** Everything that must hold in the file whatever moment a writer died at. */
function checkConsistent(path: string): Map<string, { name: string; faces: number }> {
  const db = new Database(path);
  sqliteVec.load(db);
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const people = db.prepare<{ id: number; name: string; faces: number }>('SELECT p.id, p.name, (SELECT count(*) FROM faces f WHERE f.person_id = p.id) AS faces FROM people p').all();
    for (const p of people) {
      const expected = Number(/-f(\d+)$/.exec(p.name)![1]);
      assert.equal(p.faces, expected, `person ${p.id} '${p.name}' has ${p.faces} of their ${expected} photos: half-enrolled`);
    }
    const count = (sql: string) => db.prepare<{ n: number }>(sql).get()!.n;
    assert.equal(count('SELECT count(*) AS n FROM face_vectors'), count('SELECT count(*) AS n FROM faces'), 'every face has its vector and no vector outlives its face');
    assert.equal(count('SELECT count(*) AS n FROM face_vectors WHERE rowid NOT IN (SELECT id FROM faces)'), 0);
    assert.equal(count('SELECT count(*) AS n FROM person_means'), people.length, 'every person has a mean vector');
    return new Map(people.map((p) => [String(p.id), { name: p.name, faces: p.faces }]));
  } finally {
    db.close();
  }
}

const acknowledged = (lines: string[]) => lines.filter((l) => l.startsWith('enrolled ')).map((l) => l.split(' ')[1]);

describe('face database across processes', () => {
  it('SIGKILL during enrolment never leaves a half-enrolled person nor loses an acknowledged enrolment', async () => {
    const path = join(dir, 'crash.db');
    let killsMidEnrolment = 0;
    const allAcknowledged: string[] = [];
    // Five rounds, more (up to twelve) until a kill has landed between a "begin" and its acknowledgement.
    // Each enrolment writes 6 photos with 16 KB thumbnails and an fsync, a few milliseconds.
    for (let round = 0; round < 5 || (killsMidEnrolment === 0 && round < 12); round++) {
      const w = startWorker('enroll', path, `r${round}`, '1000', '6');
      const acksBeforeKill = 1 + (round % 3);
      await w.waitFor((line) => line.startsWith('enrolled ') && acknowledged(w.lines).length >= acksBeforeKill);
      // The first rounds kill after a pause; later ones the moment the next enrolment begins.
      const from = w.lines.length;
      if (round >= 5) await w.waitFor((line, i) => i >= from && line.startsWith('begin '));
      else await sleep(round * 3);
      w.child.kill('SIGKILL');
      assert.equal(await w.exited, null, 'the worker was killed, not finished');
      allAcknowledged.push(...acknowledged(w.lines));

      const people = checkConsistent(path);
      // Killed after "begin" and the person is not in the file: the enrolment was cut off and rolled back.
      const last = w.lines[w.lines.length - 1];
      if (last.startsWith('begin ') && ![...people.values()].some((p) => p.name === last.slice('begin '.length))) killsMidEnrolment++;
      for (const id of allAcknowledged) assert.ok(people.has(id), `round ${round}: acknowledged enrolment ${id} is lost`);
      // At most the one in flight was committed without its acknowledgement reaching us.
      assert.ok(people.size - allAcknowledged.length <= round + 1, `round ${round}: ${people.size} people for ${allAcknowledged.length} acknowledgements`);
    }
    assert.ok(killsMidEnrolment >= 1, 'no kill cut an enrolment off; the test did not exercise the crash');
    const store = await openSqliteFaceStore(path);
    assert.ok((await store.list()).length >= allAcknowledged.length, 'the store opens and lists after the kills');
    await store.close();
  });

  it('several processes enrolling, removing and identifying on one new file: no lost writes, no lock errors', async () => {
    const path = join(dir, 'concurrent.db');
    const workers = [
      startWorker('enroll', path, 'a', '40', '2'),
      startWorker('enroll', path, 'b', '40', '2'),
      startWorker('churn', path, 'c', '30'),
      startWorker('identify', path, '150'),
      startWorker('identify', path, '150'),
    ];
    const codes = await Promise.all(workers.map((w) => w.exited));
    workers.forEach((w, i) => {
      assert.equal(codes[i], 0, `worker ${i} failed: ${w.stderr()}`);
      assert.doesNotMatch(w.stderr(), /locked|busy/i);
    });
    const people = checkConsistent(path);
    const enrolled = [...acknowledged(workers[0].lines), ...acknowledged(workers[1].lines)];
    assert.equal(enrolled.length, 80);
    assert.deepEqual([...people.keys()].sort(), [...enrolled].sort(), 'exactly the enrolled people remain; the churned ones are gone');
    assert.equal(workers[2].lines.filter((l) => l.startsWith('removed ')).length, 30);
    assert.deepEqual(workers[3].lines, ['identified 150']);
    for (const w of workers.slice(0, 2)) {
      for (const line of w.lines.filter((l) => l.startsWith('enrolled '))) {
        const [, id, name] = line.split(' ');
        assert.equal(people.get(id)?.name, name);
      }
    }
  });
});
