// The face database's schema, as numbered migrations. A database records the migrations applied to it in
// schema_migrations; opening it applies the missing ones in order, inside one write transaction, so two
// processes opening a new file at once cannot both migrate it.
import type Database from 'better-sqlite3';

interface Migration {
  version: number;
  /** The SQL, given the descriptor length the vector tables are declared with. */
  sql: (descriptorLength: number) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // face_vectors mirrors faces (rowid = faces.id) and person_means mirrors people (rowid = people.id):
    // sqlite-vec's vec0 tables answer the k-nearest query; each holds the vector twice, once per metric.
    // AUTOINCREMENT: a removed person's id is never given to someone else.
    sql: (d) => `
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
    `,
  },
];

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
    db.exec(migration.sql(descriptorLength));
    record.run(migration.version, new Date().toISOString());
  }
  const row = db.prepare<{ value: string }>("SELECT value FROM store_meta WHERE key = 'descriptor_length'").get();
  return Number(row!.value);
}
