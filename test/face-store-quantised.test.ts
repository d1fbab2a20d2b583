// The face database's quantised search (a Hamming first pass over sign bits, then exact distances for its
// candidates) against the exact scan on the same seeded file, the sign bits against sqlite-vec's own
// quantiser, and the upgrade of a schema-1 file (written here as the first release wrote it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { openSqliteFaceStore } from '../src/node/sqlite-face-store.js';
import { MIGRATIONS } from '../src/node/sqlite-face-schema.js';
import { descriptorSigns } from '../src/face/descriptor-signs.js';
import { meanDescriptor } from '../src/face/descriptor-distance.js';
import type { FaceStoreExport } from '../src/face/face-store.js';
import { Generator } from '../src/util/random.js';
import { syntheticSha256 } from './fixtures/face-db/synthetic-faces.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-face-quantised-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const D = 128;
const generator = new Generator(2026);
const normal = (std: number, around?: Float32Array) => {
  const d = new Float32Array(D);
  generator.fillNormal(d, 0, std);
  if (around) d.forEach((v, i) => (d[i] = v + around[i]));
  return d;
};

/**
 * Look-alikes: 1,500 families of 10 people around a shared centre (two people of a family ~0.72 apart,
 * strangers ~1.4), each person with 1 or 2 photos ~0.32 apart: 22,500 descriptors in all.
 */
function lookAlikes(): Array<{ name: string; photos: Float32Array[] }> {
  const people: Array<{ name: string; photos: Float32Array[] }> = [];
  for (let family = 0; family < 1500; family++) {
    const centre = normal(0.09);
    for (let member = 0; member < 10; member++) {
      const person = normal(0.045, centre);
      people.push({ name: `person ${people.length}`, photos: Array.from({ length: 1 + (member % 2) }, () => normal(0.02, person)) });
    }
  }
  return people;
}

function asExport(people: Array<{ name: string; photos: Float32Array[] }>): FaceStoreExport {
  return {
    format: 'convkit-faces', version: 1, descriptorLength: D,
    people: people.map((p, i) => ({ id: '', name: p.name, createdAt: '', faces: p.photos.map((d, j) => ({ descriptor: Array.from(d), imageSha256: syntheticSha256(`${i}/${j}`), createdAt: '2026-12-07T00:00:00.000Z' })) })),
  };
}

describe('SqliteFaceStore quantised search', () => {
  it('packs sign bits as sqlite-vec does (vec_quantize_binary), the last byte zero-padded', () => {
    const db = new Database(':memory:');
    sqliteVec.load(db);
    const quantise = db.prepare<{ bits: Buffer }>('SELECT vec_quantize_binary(?) AS bits');
    for (let i = 0; i < 20; i++) {
      const d = normal(0.09);
      assert.deepEqual(descriptorSigns(d), new Uint8Array(quantise.get(d)!.bits));
    }
    db.close();
    // Entries 0, 3, 9 and 11 above zero; entry 8 is zero, not above.
    assert.deepEqual(descriptorSigns([0.5, -1, -2, 1e-9, -0.1, -3, -1, -1, 0, 4, -1, 2]), new Uint8Array([0b00001001, 0b00001010]));
  });

  it('answers k = 1 exactly as the exact scan does, photos and means, Euclidean and cosine, same people and strangers', async () => {
    const path = join(dir, 'look-alikes.db');
    const people = lookAlikes();
    const exact = await openSqliteFaceStore(path, { exactSearchUpTo: Infinity });
    for (let start = 0; start < people.length; start += 5000) await exact.importJson(asExport(people.slice(start, start + 5000)));
    const quantised = await openSqliteFaceStore(path, { exactSearchUpTo: 0 });
    const queries = [
      ...Array.from({ length: 100 }, () => {
        const person = people[generator.randint(people.length)];
        return normal(0.025, person.photos[generator.randint(person.photos.length)]); // ~0.28 from the photo
      }),
      ...Array.from({ length: 20 }, () => normal(0.09)), // strangers
    ];
    let matched = 0;
    for (const query of queries) {
      for (const by of ['nearest-photo', 'mean'] as const) {
        for (const metric of ['euclidean', 'cosine'] as const) {
          const want = await exact.nearest(query, 1, { by, metric });
          assert.deepEqual(await quantised.nearest(query, 1, { by, metric }), want, `${by} ${metric}`);
          if (by === 'nearest-photo' && metric === 'euclidean' && want[0].distance < 0.6) matched++;
        }
      }
    }
    assert.equal(matched, 100, 'every same-person query is within the threshold of its person, so the first pass answers it');

    // The first pass is what answers: with the sign bits of a two-photo person's nearest photo deleted, the
    // quantised search finds them by their other photo, farther away; the exact scan still finds the nearer.
    const personId = 2; // person 1 (0-based): two photos
    const faceId = (await exact.faces(String(personId)))[0].id;
    const query = normal(0.01, people[1].photos[0]);
    const db = new Database(path);
    sqliteVec.load(db);
    db.prepare('DELETE FROM face_signs WHERE rowid = ?').run(BigInt(faceId));
    db.close();
    const [fromExact] = await exact.nearest(query, 1);
    const [fromQuantised] = await quantised.nearest(query, 1);
    assert.equal(fromExact.id, String(personId));
    assert.equal(fromQuantised.id, String(personId));
    assert.ok(fromQuantised.distance > fromExact.distance + 0.1, `${fromQuantised.distance} vs ${fromExact.distance}`);
    await exact.close();
    await quantised.close();
  });

  it('upgrades a schema-1 file: sign bits and means filled in for everyone, searched like the exact scan, kept in step after', async () => {
    const path = join(dir, 'schema-1.db');
    const people = lookAlikes().slice(0, 300);
    const v1 = new Database(path);
    sqliteVec.load(v1);
    v1.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    MIGRATIONS[0].apply(v1, D);
    v1.prepare("INSERT INTO schema_migrations VALUES (1, '2026-12-01T00:00:00.000Z')").run();
    const insertPerson = v1.prepare("INSERT INTO people (name, created_at, updated_at) VALUES (?, 'then', 'then')");
    const insertFace = v1.prepare("INSERT INTO faces (person_id, descriptor, image_sha256, created_at) VALUES (?, ?, ?, 'then')");
    const insertVector = v1.prepare('INSERT INTO face_vectors (rowid, euclidean, cosine, person_id) VALUES (?, ?, ?, ?)');
    const insertMean = v1.prepare('INSERT INTO person_means (rowid, euclidean, cosine) VALUES (?, ?, ?)');
    v1.transaction(() => people.forEach((person, i) => {
      const id = BigInt(insertPerson.run(person.name).lastInsertRowid);
      person.photos.forEach((d, j) => insertVector.run(BigInt(insertFace.run(id, Buffer.from(d.buffer), syntheticSha256(`${i}/${j}`)).lastInsertRowid), d, d, id));
      const mean = Float32Array.from(meanDescriptor(person.photos)); // as schema 1's store computed it
      insertMean.run(id, mean, mean);
    }))();
    v1.close();

    const quantised = await openSqliteFaceStore(path, { exactSearchUpTo: 0 });
    const exact = await openSqliteFaceStore(path, { exactSearchUpTo: Infinity });
    const db = new Database(path);
    sqliteVec.load(db);
    assert.deepEqual(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), [{ version: 1 }, { version: 2 }]);
    const faces = db.prepare<{ id: number; descriptor: Buffer; signs: Buffer }>('SELECT f.id, f.descriptor, s.signs FROM faces f JOIN face_signs s ON s.rowid = f.id').all();
    assert.equal(faces.length, 450);
    for (const face of faces) assert.deepEqual(new Uint8Array(face.signs), descriptorSigns(new Float32Array(new Uint8Array(face.descriptor).buffer)));
    const means = db.prepare<{ mean: Buffer; signs: Buffer }>('SELECT p.mean_descriptor AS mean, s.signs FROM people p JOIN person_mean_signs s ON s.rowid = p.id').all();
    assert.equal(means.length, 300);
    for (const { mean, signs } of means) assert.deepEqual(new Uint8Array(signs), descriptorSigns(new Float32Array(new Uint8Array(mean).buffer)));

    for (let q = 0; q < 40; q++) {
      const query = normal(0.025, people[generator.randint(people.length)].photos[0]);
      for (const by of ['nearest-photo', 'mean'] as const) assert.deepEqual(await quantised.nearest(query, 1, { by }), await exact.nearest(query, 1, { by }));
    }
    // Enrol, add and remove after the upgrade keep the sign-bit tables in step with faces and people.
    const ann = await quantised.enroll('Ann', [{ descriptor: normal(0.09), imageSha256: syntheticSha256('ann') }]);
    await quantised.addFaces(ann.id, [{ descriptor: normal(0.09), imageSha256: syntheticSha256('ann/1') }]);
    await quantised.remove('1');
    const count = (sql: string) => db.prepare<{ n: number }>(sql).get()!.n;
    assert.equal(count('SELECT count(*) AS n FROM face_signs'), count('SELECT count(*) AS n FROM faces'));
    assert.equal(count('SELECT count(*) AS n FROM person_mean_signs'), count('SELECT count(*) AS n FROM people'));
    assert.equal(count('SELECT count(*) AS n FROM face_signs WHERE person_id = 1'), 0);
    assert.equal(count('SELECT count(*) AS n FROM person_mean_signs WHERE rowid = 1'), 0);
    assert.equal(count(`SELECT count(*) AS n FROM person_mean_signs WHERE rowid = ${ann.id}`), 1);
    db.close();
    await quantised.close();
    await exact.close();
  });
});
