// The face database's schema, as numbered migrations. A database records the migrations applied to it in
// schema_migrations; opening it applies the missing ones in order, inside one write transaction, so two
// processes opening a new file at once cannot both migrate it.
import type Database from 'better-sqlite3';
import { meanDescriptor } from '../face/descriptor-distance.js';
import { descriptorSigns, signBitsLength } from '../face/descriptor-signs.js';

interface Migration {
  version: number;
  /** Applies the migration, given the descriptor length the vector tables are declared with. */
  apply: (db: Database, descriptorLength: number) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // face_vectors mirrors faces (rowid = faces.id) and person_means mirrors people (rowid = people.id):
    // sqlite-vec's vec0 tables answer the k-nearest query; each holds the vector twice, once per metric.
    // AUTOINCREMENT: a removed person's id is never given to someone else.
    apply: (db, d) => db.exec(`
      CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE people (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE faces (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        descriptor BLOB NOT NULL,
        image_sha256 TEXT NOT NULL,
        box TEXT,
        thumbnail BLOB,
        created_at TEXT NOT NULL
      );
      CREATE INDEX faces_by_person ON faces(person_id);
      CREATE INDEX faces_by_image ON faces(image_sha256);
      CREATE VIRTUAL TABLE face_vectors USING vec0(
        euclidean float[${d}] distance_metric=l2,
        cosine float[${d}] distance_metric=cosine,
        +person_id integer
      );
      CREATE VIRTUAL TABLE person_means USING vec0(
        euclidean float[${d}] distance_metric=l2,
        cosine float[${d}] distance_metric=cosine
      );
      INSERT INTO store_meta (key, value) VALUES ('descriptor_length', '${d}');
    `),
  },
  {
    version: 2,
    // The sign bits of every photo's descriptor and of every person's mean (16 bytes for 128-d), for the
    // Hamming first pass of the search in large databases; people.mean_descriptor holds the mean as float32
    // so that pass's candidates are re-ranked without a lookup into a vec0 table (slow by rowid).
    apply: (db, d) => {
      db.exec(`
        ALTER TABLE people ADD COLUMN mean_descriptor BLOB;
        CREATE VIRTUAL TABLE face_signs USING vec0(signs bit[${signBitsLength(d)}], +person_id integer);
        CREATE VIRTUAL TABLE person_mean_signs USING vec0(signs bit[${signBitsLength(d)}]);
      `);
      const insertFaceSigns = db.prepare('INSERT INTO face_signs (rowid, signs, person_id) VALUES (?, vec_bit(?), ?)');
      // In pages: better-sqlite3 cannot write while a query is being iterated, and all() at once could be large.
      const page = db.prepare<{ id: number; person_id: number; descriptor: Buffer }>('SELECT id, person_id, descriptor FROM faces WHERE id > ? ORDER BY id LIMIT 10000');
      for (let rows = page.all(0); rows.length > 0; rows = page.all(rows[rows.length - 1].id)) {
        for (const face of rows) insertFaceSigns.run(BigInt(face.id), descriptorSigns(float32Of(face.descriptor)), BigInt(face.person_id));
      }
      const descriptorsOf = db.prepare<{ descriptor: Buffer }>('SELECT descriptor FROM faces WHERE person_id = ?');
      const writeMean = personMeanWriter(db);
      for (const { id } of db.prepare<{ id: number }>('SELECT id FROM people').all()) {
        writeMean(id, descriptorsOf.all(id).map((row) => float32Of(row.descriptor)));
      }
    },
  },
];

/** Returns a function that stores a person's mean descriptor everywhere the search reads it: vec0 for the
 * exact pass, the sign bits and the float32 blob for the quantised one. */
export function personMeanWriter(db: Database): (personId: number, descriptors: Float32Array[]) => void {
  const statements = [
    db.prepare('DELETE FROM person_means WHERE rowid = ?'),
    db.prepare('INSERT INTO person_means (rowid, euclidean, cosine) VALUES (?, ?, ?)'),
    db.prepare('DELETE FROM person_mean_signs WHERE rowid = ?'),
    db.prepare('INSERT INTO person_mean_signs (rowid, signs) VALUES (?, vec_bit(?))'),
    db.prepare('UPDATE people SET mean_descriptor = ? WHERE id = ?'),
  ];
  const [deleteMean, insertMean, deleteSigns, insertSigns, setMean] = statements;
  return (personId, descriptors) => {
    const mean = Float32Array.from(meanDescriptor(descriptors));
    const id = BigInt(personId);
    deleteMean.run(id);
    insertMean.run(id, mean, mean);
    deleteSigns.run(id);
    insertSigns.run(id, descriptorSigns(mean));
    setMean.run(Buffer.from(mean.buffer), id);
  };
}

/** A copy: the Buffer better-sqlite3 returns may not be 4-byte aligned. */
export function float32Of(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Applies the missing migrations; returns the descriptor length the database was created with. */
export function migrate(db: Database, descriptorLength: number): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare<{ version: number }>('SELECT version FROM schema_migrations').all().map((row) => row.version));
  const newest = Math.max(0, ...applied);
  if (newest > SCHEMA_VERSION) {
    throw new Error(`the face database has schema version ${newest}, newer than this ConvKit's ${SCHEMA_VERSION}: upgrade ConvKit to open it`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    migration.apply(db, descriptorLength);
    record.run(migration.version, new Date().toISOString());
  }
  const row = db.prepare<{ value: string }>("SELECT value FROM store_meta WHERE key = 'descriptor_length'").get();
  return Number(row!.value);
}
