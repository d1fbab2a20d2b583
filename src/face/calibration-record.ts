// A calibration as it is saved (`convkit faces calibrate --save FILE` or `--db F`) and read back: the
// metric it was measured in, the operating points and the confidence fit, without the ROC's points.
import type { Calibration } from './calibration.js';
import type { DescriptorMetric } from './gallery.js';
import { confidenceAt } from './distance-confidence.js';
import { checkMetric } from './descriptor-distance.js';

/** A Calibration without its ROC points, tagged with its format and the metric it was measured in. */
export interface CalibrationRecord extends Omit<Calibration, 'roc'> {
  format: 'convkit-face-calibration';
  version: 1;
  /** The distances it was calibrated on: a confidence applies to distances in this metric only. */
  metric: DescriptorMetric;
}

const NUMBERS = ['samePairs', 'differentPairs', 'auc', 'eer', 'eerThreshold', 'targetFar', 'threshold', 'far', 'tar'] as const;

export function calibrationRecord(calibration: Calibration, metric: DescriptorMetric): CalibrationRecord {
  const { roc: _roc, ...summary } = calibration;
  return { format: 'convkit-face-calibration', version: 1, metric: checkMetric('calibrationRecord', metric), ...summary };
}

/** Checks a record read from JSON; `source` names where it came from in the error. */
export function parseCalibrationRecord(value: unknown, source: string): CalibrationRecord {
  const r = value as Partial<CalibrationRecord> | null;
  const bad = (why: string) => new Error(`${source}: not a face calibration (${why}); make one with \`convkit faces calibrate pairs.csv --save FILE\``);
  if (r === null || typeof r !== 'object' || r.format !== 'convkit-face-calibration') throw bad(`format must be 'convkit-face-calibration'`);
  if (r.version !== 1) throw bad(`version ${JSON.stringify(r.version)}, this ConvKit reads version 1`);
  if (r.metric !== 'euclidean' && r.metric !== 'cosine') throw bad(`metric must be 'euclidean' or 'cosine', got ${JSON.stringify(r.metric)}`);
  for (const key of NUMBERS) if (!Number.isFinite(r[key])) throw bad(`${key} must be a finite number, got ${JSON.stringify(r[key])}`);
  const c = r.confidence;
  if (!c || !Number.isFinite(c.slope) || !Number.isFinite(c.intercept)) throw bad(`confidence must be {slope, intercept}, got ${JSON.stringify(c)}`);
  return r as CalibrationRecord;
}

/** The confidence of a distance measured in `metric`; throws naming `caller` when the calibration is for another metric. */
export function calibratedConfidence(caller: string, calibration: CalibrationRecord, metric: DescriptorMetric, distance: number): number {
  if (calibration.metric !== metric) {
    throw new Error(`${caller}: the calibration was made on ${calibration.metric} distances, so it gives no confidence for ${metric} ones (calibrate on ${metric} distances, or match by ${calibration.metric})`);
  }
  return confidenceAt(calibration.confidence, distance);
}
