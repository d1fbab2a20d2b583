// Threshold calibration: ROC, AUC, equal error rate and the threshold at a FAR, against values worked out
// by hand; the pairs CSV reader; the ROC picture.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { calibrateThreshold, type LabelledPair } from '../src/face/calibration.js';
import { confidenceAt, plattScaling } from '../src/face/distance-confidence.js';
import { calibrationRecord, parseCalibrationRecord } from '../src/face/calibration-record.js';
import { MemoryFaceGallery, matchFaces, verify } from '../src/face/index.js';
import { Generator } from '../src/util/random.js';
import { parsePairsCsv } from '../src/face/pairs-csv.js';
import { rocChart } from '../src/face/roc-chart.js';
import { chartSvg } from '../src/data/chart.js';
import { svgLines } from './helpers/svg-lines.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

// Same 0.1 0.2 0.35 0.5; different 0.3 0.4 0.6 0.7 0.8.
const PAIRS: LabelledPair[] = [
  ...[0.1, 0.2, 0.35, 0.5].map((distance) => ({ distance, same: true })),
  ...[0.3, 0.4, 0.6, 0.7, 0.8].map((distance) => ({ distance, same: false })),
];

describe('calibrateThreshold', () => {
  it('matches the hand-worked ROC, AUC, EER and thresholds', () => {
    const c = calibrateThreshold(PAIRS, 0.2);
    assert.deepEqual(c.roc.slice(1).map((p) => [p.threshold, p.tar, p.far]), [
      [0.1, 0.25, 0], [0.2, 0.5, 0], [0.3, 0.5, 0.2], [0.35, 0.75, 0.2], [0.4, 0.75, 0.4],
      [0.5, 1, 0.4], [0.6, 1, 0.6], [0.7, 1, 0.8], [0.8, 1, 1],
    ]);
    assert.deepEqual([c.roc[0].tar, c.roc[0].far], [0, 0]);
    assert.ok(c.roc[0].threshold < 0.1);
    // AUC = P(same distance < different distance) = 17/20 (Mann-Whitney, counted by hand).
    close(c.auc, 17 / 20, 'auc');
    // FRR - FAR is 0.05 at 0.35 and -0.15 at 0.4: a quarter of the way, EER 0.2 + 0.25 * 0.2 = 0.25.
    close(c.eer, 0.25, 'eer');
    close(c.eerThreshold, 0.3625, 'eer threshold');
    assert.deepEqual([c.threshold, c.far, c.tar], [0.35, 0.2, 0.75]);
    const strict = calibrateThreshold(PAIRS, 0);
    assert.deepEqual([strict.threshold, strict.far, strict.tar], [0.2, 0, 0.5]);
    assert.deepEqual([c.samePairs, c.differentPairs], [4, 5]);
  });

  it('puts tied distances in one ROC point (a threshold accepts them all)', () => {
    const c = calibrateThreshold([{ distance: 0.3, same: true }, { distance: 0.3, same: false }, { distance: 0.1, same: true }, { distance: 0.9, same: false }], 0.5);
    assert.deepEqual(c.roc.slice(1).map((p) => [p.threshold, p.tar, p.far]), [[0.1, 0.5, 0], [0.3, 1, 0.5], [0.9, 1, 1]]);
    assert.equal(c.threshold, 0.3);
  });

  it('rejects pairs it cannot calibrate from', () => {
    assert.throws(() => calibrateThreshold([{ distance: 0.1, same: true }], 0.01), /needs both same-person and different-person pairs, got 1 same and 0 different/);
    assert.throws(() => calibrateThreshold([{ distance: NaN, same: true }], 0.01), /pair 0 must be \{distance: finite number, same: boolean\}/);
    assert.throws(() => calibrateThreshold(PAIRS, 1.5), /the target FAR must be in 0..1, got 1.5/);
  });

  it('draws the ROC curve through every ROC point', async () => {
    // FAR 0..1 over 320 px left to right, TAR 0..1 over 320 px bottom to top.
    const c = calibrateThreshold(PAIRS, 0.2);
    const lines = svgLines((await chartSvg(rocChart(c, { width: 320, height: 320 }))).svg);
    const roc = lines.find((l) => l.label?.startsWith('ROC, AUC 0.8500'));
    assert.ok(roc, `the ROC line is labelled with its AUC (labels: ${lines.map((l) => l.label).join(' | ')})`);
    assert.deepEqual(roc.pieces, [c.roc.map((p) => [p.far * 320, 320 - p.tar * 320])]);
    assert.ok(lines.some((l) => l.label === 'FAR 0.2: threshold 0.350, TAR 75.0%'), 'the operating point is in the legend');
  });
});

describe('calibrated confidence (Platt scaling)', () => {
  it('is at the optimum of the cross-entropy against Platt\'s targets: both gradients vanish', () => {
    const { slope, intercept } = calibrateThreshold(PAIRS, 0.2).confidence;
    assert.ok(slope < 0, `farther is less likely the same person (slope ${slope})`);
    // Back to the pairs' own prior odds (4 same : 5 different), where the fit was made.
    const p = (d: number) => confidenceAt({ slope, intercept: intercept + Math.log(4 / 5) }, d);
    const target = (same: boolean) => (same ? 5 / 6 : 1 / 7);
    const g0 = PAIRS.reduce((s, q) => s + target(q.same) - p(q.distance), 0);
    const g1 = PAIRS.reduce((s, q) => s + q.distance * (target(q.same) - p(q.distance)), 0);
    assert.ok(Math.abs(g0) < 1e-8 && Math.abs(g1) < 1e-8, `gradients ${g0}, ${g1}`);
  });

  it('recovers the posterior of two Gaussian classes, at equal prior odds however many pairs of each', () => {
    // Same ~ N(0.4, 0.1), different ~ N(0.8, 0.1): log-odds (d (0.4 - 0.8) + (0.64 - 0.16) / 2) / 0.01 = -40 d + 24.
    const g = new Generator(21);
    const pairs = [
      ...Array.from({ length: 2000 }, () => ({ distance: 0.4 + 0.1 * g.normal(), same: true })),
      ...Array.from({ length: 6000 }, () => ({ distance: 0.8 + 0.1 * g.normal(), same: false })),
    ];
    const fit = plattScaling(pairs);
    assert.ok(Math.abs(fit.slope + 40) < 4 && Math.abs(fit.intercept - 24) < 2.4, `slope ${fit.slope}, intercept ${fit.intercept}`);
    // At the midpoint the equal-prior posterior is 1/2; under the data's 1 : 3 odds it would be 1/4.
    assert.ok(Math.abs(confidenceAt(fit, 0.6) - 0.5) < 0.05, `confidence at 0.6: ${confidenceAt(fit, 0.6)}`);
  });

  it('stays finite when the pairs separate perfectly, and falls with the distance', () => {
    const fit = plattScaling([0.1, 0.2, 0.3].map((distance) => ({ distance, same: true })).concat([0.7, 0.8].map((distance) => ({ distance, same: false }))));
    assert.ok(Number.isFinite(fit.slope) && Number.isFinite(fit.intercept), JSON.stringify(fit));
    const values = [0, 0.2, 0.5, 0.8, 2].map((d) => confidenceAt(fit, d));
    assert.ok(values.every((v, i) => i === 0 || v < values[i - 1]), `${values}`);
    assert.ok(values[0] > 0.5 && values[4] < 0.5);
  });

  it('verify and identify add it as `confidence` when given a calibration; the contract fields stay as they were', async () => {
    const record = calibrationRecord(calibrateThreshold(PAIRS, 0.2), 'euclidean');
    const [a, b] = [Float32Array.of(0, 0), Float32Array.of(0, 0.5)];
    assert.deepEqual(verify(a, b), { distance: 0.5, threshold: 0.6, same: true });
    assert.deepEqual(verify(a, b, { calibration: record }), { distance: 0.5, threshold: 0.6, same: true, confidence: confidenceAt(record.confidence, 0.5) });
    assert.throws(() => verify(a, b, { metric: 'cosine', calibration: record }), /verify: the calibration was made on euclidean distances, so it gives no confidence for cosine ones/);

    const gallery = new MemoryFaceGallery();
    gallery.add('1', 'ann', Float32Array.of(0, 0.2));
    gallery.add('2', 'bob', Float32Array.of(3, 4));
    const [plain] = await matchFaces([{ descriptor: a }], gallery, { k: 2 });
    assert.deepEqual(plain.match, { id: '1', name: 'ann', distance: Math.fround(0.2) });
    const [face] = await matchFaces([{ descriptor: a }], gallery, { k: 2, calibration: record });
    assert.deepEqual(face.candidates.map((m) => m.confidence), face.candidates.map((m) => confidenceAt(record.confidence, m.distance)));
    assert.equal(face.match, face.candidates[0]);
    await assert.rejects(matchFaces([{ descriptor: a }], gallery, { metric: 'cosine', calibration: record }), /identify: the calibration was made on euclidean distances/);
  });

  it('a saved calibration is checked when read back', () => {
    const record = calibrationRecord(calibrateThreshold(PAIRS, 0.2), 'cosine');
    assert.equal('roc' in record, false, 'the ROC points are not kept');
    assert.deepEqual(parseCalibrationRecord(JSON.parse(JSON.stringify(record)), 'f.json'), record);
    assert.throws(() => parseCalibrationRecord({ format: 'x' }, 'f.json'), /f.json: not a face calibration \(format must be 'convkit-face-calibration'\)/);
    assert.throws(() => parseCalibrationRecord({ ...record, confidence: { slope: 'a' } }, 'f.json'), /f.json: not a face calibration \(confidence must be \{slope, intercept\}/);
    assert.throws(() => parseCalibrationRecord({ ...record, metric: 'l1' }, 'f.json'), /metric must be 'euclidean' or 'cosine', got "l1"/);
  });
});

describe('parsePairsCsv', () => {
  it('reads distance,same and image pairs with any of the label spellings', () => {
    assert.deepEqual(parsePairsCsv('distance,same\n0.4,1\n0.9, no\n\n'), [{ line: 2, same: true, distance: 0.4 }, { line: 3, same: false, distance: 0.9 }]);
    assert.deepEqual(parsePairsCsv('file_x,file_y,decision\r\na.jpg,b.jpg,Yes\n'), [{ line: 2, same: true, imageA: 'a.jpg', imageB: 'b.jpg' }]);
  });

  it('names the file, line and problem', () => {
    assert.throws(() => parsePairsCsv('a,b\nx,y', 'p.csv'), /p.csv:1: no label column \(one of same, decision, label, match\)/);
    assert.throws(() => parsePairsCsv('distance,same\n0.4,maybe', 'p.csv'), /p.csv:2: the label 'maybe' is not one of/);
    assert.throws(() => parsePairsCsv('distance,same\nx,1', 'p.csv'), /p.csv:2: the distance 'x' is not a finite number/);
    assert.throws(() => parsePairsCsv('distance,same\n0.1,1,3', 'p.csv'), /p.csv:2: 3 columns, the header has 2/);
  });
});
