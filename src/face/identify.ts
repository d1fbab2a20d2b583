// 1:K recognition: every face in an image, matched against the enrolled people of a gallery. Enrolling or
// removing someone changes the gallery only; nothing is retrained.
import type { RawImage } from '../data/image.js';
import type { FaceGallery, GalleryMatch, GalleryQueryOptions } from './gallery.js';
import { checkMetric } from './descriptor-distance.js';
import { describeFaces, type DescribeFacesOptions, type DescribedFace, type FaceModels } from './describe-faces.js';
import { resolveThreshold } from './verify.js';
import { type CalibrationRecord, calibratedConfidence } from './calibration-record.js';

export interface IdentifyOptions extends DescribeFacesOptions, GalleryQueryOptions {
  /** Candidates to return per face, nearest first (default 1). */
  k?: number;
  /** The best candidate is a match when at or below this distance (default DEFAULT_THRESHOLDS[metric]). */
  threshold?: number;
  /** When given, every match and candidate has `confidence`: P(same | distance) from it. */
  calibration?: CalibrationRecord;
}

/** A gallery's match, with P(same | distance) when identify was given a calibration. */
export interface IdentifiedMatch extends GalleryMatch {
  confidence?: number;
}

export interface IdentifiedFace extends DescribedFace {
  /** The nearest person, or null ("unknown") when even they are farther than the threshold. */
  match: IdentifiedMatch | null;
  /** The k nearest people, nearest first, whatever their distance. */
  candidates: IdentifiedMatch[];
}

export async function identify(image: RawImage, gallery: FaceGallery, models: FaceModels, options: IdentifyOptions = {}): Promise<IdentifiedFace[]> {
  const { k, threshold, by, metric, calibration, ...describeOptions } = options;
  checkMatchOptions({ k, threshold, metric, calibration });
  return matchFaces(await describeFaces(image, models, describeOptions), gallery, { k, threshold, by, metric, calibration });
}

export type MatchOptions = Pick<IdentifyOptions, 'k' | 'threshold' | 'by' | 'metric' | 'calibration'>;

/** Each described face (from describeFaces or any other describer) with its k nearest people and its match. */
export async function matchFaces<Face extends { descriptor: Float32Array }>(faces: Face[], gallery: FaceGallery, options: MatchOptions = {}): Promise<Array<Face & { match: IdentifiedMatch | null; candidates: IdentifiedMatch[] }>> {
  const { k = 1, by, metric = 'euclidean', calibration } = options;
  const limit = checkMatchOptions(options);
  const withConfidence = (m: GalleryMatch): IdentifiedMatch => (calibration ? { ...m, confidence: calibratedConfidence('identify', calibration, metric, m.distance) } : m);
  return Promise.all(
    faces.map(async (face) => {
      const candidates = (await gallery.nearest(face.descriptor, k, { by, metric })).map(withConfidence);
      const best = candidates[0];
      return { ...face, match: best && best.distance <= limit ? best : null, candidates };
    }),
  );
}

/** Checks k and the metric; returns the threshold to use. */
function checkMatchOptions({ k = 1, threshold, metric = 'euclidean', calibration }: MatchOptions): number {
  checkMetric('identify', metric);
  if (calibration) calibratedConfidence('identify', calibration, metric, 0); // a calibration for another metric fails before any work
  const limit = resolveThreshold('identify', metric, threshold);
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`identify: k must be a positive integer, got ${k}`);
  return limit;
}
