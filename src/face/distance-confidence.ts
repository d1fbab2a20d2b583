// A calibrated confidence for a descriptor distance: the probability that the two faces are the same person,
// P(same | d) = sigmoid(slope d + intercept), fitted to labelled pairs by Platt scaling (Platt 1999, with the
// Newton method and backtracking of Lin, Lin and Weng 2007). Platt's smoothed targets (N+ + 1) / (N+ + 2) and
// 1 / (N- + 2) keep the fit finite when the pairs separate perfectly. The intercept is then moved to equal
// prior odds (minus log(N+ / N-)), so the confidence does not depend on how many different-person pairs the
// calibration file happened to hold.
import type { LabelledPair } from './calibration.js';

export interface PlattScaling {
  /** Per unit of distance (negative: farther is less likely the same person). */
  slope: number;
  intercept: number;
}

/** P(same | distance) under equal prior odds. */
export function confidenceAt(scaling: PlattScaling, distance: number): number {
  return 1 / (1 + Math.exp(-(scaling.slope * distance + scaling.intercept)));
}

/** Fits P(same | d) to pairs that hold both kinds (the caller checks). */
export function plattScaling(pairs: readonly LabelledPair[]): PlattScaling {
  const positives = pairs.filter((p) => p.same).length;
  const negatives = pairs.length - positives;
  const [hi, lo] = [(positives + 1) / (positives + 2), 1 / (negatives + 2)];
  const d = pairs.map((p) => p.distance);
  const t = pairs.map((p) => (p.same ? hi : lo));
  // Lin et al.'s form: P(same) = 1 / (1 + exp(A d + B)); the loss is the cross-entropy against the targets.
  const loss = (a: number, b: number) => d.reduce((s, di, i) => {
    const z = a * di + b;
    return s + (z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z)));
  }, 0);
  let [a, b] = [0, Math.log((negatives + 1) / (positives + 1))];
  let value = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let [h11, h22, h21, g1, g2] = [1e-12, 1e-12, 0, 0, 0];
    d.forEach((di, i) => {
      const z = a * di + b;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const w = p * (1 - p);
      h11 += di * di * w;
      h22 += w;
      h21 += di * w;
      g1 += di * (t[i] - p);
      g2 += t[i] - p;
    });
    if (Math.abs(g1) < 1e-9 * pairs.length && Math.abs(g2) < 1e-9 * pairs.length) break;
    const det = h11 * h22 - h21 * h21;
    const [da, db] = [-(h22 * g1 - h21 * g2) / det, -(-h21 * g1 + h11 * g2) / det];
    const slopeOfLoss = g1 * da + g2 * db;
    let step = 1;
    for (; step >= 1e-10; step /= 2) {
      const candidate = loss(a + step * da, b + step * db);
      if (candidate < value + 1e-4 * step * slopeOfLoss) {
        [a, b, value] = [a + step * da, b + step * db, candidate];
        break;
      }
    }
    if (step < 1e-10) break; // no descent left: at the optimum to rounding
  }
  return { slope: -a, intercept: -b - Math.log(positives / negatives) };
}
