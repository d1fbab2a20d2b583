// The SQLite face database: enrol/add/rename/remove/list, nearest() against a brute-force search written
// here in float64, export/import, migrations, and the errors bad input gets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { openSqliteFaceStore, type SqliteFaceStore } from '../src/node/sqlite-face-store.js';
import type { FaceInput } from '../src/face/face-store.js';
import { calibrateThreshold } from '../src/face/calibration.js';
import { calibrationRecord } from '../src/face/calibration-record.js';
import { syntheticDescriptor, syntheticSha256 } from './fixtures/face-db/synthetic-faces.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-face-store-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const face = (key: string): FaceInput => ({ descriptor: syntheticDescriptor(key), imageSha256: syntheticSha256(key) });

function bruteForce(people: Map<string, Float32Array[]>, query: Float32Array, by: 'nearest-photo' | 'mean', metric: 'euclidean' | 'cosine') {
  const distance = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let dot = 0, aa = 0, bb = 0, sq = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
      sq += (a[i] - b[i]) ** 2;
    }
    return metric === 'euclidean' ? Math.sqrt(sq) : 1 - dot / Math.sqrt(aa * bb);
  };
  return [...people].map(([id, photos]) => {
    if (by === 'nearest-photo') return { id, distance: Math.min(...photos.map((p) => distance(query, p))) };
    const mean = new Float64Array(query.length);
    for (const p of photos) p.forEach((v, i) => (mean[i] += v / photos.length));
    return { id, distance: distance(query, mean) };
  }).sort((a, b) => a.distance - b.distance);
}

async function fresh(name: string, descriptorLength?: number): Promise<SqliteFaceStore> {
  return openSqliteFaceStore(join(dir, `${name}.db`), { descriptorLength });
}

describe('SqliteFaceStore', () => {
  it('enrols, adds photos, renames, lists and removes; a removed person is gone from the search at once', async () => {
    const store = await fresh('basic');
    const ann = await store.enroll('  Ann Lee ', [face('ann/0')]);
    assert.deepEqual({ id: ann.id, name: ann.name, faces: ann.faces }, { id: '1', name: 'Ann Lee', faces: 1 });
    const bob = await store.enroll('Bob', [face('bob/0'), face('bob/1')]);
    assert.equal((await store.addFaces(ann.id, [face('ann/1'), face('ann/2')])).faces, 3);
    assert.equal((await store.rename(bob.id, 'Robert')).name, 'Robert');
    assert.deepEqual((await store.list()).map((p) => [p.id, p.name, p.faces]), [['1', 'Ann Lee', 3], ['2', 'Robert', 2]]);
    assert.deepEqual((await store.nearest(syntheticDescriptor('ann/2'), 1))[0], { id: '1', name: 'Ann Lee', distance: 0 });

    assert.equal(await store.remove(ann.id), true);
    assert.equal(await store.remove(ann.id), false);
    assert.equal(await store.get(ann.id), undefined);
    const after = await store.nearest(syntheticDescriptor('ann/2'), 5);
    assert.deepEqual(after.map((m) => m.id), ['2']);
    const third = await store.enroll('Cy', [face('cy/0')]);
    assert.equal(third.id, '3', "a removed person's id is never reused");
    await store.close();

    const db = new Database(join(dir, 'basic.db'));
    sqliteVec.load(db);
    const count = (sql: string) => (db.prepare<{ n: number }>(sql).get()!).n;
    assert.equal(count('SELECT count(*) AS n FROM faces WHERE person_id = 1'), 0);
    assert.equal(count('SELECT count(*) AS n FROM face_vectors WHERE person_id = 1'), 0);
    assert.equal(count('SELECT count(*) AS n FROM person_means WHERE rowid = 1'), 0);
    assert.equal(count('SELECT count(*) AS n FROM face_vectors'), 3);
    assert.equal(count('SELECT count(*) AS n FROM face_signs WHERE person_id = 1'), 0);
    assert.equal(count('SELECT count(*) AS n FROM person_mean_signs WHERE rowid = 1'), 0);
    assert.equal(count('SELECT count(*) AS n FROM face_signs'), 3);
    assert.equal(count('SELECT count(*) AS n FROM person_mean_signs'), 2);
    db.close();
  });

  it('nearest() agrees with a float64 brute-force search, for nearest photo and mean, Euclidean and cosine', async () => {
    const store = await fresh('search');
    const people = new Map<string, Float32Array[]>();
    for (let p = 0; p < 60; p++) {
      const photos = Array.from({ length: 1 + (p % 4) }, (_, i) => face(`p${p}/${i}`));
      const person = await store.enroll(`person ${p}`, photos);
      people.set(person.id, photos.map((f) => f.descriptor));
    }
    for (let q = 0; q < 10; q++) {
      const query = syntheticDescriptor(`query/${q}`);
      for (const by of ['nearest-photo', 'mean'] as const) {
        for (const metric of ['euclidean', 'cosine'] as const) {
          const got = await store.nearest(query, 7, { by, metric });
          const want = bruteForce(people, query, by, metric).slice(0, 7);
          assert.deepEqual(got.map((m) => m.id), want.map((m) => m.id), `${by} ${metric} query ${q}`);
          got.forEach((m, i) => assert.ok(Math.abs(m.distance - want[i].distance) < 1e-5, `${by} ${metric}: ${m.distance} vs ${want[i].distance}`));
          got.forEach((m) => assert.equal(m.name, `person ${Number(m.id) - 1}`));
        }
      }
    }
    assert.equal((await store.nearest(syntheticDescriptor('x'), 100)).length, 60, 'fewer than k people: all of them');
    await store.close();
  });

  it('persists across reopening and exports/imports JSON exactly (descriptors, hashes, boxes, thumbnails)', async () => {
    const path = join(dir, 'export.db');
    const store = await openSqliteFaceStore(path);
    await store.enroll('Ann', [{ ...face('a/0'), box: [1.5, 2, 30, 40], thumbnail: new Uint8Array([255, 216, 255, 7]) }, face('a/1')]);
    await store.enroll('Bob', [face('b/0')]);
    await store.close();
    const reopened = await openSqliteFaceStore(path);
    const exported = await reopened.exportJson();
    assert.equal(exported.people.length, 2);
    const copy = await fresh('import');
    const imported = await copy.importJson(JSON.parse(JSON.stringify(exported)));
    assert.deepEqual(imported.map((p) => [p.name, p.faces]), [['Ann', 2], ['Bob', 1]]);
    const again = await copy.exportJson();
    assert.deepEqual(again.people.map(({ id: _, ...rest }) => rest), exported.people.map(({ id: _, ...rest }) => rest));
    const [annFace] = await copy.faces(imported[0].id);
    assert.deepEqual(annFace.descriptor, syntheticDescriptor('a/0'));
    assert.deepEqual(annFace.thumbnail, new Uint8Array([255, 216, 255, 7]));
    await assert.rejects(copy.importJson({ ...exported, people: [{ ...exported.people[0], faces: [{ ...exported.people[0].faces[0], descriptor: [1, 2] }] }] }), /importJson: people\[0\]: face 0: descriptor of length 2, but this database holds descriptors of length 128/);
    assert.equal((await copy.list()).length, 2, 'a refused import adds nobody');
    await Promise.all([reopened.close(), copy.close()]);
  });

  it('keeps a calibration with the database: replaced, read back after reopening, removed with null', async () => {
    const path = join(dir, 'calibration.db');
    const store = await openSqliteFaceStore(path);
    assert.equal(await store.calibration(), undefined);
    const pairs = [0.1, 0.3, 0.5, 0.7].map((distance, i) => ({ distance, same: i < 2 }));
    const [first, second] = [calibrationRecord(calibrateThreshold(pairs, 0), 'euclidean'), calibrationRecord(calibrateThreshold(pairs, 0.5), 'cosine')];
    await store.setCalibration(first);
    await store.setCalibration(second);
    await store.close();
    const reopened = await openSqliteFaceStore(path);
    assert.deepEqual(await reopened.calibration(), second);
    await assert.rejects(reopened.setCalibration({ ...second, version: 2 as 1 }), /SqliteFaceStore.setCalibration: not a face calibration \(version 2, this ConvKit reads version 1\)/);
    await reopened.setCalibration(null);
    assert.equal(await reopened.calibration(), undefined);
    await reopened.close();
  });

  it('records its migrations, applies each once, and refuses a database from a newer ConvKit', async () => {
    const path = join(dir, 'migrations.db');
    await (await openSqliteFaceStore(path)).close();
    await (await openSqliteFaceStore(path)).close();
    const db = new Database(path);
    assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').all(), [{ version: 1 }, { version: 2 }]);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.prepare("INSERT INTO schema_migrations VALUES (99, 'x')").run();
    db.close();
    await assert.rejects(openSqliteFaceStore(path), /schema version 99, newer than this ConvKit's 2/);
    await assert.rejects(openSqliteFaceStore(join(dir, 'export.db'), { descriptorLength: 64 }), /holds descriptors of length 128, not 64/);
  });

  it('rejects bad input with errors that name the method and the value', async () => {
    const store = await fresh('errors', 4);
    const ok = { descriptor: new Float32Array(4), imageSha256: syntheticSha256('x') };
    await assert.rejects(store.enroll('', [ok]), /SqliteFaceStore.enroll: a person's name must be a non-empty string, got ""/);
    await assert.rejects(store.enroll('A', []), /SqliteFaceStore.enroll: needs at least one face, got an empty list/);
    await assert.rejects(store.enroll('A', [{ ...ok, descriptor: new Float32Array(3) }]), /enroll: face 0: descriptor of length 3, but this database holds descriptors of length 4/);
    await assert.rejects(store.enroll('A', [{ ...ok, descriptor: new Float32Array([0, NaN, 0, 0]) }]), /descriptor element 1 is NaN/);
    await assert.rejects(store.enroll('A', [{ ...ok, imageSha256: 'abc' }]), /imageSha256 must be 64 lowercase hex digits, got "abc"/);
    await assert.rejects(store.addFaces('7', [ok]), /SqliteFaceStore.addFaces: no person with id '7'/);
    await assert.rejects(store.remove('1; DROP TABLE people'), /SqliteFaceStore.remove: a person id is a decimal string such as '12', got "1; DROP TABLE people"/);
    await assert.rejects(store.nearest(new Float32Array(4), 0), /SqliteFaceStore.nearest: k must be an integer in 1..4096, got 0/);
    await assert.rejects(store.nearest(new Float32Array(4), 1, { metric: 'manhattan' as 'cosine' }), /metric must be 'euclidean' or 'cosine', got "manhattan"/);
    assert.deepEqual(await store.list(), []);
    await store.close();
    await assert.rejects(store.list(), /SqliteFaceStore.list: the face database is closed/);
  });
});
