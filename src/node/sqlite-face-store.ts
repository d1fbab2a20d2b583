// The employee database embedded in one SQLite file: better-sqlite3 for the tables, sqlite-vec's vec0 for
// the nearest-neighbour search. WAL mode lets readers (identify) run while a writer enrols; every write is
// one IMMEDIATE transaction (the write lock is taken up front, so it cannot fail half-way on a lock), and
// synchronous=FULL makes a committed enrolment survive a crash as soon as enroll() has resolved.
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { FaceBox, FaceInput, FaceStore, FaceStoreExport, PersonRecord, StoredFace } from '../face/face-store.js';
import { checkImageSha256, checkPersonName } from '../face/face-store.js';
import type { GalleryMatch, GalleryQueryOptions } from '../face/gallery.js';
import { checkDescriptor, checkMetric } from '../face/descriptor-distance.js';
import { type CalibrationRecord, parseCalibrationRecord } from '../face/calibration-record.js';
import { DEFAULT_THRESHOLDS } from '../face/verify.js';
import { descriptorSigns } from '../face/descriptor-signs.js';
import { float32Of, migrate, personMeanWriter } from './sqlite-face-schema.js';
import { DEFAULT_BUSY_DEADLINE_MS, retryWhileBusy } from './sqlite-busy-retry.js';

export interface SqliteFaceStoreOptions {
  /** The descriptor length of a new database (default 128, dlib's); an existing one keeps its own. */
  descriptorLength?: number;
  /** How long an operation waits for another process's write lock before it fails (default 30 s). */
  busyDeadlineMs?: number;
  /**
   * nearest(k = 1) scans every descriptor exactly while the database holds at most this many (default
   * 20,000: a few ms); above, a Hamming first pass over the descriptors' sign bits picks candidates that are
   * then compared exactly, and an answer farther than the metric's default threshold is checked by the
   * exact scan.
   */
  exactSearchUpTo?: number;
}

interface PersonRow {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
  faces: number;
}

interface FaceRow {
  id: number;
  person_id: number;
  descriptor: Buffer;
  image_sha256: string;
  box: string | null;
  thumbnail: Buffer | null;
  created_at: string;
}

/** sqlite-vec refuses k above 4096. */
const MAX_KNN = 4096;
const DEFAULT_EXACT_SEARCH_UP_TO = 20_000;
/**
 * Candidates the sign-bit pass hands to the exact comparison. In bench/face-signs-recall.ts the true nearest
 * of every same-person query was among the first 2 by Hamming distance (1 is not enough: the seeded test
 * fails with it); sqlite-vec's k-nearest selection costs O(rows * k), so more cost time (16: ~2.5 ms at
 * 100,000, 64: ~17 ms).
 */
const FIRST_PASS_CANDIDATES = 16;
const MMAP_BYTES = 2 ** 30;
/** Busy waits inside SQLite block the event loop: keep each short, retryWhileBusy does the long wait. */
const SQLITE_BUSY_TIMEOUT_MS = 100;

/** Opens (creating and migrating if needed) the face database at `path`. */
export async function openSqliteFaceStore(path: string, options: SqliteFaceStoreOptions = {}): Promise<SqliteFaceStore> {
  const { descriptorLength = 128, busyDeadlineMs = DEFAULT_BUSY_DEADLINE_MS, exactSearchUpTo = DEFAULT_EXACT_SEARCH_UP_TO } = options;
  if (!Number.isInteger(descriptorLength) || descriptorLength < 1 || descriptorLength > 8192) {
    throw new Error(`openSqliteFaceStore: descriptorLength must be an integer in 1..8192, got ${descriptorLength}`);
  }
  if (!(exactSearchUpTo >= 0)) throw new Error(`openSqliteFaceStore: exactSearchUpTo must be a number >= 0 (Infinity: always exact), got ${exactSearchUpTo}`);
  let db: Database;
  try {
    db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`openSqliteFaceStore: cannot open '${path}': ${(error as Error).message}`, { cause: error });
  }
  try {
    sqliteVec.load(db);
    await retryWhileBusy('openSqliteFaceStore', () => db.pragma('journal_mode = WAL'), busyDeadlineMs);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // The k-nearest scan reads every vector: through mmap it skips a read() per page (52 -> 30 ms per
    // query at 100,000 descriptors, bench/face-db.ts). Address space only; SQLite still writes with write().
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    const storedLength = await retryWhileBusy('openSqliteFaceStore', () => db.transaction(() => migrate(db, descriptorLength)).immediate(), busyDeadlineMs);
    if (options.descriptorLength !== undefined && storedLength !== descriptorLength) {
      throw new Error(`openSqliteFaceStore: '${path}' holds descriptors of length ${storedLength}, not ${descriptorLength}`);
    }
    return new SqliteFaceStore(db, storedLength, busyDeadlineMs, exactSearchUpTo);
  } catch (error) {
    db.close();
    throw new Error(`openSqliteFaceStore: '${path}': ${(error as Error).message.replace(/^openSqliteFaceStore: /, '')}`, { cause: error });
  }
}

export class SqliteFaceStore implements FaceStore {
  private readonly statements;
  private readonly writeMean;

  /** Use openSqliteFaceStore(). */
  constructor(private readonly db: Database, readonly descriptorLength: number, private readonly busyDeadlineMs: number, private readonly exactSearchUpTo: number) {
    this.writeMean = personMeanWriter(db);
    // sqlite-vec's own distance functions on the float32 blobs: the same numbers as its exact scan.
    const rerank = (metric: 'l2' | 'cosine', key: string, column: string, table: string) =>
      db.prepare<{ id: number; distance: number }>(`SELECT ${key} AS id, vec_distance_${metric}(${column}, ?) AS distance FROM ${table} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY distance LIMIT 1`);
    const personColumns = 'p.id, p.name, p.created_at, p.updated_at, (SELECT count(*) FROM faces f WHERE f.person_id = p.id) AS faces';
    this.statements = {
      insertPerson: db.prepare('INSERT INTO people (name, created_at, updated_at) VALUES (?, ?, ?)'),
      insertFace: db.prepare('INSERT INTO faces (person_id, descriptor, image_sha256, box, thumbnail, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      insertVector: db.prepare('INSERT INTO face_vectors (rowid, euclidean, cosine, person_id) VALUES (?, ?, ?, ?)'),
      insertSigns: db.prepare('INSERT INTO face_signs (rowid, signs, person_id) VALUES (?, vec_bit(?), ?)'),
      deleteMean: db.prepare('DELETE FROM person_means WHERE rowid = ?'),
      deleteMeanSigns: db.prepare('DELETE FROM person_mean_signs WHERE rowid = ?'),
      touchPerson: db.prepare('UPDATE people SET updated_at = ? WHERE id = ?'),
      renamePerson: db.prepare('UPDATE people SET name = ?, updated_at = ? WHERE id = ?'),
      deleteVectors: db.prepare('DELETE FROM face_vectors WHERE rowid IN (SELECT id FROM faces WHERE person_id = ?)'),
      deleteSigns: db.prepare('DELETE FROM face_signs WHERE rowid IN (SELECT id FROM faces WHERE person_id = ?)'),
      deleteFaces: db.prepare('DELETE FROM faces WHERE person_id = ?'),
      deletePerson: db.prepare('DELETE FROM people WHERE id = ?'),
      person: db.prepare<PersonRow>(`SELECT ${personColumns} FROM people p WHERE p.id = ?`),
      people: db.prepare<PersonRow>(`SELECT ${personColumns} FROM people p ORDER BY p.id`),
      facesOf: db.prepare<FaceRow>('SELECT * FROM faces WHERE person_id = ? ORDER BY id'),
      descriptorsOf: db.prepare<{ descriptor: Buffer }>('SELECT descriptor FROM faces WHERE person_id = ?'),
      calibration: db.prepare<{ value: string }>("SELECT value FROM store_meta WHERE key = 'calibration'"),
      setCalibration: db.prepare("INSERT INTO store_meta (key, value) VALUES ('calibration', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      deleteCalibration: db.prepare("DELETE FROM store_meta WHERE key = 'calibration'"),
      names: db.prepare<{ id: number; name: string }>('SELECT id, name FROM people WHERE id IN (SELECT value FROM json_each(?))'),
      nearestFaces: {
        euclidean: db.prepare<{ person_id: number; distance: number }>('SELECT person_id, distance FROM face_vectors WHERE euclidean MATCH ? AND k = ? ORDER BY distance'),
        cosine: db.prepare<{ person_id: number; distance: number }>('SELECT person_id, distance FROM face_vectors WHERE cosine MATCH ? AND k = ? ORDER BY distance'),
      },
      nearestMeans: {
        euclidean: db.prepare<{ rowid: number; distance: number }>('SELECT rowid, distance FROM person_means WHERE euclidean MATCH ? AND k = ? ORDER BY distance'),
        cosine: db.prepare<{ rowid: number; distance: number }>('SELECT rowid, distance FROM person_means WHERE cosine MATCH ? AND k = ? ORDER BY distance'),
      },
      // The quantised search: how many rows a pass would scan, the sign-bit candidates, their exact distances.
      rows: { 'nearest-photo': db.prepare<{ n: number }>('SELECT count(*) AS n FROM faces'), mean: db.prepare<{ n: number }>('SELECT count(*) AS n FROM people') },
      signCandidates: {
        'nearest-photo': db.prepare<{ rowid: number }>('SELECT rowid FROM face_signs WHERE signs MATCH vec_bit(?) AND k = ?'),
        mean: db.prepare<{ rowid: number }>('SELECT rowid FROM person_mean_signs WHERE signs MATCH vec_bit(?) AND k = ?'),
      },
      rerank: {
        'nearest-photo': { euclidean: rerank('l2', 'person_id', 'descriptor', 'faces'), cosine: rerank('cosine', 'person_id', 'descriptor', 'faces') },
        mean: { euclidean: rerank('l2', 'id', 'mean_descriptor', 'people'), cosine: rerank('cosine', 'id', 'mean_descriptor', 'people') },
      },
    };
  }

  async enroll(name: string, faces: FaceInput[]): Promise<PersonRecord> {
    const caller = 'SqliteFaceStore.enroll';
    const checkedName = checkPersonName(caller, name);
    this.checkFaces(caller, faces);
    return this.write(caller, () => {
      const now = new Date().toISOString();
      const id = Number(this.statements.insertPerson.run(checkedName, now, now).lastInsertRowid);
      this.insertFaces(id, faces, now);
      return this.personRecord(id)!;
    });
  }

  async addFaces(personId: string, faces: FaceInput[]): Promise<PersonRecord> {
    const caller = 'SqliteFaceStore.addFaces';
    const id = parsePersonId(caller, personId);
    this.checkFaces(caller, faces);
    return this.write(caller, () => {
      if (!this.statements.person.get(id)) throw new Error(`${caller}: no person with id '${personId}'`);
      const now = new Date().toISOString();
      this.insertFaces(id, faces, now);
      this.statements.touchPerson.run(now, id);
      return this.personRecord(id)!;
    });
  }

  async remove(personId: string): Promise<boolean> {
    const id = parsePersonId('SqliteFaceStore.remove', personId);
    return this.write('SqliteFaceStore.remove', () => {
      this.statements.deleteVectors.run(id);
      this.statements.deleteSigns.run(id);
      this.statements.deleteFaces.run(id);
      this.statements.deleteMean.run(id);
      this.statements.deleteMeanSigns.run(id);
      return this.statements.deletePerson.run(id).changes === 1;
    });
  }

  async rename(personId: string, name: string): Promise<PersonRecord> {
    const caller = 'SqliteFaceStore.rename';
    const id = parsePersonId(caller, personId);
    const checkedName = checkPersonName(caller, name);
    return this.write(caller, () => {
      if (this.statements.renamePerson.run(checkedName, new Date().toISOString(), id).changes === 0) throw new Error(`${caller}: no person with id '${personId}'`);
      return this.personRecord(id)!;
    });
  }

  async calibration(): Promise<CalibrationRecord | undefined> {
    const row = await this.read('SqliteFaceStore.calibration', () => this.statements.calibration.get());
    return row ? parseCalibrationRecord(JSON.parse(row.value), 'SqliteFaceStore.calibration') : undefined;
  }

  async setCalibration(calibration: CalibrationRecord | null): Promise<void> {
    const caller = 'SqliteFaceStore.setCalibration';
    if (calibration === null) return void (await this.write(caller, () => this.statements.deleteCalibration.run()));
    const checked = parseCalibrationRecord(calibration, caller);
    await this.write(caller, () => this.statements.setCalibration.run(JSON.stringify(checked)));
  }

  async get(personId: string): Promise<PersonRecord | undefined> {
    const id = parsePersonId('SqliteFaceStore.get', personId);
    return this.read('SqliteFaceStore.get', () => this.personRecord(id));
  }

  async list(): Promise<PersonRecord[]> {
    return this.read('SqliteFaceStore.list', () => this.statements.people.all().map(toPersonRecord));
  }

  async faces(personId: string): Promise<StoredFace[]> {
    const id = parsePersonId('SqliteFaceStore.faces', personId);
    return this.read('SqliteFaceStore.faces', () => this.statements.facesOf.all(id).map(toStoredFace));
  }

  async nearest(descriptor: Float32Array, k: number, options: GalleryQueryOptions = {}): Promise<GalleryMatch[]> {
    const caller = 'SqliteFaceStore.nearest';
    const { by = 'nearest-photo', metric = 'euclidean' } = options;
    this.checkDescriptorLength(caller, descriptor);
    checkMetric(caller, metric);
    if (by !== 'nearest-photo' && by !== 'mean') throw new Error(`${caller}: by must be 'nearest-photo' or 'mean', got ${JSON.stringify(by)}`);
    if (!Number.isInteger(k) || k < 1 || k > MAX_KNN) throw new Error(`${caller}: k must be an integer in 1..${MAX_KNN}, got ${k}`);
    const query = Float32Array.from(descriptor);
    // One read transaction: the distances and the names come from the same snapshot.
    return this.read(caller, () => this.db.transaction(() => {
      const distances = (k === 1 && this.quantisedNearest(query, by, metric)) || (by === 'mean' ? this.nearestMeans(query, k, metric) : this.nearestPhotos(query, k, metric));
      const names = new Map(this.statements.names.all(JSON.stringify([...distances.keys()])).map((row) => [row.id, row.name]));
      // float32 rounding can put an identical direction a hair below 0 in cosine distance.
      return [...distances].map(([id, distance]) => ({ id: String(id), name: names.get(id)!, distance: Math.max(0, distance) }));
    })());
  }

  async exportJson(): Promise<FaceStoreExport> {
    return this.read('SqliteFaceStore.exportJson', () => this.db.transaction(() => ({
      format: 'convkit-faces' as const,
      version: 1 as const,
      descriptorLength: this.descriptorLength,
      people: this.statements.people.all().map((person) => ({
        id: String(person.id),
        name: person.name,
        createdAt: person.created_at,
        faces: this.statements.facesOf.all(person.id).map((row) => {
          const face = toStoredFace(row);
          return {
            descriptor: Array.from(face.descriptor),
            imageSha256: face.imageSha256,
            ...(face.box ? { box: face.box } : {}),
            ...(face.thumbnail ? { thumbnail: Buffer.from(face.thumbnail).toString('base64') } : {}),
            createdAt: face.createdAt,
          };
        }),
      })),
    }))());
  }

  async importJson(data: FaceStoreExport): Promise<PersonRecord[]> {
    const caller = 'SqliteFaceStore.importJson';
    if (data?.format !== 'convkit-faces' || data.version !== 1 || !Array.isArray(data.people)) {
      throw new Error(`${caller}: expected the JSON that exportJson() writes ({format: 'convkit-faces', version: 1, people: [...]}), got format ${JSON.stringify(data?.format)} version ${JSON.stringify(data?.version)}`);
    }
    const people = data.people.map((person, i) => {
      const where = `${caller}: people[${i}]`;
      if (!Array.isArray(person?.faces)) throw new Error(`${where}.faces must be an array`);
      const faces = person.faces.map((face) => ({
        descriptor: Float32Array.from(face.descriptor ?? []),
        imageSha256: face.imageSha256,
        box: face.box,
        thumbnail: face.thumbnail === undefined ? undefined : new Uint8Array(Buffer.from(face.thumbnail, 'base64')),
        createdAt: face.createdAt,
      }));
      this.checkFaces(where, faces);
      return { name: checkPersonName(where, person.name), createdAt: typeof person.createdAt === 'string' ? person.createdAt : undefined, faces };
    });
    return this.write(caller, () => people.map((person) => {
      const now = new Date().toISOString();
      const id = Number(this.statements.insertPerson.run(person.name, person.createdAt ?? now, now).lastInsertRowid);
      this.insertFaces(id, person.faces, now);
      return this.personRecord(id)!;
    }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private insertFaces(personId: number, faces: Array<FaceInput & { createdAt?: string }>, now: string): void {
    for (const face of faces) {
      const descriptor = Float32Array.from(face.descriptor);
      const faceId = this.statements.insertFace.run(personId, blobOf(descriptor), face.imageSha256, face.box ? JSON.stringify(face.box) : null, face.thumbnail ?? null, face.createdAt ?? now).lastInsertRowid;
      this.statements.insertVector.run(BigInt(faceId), descriptor, descriptor, BigInt(personId));
      this.statements.insertSigns.run(BigInt(faceId), descriptorSigns(descriptor), BigInt(personId));
    }
    this.writeMean(personId, this.statements.descriptorsOf.all(personId).map((row) => float32Of(row.descriptor)));
  }

  /**
   * The nearest person by the sign-bit first pass and an exact re-ranking of its candidates; undefined
   * (search exactly) in a small database, and when the answer is farther than the metric's default
   * threshold: a stranger's nearest person is far from the query in sign bits too, so the pass's candidates
   * need not hold them.
   */
  private quantisedNearest(query: Float32Array, by: 'nearest-photo' | 'mean', metric: 'euclidean' | 'cosine'): Map<number, number> | undefined {
    if (this.statements.rows[by].get()!.n <= this.exactSearchUpTo) return undefined;
    const candidates = this.statements.signCandidates[by].all(descriptorSigns(query), FIRST_PASS_CANDIDATES).map((row) => row.rowid);
    const best = this.statements.rerank[by][metric].get(query, JSON.stringify(candidates));
    return best && best.distance <= DEFAULT_THRESHOLDS[metric] ? new Map([[best.id, best.distance]]) : undefined;
  }

  /** Each person's distance to their nearest photo: asks for more photos until k people are among them. */
  private nearestPhotos(query: Float32Array, k: number, metric: 'euclidean' | 'cosine'): Map<number, number> {
    const statement = this.statements.nearestFaces[metric];
    for (let photos = Math.min(MAX_KNN, Math.max(16, 4 * k)); ; photos = Math.min(MAX_KNN, photos * 4)) {
      const rows = statement.all(query, photos);
      const people = new Map<number, number>();
      for (const row of rows) if (!people.has(row.person_id)) people.set(row.person_id, row.distance);
      const exhausted = rows.length < photos || photos === MAX_KNN;
      if (people.size >= k || exhausted) return new Map([...people].slice(0, k));
    }
  }

  private nearestMeans(query: Float32Array, k: number, metric: 'euclidean' | 'cosine'): Map<number, number> {
    return new Map(this.statements.nearestMeans[metric].all(query, k).map((row) => [row.rowid, row.distance]));
  }

  private personRecord(id: number): PersonRecord | undefined {
    const row = this.statements.person.get(id);
    return row && toPersonRecord(row);
  }

  private checkFaces(caller: string, faces: Array<FaceInput>): void {
    if (!Array.isArray(faces) || faces.length === 0) throw new Error(`${caller}: needs at least one face, got ${Array.isArray(faces) ? 'an empty list' : typeof faces}`);
    faces.forEach((face, i) => {
      const where = `${caller}: face ${i}`;
      this.checkDescriptorLength(where, face?.descriptor);
      checkImageSha256(where, face.imageSha256);
      if (face.box !== undefined && !(Array.isArray(face.box) && face.box.length === 4 && face.box.every(Number.isFinite))) {
        throw new Error(`${where}: box must be [x1, y1, x2, y2] of finite numbers, got ${JSON.stringify(face.box)}`);
      }
      if (face.thumbnail !== undefined && !(face.thumbnail instanceof Uint8Array)) throw new Error(`${where}: thumbnail must be a Uint8Array of image bytes`);
    });
  }

  private checkDescriptorLength(caller: string, descriptor: ArrayLike<number>): void {
    checkDescriptor(caller, descriptor);
    if (descriptor.length !== this.descriptorLength) {
      throw new Error(`${caller}: descriptor of length ${descriptor.length}, but this database holds descriptors of length ${this.descriptorLength}`);
    }
  }

  private write<T>(what: string, work: () => T): Promise<T> {
    if (!this.db.open) throw new Error(`${what}: the face database is closed`);
    return retryWhileBusy(what, () => this.db.transaction(work).immediate(), this.busyDeadlineMs);
  }

  private read<T>(what: string, work: () => T): Promise<T> {
    if (!this.db.open) throw new Error(`${what}: the face database is closed`);
    return retryWhileBusy(what, work, this.busyDeadlineMs);
  }
}

/** People's ids are the decimal strings of SQLite's integer keys. */
function parsePersonId(caller: string, personId: unknown): number {
  if (typeof personId !== 'string' || !/^[1-9][0-9]{0,15}$/.test(personId)) throw new Error(`${caller}: a person id is a decimal string such as '12', got ${JSON.stringify(personId)}`);
  return Number(personId);
}

function toPersonRecord(row: PersonRow): PersonRecord {
  return { id: String(row.id), name: row.name, faces: row.faces, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toStoredFace(row: FaceRow): StoredFace {
  return {
    id: String(row.id),
    personId: String(row.person_id),
    descriptor: float32Of(row.descriptor),
    imageSha256: row.image_sha256,
    ...(row.box ? { box: JSON.parse(row.box) as FaceBox } : {}),
    ...(row.thumbnail ? { thumbnail: new Uint8Array(row.thumbnail) } : {}),
    createdAt: row.created_at,
  };
}

function blobOf(descriptor: Float32Array): Buffer {
  return Buffer.from(descriptor.buffer, descriptor.byteOffset, descriptor.byteLength);
}
