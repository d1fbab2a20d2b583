// The employee database behind identify(): people, each with the descriptors of their enrolled photos.
// Enrolling or removing someone is a row change, never a retraining. The interface is all a server needs,
// so the embedded SQLite store (convkit/node) can be replaced by a server database without touching callers.
import type { FaceGallery } from './gallery.js';
import type { CalibrationRecord } from './calibration-record.js';

/** Face box in the source image's pixels: [x1, y1, x2, y2]. */
export type FaceBox = [number, number, number, number];

/** One photo's face, as the store keeps it. */
export interface FaceInput {
  descriptor: Float32Array;
  /** SHA-256 of the source image's bytes, lowercase hex: says which photo a descriptor came from. */
  imageSha256: string;
  box?: FaceBox;
  /** A small JPEG of the face, for lists and audits. */
  thumbnail?: Uint8Array;
}

export interface PersonRecord {
  id: string;
  name: string;
  /** How many descriptors (photos) are stored for the person. */
  faces: number;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFace extends FaceInput {
  id: string;
  personId: string;
  createdAt: string;
}

/** The JSON form of a whole store (export/import); descriptors as plain number arrays, thumbnails base64. */
export interface FaceStoreExport {
  format: 'convkit-faces';
  version: 1;
  descriptorLength: number;
  people: Array<{
    id: string;
    name: string;
    createdAt: string;
    faces: Array<{ descriptor: number[]; imageSha256: string; box?: FaceBox; thumbnail?: string; createdAt: string }>;
  }>;
}

export interface FaceStore extends FaceGallery {
  /** The length every descriptor in the store has (128 for dlib's network). */
  readonly descriptorLength: number;
  /** Creates a person with their first photos, all or nothing. */
  enroll(name: string, faces: FaceInput[]): Promise<PersonRecord>;
  /** Adds photos to an existing person, all or nothing. */
  addFaces(personId: string, faces: FaceInput[]): Promise<PersonRecord>;
  /** Deletes the person and every descriptor of theirs in one transaction; false when there was no such person. */
  remove(personId: string): Promise<boolean>;
  rename(personId: string, name: string): Promise<PersonRecord>;
  get(personId: string): Promise<PersonRecord | undefined>;
  list(): Promise<PersonRecord[]>;
  faces(personId: string): Promise<StoredFace[]>;
  exportJson(): Promise<FaceStoreExport>;
  /** Adds every person of `data` as a new person (new ids), all or nothing; returns them in order. */
  importJson(data: FaceStoreExport): Promise<PersonRecord[]>;
  /** The threshold calibration kept with the store (identify's confidences), if one was set. */
  calibration(): Promise<CalibrationRecord | undefined>;
  /** Keeps `calibration` with the store, replacing any before; null removes it. */
  setCalibration(calibration: CalibrationRecord | null): Promise<void>;
  close(): Promise<void>;
}

export const MAX_PERSON_NAME_LENGTH = 200;

/** The name trimmed; throws naming `caller` unless it is a non-empty string of at most 200 characters. */
export function checkPersonName(caller: string, name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new Error(`${caller}: a person's name must be a non-empty string, got ${JSON.stringify(name)}`);
  const trimmed = name.trim();
  if (trimmed.length > MAX_PERSON_NAME_LENGTH) throw new Error(`${caller}: a person's name is at most ${MAX_PERSON_NAME_LENGTH} characters, got ${trimmed.length}`);
  return trimmed;
}

export function checkImageSha256(caller: string, hash: unknown): string {
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw new Error(`${caller}: imageSha256 must be 64 lowercase hex digits, got ${JSON.stringify(hash)}`);
  return hash;
}
