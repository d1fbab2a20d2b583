// Threshold calibration: ROC, AUC, equal error rate and the threshold at a FAR, against values worked out
// by hand; the pairs CSV reader; the ROC picture.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { calibrateThreshold, type LabelledPair } from '../src/face/calibration.js';
import { parsePairsCsv } from '../src/face/pairs-csv.js';
import { rocChart } from '../src/face/roc-chart.js';

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

  it('draws the ROC curve', () => {
    const image = rocChart(calibrateThreshold(PAIRS, 0.2), { width: 320, height: 320 });
    assert.deepEqual([image.width, image.height, image.channels], [320, 320, 3]);
    assert.ok(image.data.some((v) => v < 128), 'something is drawn');
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
