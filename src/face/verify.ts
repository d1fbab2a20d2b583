// 1:1 verification: is descriptor b the same person as descriptor a? A distance against a threshold.
import type { DescriptorMetric } from './gallery.js';
import { checkDescriptorPair, checkMetric, descriptorDistance } from './descriptor-distance.js';
import { type CalibrationRecord, calibratedConfidence } from './calibration-record.js';

/**
 * Thresholds for dlib's descriptor: Euclidean 0.6 (dlib's and face_recognition's "tolerance"); cosine 0.07
 * (deepface's find_threshold for Dlib). Faces at or below the threshold are the same person.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<DescriptorMetric, number>> = { euclidean: 0.6, cosine: 0.07 };

export interface VerifyOptions {
  /** Default 'euclidean'. */
  metric?: DescriptorMetric;
  /** Default DEFAULT_THRESHOLDS[metric]. */
  threshold?: number;
  /** When given, the result has `confidence`: P(same | distance) from it (its metric must be this one). */
  calibration?: CalibrationRecord;
}

export interface Verification {
  distance: number;
  threshold: number;
  /** distance <= threshold */
  same: boolean;
  /** P(same | distance) from the calibration given (equal prior odds); absent without one. */
  confidence?: number;
}

export function verify(a: ArrayLike<number>, b: ArrayLike<number>, options: VerifyOptions = {}): Verification {
  const metric = checkMetric('verify', options.metric ?? 'euclidean');
  const threshold = resolveThreshold('verify', metric, options.threshold);
  checkDescriptorPair('verify', a, b);
  const distance = descriptorDistance(a, b, metric);
  const verdict = { distance, threshold, same: distance <= threshold };
  return options.calibration ? { ...verdict, confidence: calibratedConfidence('verify', options.calibration, metric, distance) } : verdict;
}

/** The threshold given, checked, or the metric's default. */
export function resolveThreshold(fn: string, metric: DescriptorMetric, threshold: number | undefined): number {
  if (threshold === undefined) return DEFAULT_THRESHOLDS[metric];
  if (!(typeof threshold === 'number' && Number.isFinite(threshold) && threshold >= 0)) {
    throw new Error(`${fn}: threshold must be a finite number >= 0, got ${threshold}`);
  }
  return threshold;
}
