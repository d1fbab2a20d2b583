// Threshold calibration from labelled pairs: the ROC curve (true-accept against false-accept rate as the
// threshold sweeps the distances), the equal error rate, and the threshold that keeps false accepts at or
// below a chosen rate. A pair is accepted ("same person") when its distance is at or below the threshold.
// It also fits the calibrated confidence P(same | distance) (Platt scaling, distance-confidence.ts).
import { type PlattScaling, plattScaling } from './distance-confidence.js';

export interface LabelledPair {
  distance: number;
  same: boolean;
}

export interface RocPoint {
  threshold: number;
  /** False-accept rate: different-person pairs accepted / different-person pairs. */
  far: number;
  /** True-accept rate: same-person pairs accepted / same-person pairs. */
  tar: number;
}

export interface Calibration {
  samePairs: number;
  differentPairs: number;
  /** One point per distinct distance, thresholds ascending, from (0, 0) to (1, 1). */
  roc: RocPoint[];
  /** Area under the ROC curve (trapezoids). */
  auc: number;
  /** Where the false-accept and false-reject rates meet (interpolated between ROC points). */
  eer: number;
  eerThreshold: number;
  /** The FAR asked for, the largest threshold whose FAR is at most that, and the rates there. */
  targetFar: number;
  threshold: number;
  far: number;
  tar: number;
  /** P(same | distance) = sigmoid(slope d + intercept), under equal prior odds. */
  confidence: PlattScaling;
}

export function calibrateThreshold(pairs: readonly LabelledPair[], targetFar: number): Calibration {
  if (!(Number.isFinite(targetFar) && targetFar >= 0 && targetFar <= 1)) throw new Error(`calibrateThreshold: the target FAR must be in 0..1, got ${targetFar}`);
  pairs.forEach((p, i) => {
    if (!Number.isFinite(p?.distance) || typeof p.same !== 'boolean') throw new Error(`calibrateThreshold: pair ${i} must be {distance: finite number, same: boolean}, got ${JSON.stringify(p)}`);
  });
  const samePairs = pairs.filter((p) => p.same).length;
  const differentPairs = pairs.length - samePairs;
  if (samePairs === 0 || differentPairs === 0) {
    throw new Error(`calibrateThreshold: needs both same-person and different-person pairs, got ${samePairs} same and ${differentPairs} different`);
  }
  const sorted = [...pairs].sort((a, b) => a.distance - b.distance);
  // Below the smallest distance nothing is accepted.
  const roc: RocPoint[] = [{ threshold: sorted[0].distance - Math.max(1e-9, Math.abs(sorted[0].distance) * 1e-9), far: 0, tar: 0 }];
  let acceptedSame = 0;
  let acceptedDifferent = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].same) acceptedSame++;
    else acceptedDifferent++;
    // Ties: a threshold accepts every pair at its distance, so one point after the last of them.
    if (i + 1 < sorted.length && sorted[i + 1].distance === sorted[i].distance) continue;
    roc.push({ threshold: sorted[i].distance, far: acceptedDifferent / differentPairs, tar: acceptedSame / samePairs });
  }
  let auc = 0;
  for (let i = 1; i < roc.length; i++) auc += ((roc[i].far - roc[i - 1].far) * (roc[i].tar + roc[i - 1].tar)) / 2;

  // FRR - FAR falls from 1 to -1 as the threshold grows: interpolate where it crosses 0.
  const gap = (p: RocPoint) => 1 - p.tar - p.far;
  const crossing = roc.findIndex((p) => gap(p) <= 0);
  const [before, after] = [roc[crossing - 1], roc[crossing]];
  const t = gap(before) / (gap(before) - gap(after));
  const eer = before.far + t * (after.far - before.far);
  const eerThreshold = before.threshold + t * (after.threshold - before.threshold);

  const chosen = roc.filter((p) => p.far <= targetFar).pop()!;
  return { samePairs, differentPairs, roc, auc, eer, eerThreshold, targetFar, threshold: chosen.threshold, far: chosen.far, tar: chosen.tar, confidence: plattScaling(pairs) };
}
