// mAP with COCO's rules, on hand-worked cases. pycocotools is not installed here, so each expected value is
// derived in the comment above it: precision at each rank, its envelope, then the 101 recall points
// 0, 0.01, ..., 1 each read the envelope at the first rank whose recall reaches the point (0 past the end).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../src/index.js';
import { meanAveragePrecision, precisionRecallChart, COCO_IOU_THRESHOLDS, COCO_RECALL_POINTS } from '../src/detect/index.js';
import { MEAN_CURVE_COLOR } from '../src/detect/precision-recall-chart.js';
import { chartSvg } from '../src/data/chart.js';
import { svgLines } from './helpers/svg-lines.js';

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

// Three objects of one class, found exactly by the detections scoring 0.9 and 0.7; the 0.8 one hits nothing.
const g1 = [0, 0, 10, 10], g2 = [20, 0, 30, 10], g3 = [40, 0, 50, 10], nowhere = [100, 100, 110, 110];
const threeObjects = [{ boxes: [g1, g2, g3], classes: [0, 0, 0] }];
const tpFpTp = [{ boxes: [g1, nowhere, g2], scores: [0.9, 0.8, 0.7], classes: [0, 0, 0] }];

it('thresholds and recall points are numpy linspace values', () => {
  assert.equal(COCO_IOU_THRESHOLDS.length, 10);
  close(COCO_IOU_THRESHOLDS[0], 0.5, 'first');
  close(COCO_IOU_THRESHOLDS[9], 0.95, 'last');
  assert.equal(COCO_RECALL_POINTS.length, 101);
  assert.equal(COCO_RECALL_POINTS[100], 1);
});

it('101-point interpolation of a ranking with a false positive between two hits', () => {
  // Ranks TP, FP, TP of 3 objects: precision 1, 1/2, 2/3; recall 1/3, 1/3, 2/3; envelope 1, 2/3, 2/3.
  // Points 0..0.33 (34) read rank 1 (precision 1), 0.34..0.66 (33) rank 3 (2/3), 0.67..1 (34) nothing (0):
  // AP = (34 + 33 * 2/3) / 101 = 56 / 101 at every IoU threshold (the boxes are exact).
  const result = meanAveragePrecision(tpFpTp, threeObjects);
  close(result.mAP50, 56 / 101, 'mAP50');
  close(result.mAP50_95, 56 / 101, 'mAP50_95');
  assert.equal(result.perClass.length, 1);
  assert.deepEqual([result.perClass[0].classId, result.perClass[0].label, result.perClass[0].instances], [0, '0', 3]);
  const curve = result.curve.precision[0];
  assert.equal(curve.length, 101);
  assert.deepEqual([curve[0], curve[33], curve[34], curve[66], curve[67], curve[100]].map((v) => v.toFixed(6)), ['1.000000', '1.000000', '0.666667', '0.666667', '0.000000', '0.000000']);
  // F1 at each confidence: 0.9 -> P 1, R 1/3, F1 1/2; 0.8 -> P 1/2, R 1/3, F1 0.4; 0.7 -> P 2/3, R 2/3, F1 2/3 (best).
  assert.equal(result.confidence, 0.7);
  close(result.precision, 2 / 3, 'precision');
  close(result.recall, 2 / 3, 'recall');
  assert.equal(result.images, 1);
  assert.equal(result.instances, 3);
  // maxDetections 2 keeps ranks TP, FP: points 0..0.33 read precision 1, the rest 0: AP = 34 / 101.
  close(meanAveragePrecision(tpFpTp, threeObjects, { maxDetections: 2 }).mAP50, 34 / 101, 'maxDetections 2');
});

it('IoU thresholds: a box overlapping 0.72 counts at 0.50..0.70 only', () => {
  // [0,0,10,7.2] covers 72 of the object's 100: IoU 0.72, a hit (AP 1) at 5 of the 10 thresholds, a miss (AP 0) at 5.
  const result = meanAveragePrecision([{ boxes: [[0, 0, 10, 7.2]], scores: [0.5], classes: [0] }], [{ boxes: [g1], classes: [0] }]);
  close(result.mAP50, 1, 'mAP50');
  close(result.mAP50_95, 0.5, 'mAP50_95');
});

it('a duplicate detection of a matched object is a false positive', () => {
  // Objects g1, g2; detections g1 (0.9), g1 again (0.8), g2 (0.7): ranks TP, FP, TP; recall 1/2, 1/2, 1;
  // precision 1, 1/2, 2/3; envelope 1, 2/3, 2/3. Points 0..0.50 (51) read 1, 0.51..1 (50) read 2/3:
  // AP = (51 + 50 * 2/3) / 101 = 253 / 303.
  const result = meanAveragePrecision([{ boxes: [g1, g1, g2], scores: [0.9, 0.8, 0.7], classes: [1, 1, 1] }], [{ boxes: [g1, g2], classes: [1, 1] }]);
  close(result.mAP50, 253 / 303, 'mAP50');
  close(result.mAP50_95, 253 / 303, 'mAP50_95');
  assert.equal(result.perClass[0].classId, 1);
});

it('each detection takes the unmatched object it overlaps most', () => {
  // Objects a = [0,0,10,10], b = [2,0,12,10]. The 0.9 detection is b exactly (IoU 0.667 with a, 1 with b): it
  // takes b. The 0.8 detection [0,0,9.4,10] has IoU 0.94 with a and 0.617 with b: it takes a, at every
  // threshold up to 0.90 (AP 1 at 9 thresholds). At 0.95 it misses: ranks TP, FP of 2 objects, points
  // 0..0.50 read 1: AP 51 / 101. mAP50-95 = (9 + 51/101) / 10 = 960 / 1010. (Taking the first object above
  // the threshold instead would give the 0.9 detection object a and leave b, at IoU 0.617, for the 0.8 one.)
  const a = [0, 0, 10, 10], b = [2, 0, 12, 10];
  const result = meanAveragePrecision([{ boxes: [b, [0, 0, 9.4, 10]], scores: [0.9, 0.8], classes: [0, 0] }], [{ boxes: [a, b], classes: [0, 0] }]);
  close(result.mAP50, 1, 'mAP50');
  close(result.mAP50_95, 960 / 1010, 'mAP50_95');
});

it('tied scores keep their order: within an image the input order, across images the image order', () => {
  // A miss ranked before a hit of the only object: precision 0, 1/2, envelope 1/2, 1/2; every point reads 1/2.
  // The hit first: precision 1 at full recall, AP 1.
  const object = { boxes: [g1], classes: [0] };
  const none = { boxes: [], classes: [] };
  const hit = { boxes: [g1], scores: [0.8], classes: [0] };
  const miss = { boxes: [nowhere], scores: [0.8], classes: [0] };
  const noDetections = { boxes: [], scores: [], classes: [] };
  close(meanAveragePrecision([miss, hit], [none, object]).mAP50, 0.5, 'miss in the earlier image');
  close(meanAveragePrecision([hit, miss], [object, none]).mAP50, 1, 'hit in the earlier image');
  close(meanAveragePrecision([{ boxes: [nowhere, g1], scores: [0.8, 0.8], classes: [0, 0] }], [object]).mAP50, 0.5, 'miss listed first');
  close(meanAveragePrecision([{ boxes: [g1, nowhere], scores: [0.8, 0.8], classes: [0, 0] }], [object]).mAP50, 1, 'hit listed first');
  close(meanAveragePrecision([noDetections, hit], [none, object]).mAP50, 1, 'an image with nothing');
});

it('no detections for a class gives AP 0; a class without ground truth is left out of the mean', () => {
  // Class 0 found exactly (AP 1), class 1 has an object and no detections (AP 0), class 2 only a detection
  // (no ground truth: not averaged). mAP = (1 + 0) / 2.
  const result = meanAveragePrecision(
    [{ boxes: [g1, g3], scores: [0.9, 0.6], classes: [0, 2] }],
    [{ boxes: [g1, g2], classes: [0, 1] }],
    { labels: ['cat', 'dog', 'bird'] },
  );
  close(result.mAP50, 0.5, 'mAP50');
  close(result.mAP50_95, 0.5, 'mAP50_95');
  assert.deepEqual(result.perClass.map((c) => [c.classId, c.label, c.ap50, c.ap50_95]), [[0, 'cat', 1, 1], [1, 'dog', 0, 0]]);
  assert.equal(result.curve.precision.length, 2);
  assert.ok(result.curve.precision[1].every((p) => p === 0));
  // No detections at all: every AP is 0, precision and recall 0.
  const empty = meanAveragePrecision([{ boxes: tensor([], [0, 4]), scores: [], classes: [] }], threeObjects);
  assert.deepEqual([empty.mAP50, empty.mAP50_95, empty.precision, empty.recall], [0, 0, 0, 0]);
  // No ground truth at all: nothing to average, 0 (as Ultralytics), and no classes listed.
  const noTruth = meanAveragePrecision(tpFpTp, [{ boxes: [], classes: [] }]);
  assert.deepEqual([noTruth.mAP50, noTruth.mAP50_95, noTruth.perClass.length, noTruth.instances], [0, 0, 0, 0]);
});

it('box formats and tensors give the same result as xyxy arrays', () => {
  const xyxy = meanAveragePrecision(tpFpTp, threeObjects);
  const toXywh = (b: number[]): number[] => [b[0], b[1], b[2] - b[0], b[3] - b[1]];
  const toCxcywh = (b: number[]): number[] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]];
  for (const [format, convert] of [['xywh', toXywh], ['cxcywh', toCxcywh]] as const) {
    const dets = [{ ...tpFpTp[0], boxes: tensor(tpFpTp[0].boxes.map(convert)), scores: tensor([0.9, 0.8, 0.7]) }];
    const truth = [{ boxes: threeObjects[0].boxes.map(convert), classes: tensor([0, 0, 0], [3], { dtype: 'int32' }) }];
    const result = meanAveragePrecision(dets, truth, { format });
    assert.equal(result.mAP50_95, xyxy.mAP50_95, format);
  }
});

it('bad input names the image, the box and what is valid', () => {
  assert.throws(() => meanAveragePrecision(tpFpTp, []), /meanAveragePrecision: 1 images of detections but 0 of ground truth/);
  assert.throws(() => meanAveragePrecision([{ boxes: [g1], scores: [0.5, 0.4], classes: [0] }], threeObjects), /detections of image 0: 2 scores for 1 boxes/);
  assert.throws(() => meanAveragePrecision([{ boxes: [g1], scores: [NaN], classes: [0] }], threeObjects), /detections of image 0: box 0 has score NaN/);
  assert.throws(() => meanAveragePrecision(tpFpTp, [{ boxes: [g1], classes: [1.5] }]), /ground truth of image 0: box 0 has class 1.5; a class id is a non-negative integer/);
  assert.throws(() => meanAveragePrecision(tpFpTp, [{ boxes: [g1], classes: [1] }], { labels: ['cat'] }), /box 0 has class 1; a class id is an integer in 0..0 \(1 labels\)/);
  assert.throws(() => meanAveragePrecision(tpFpTp, threeObjects, { labels: [] }), /labels must name at least one class/);
  assert.throws(() => meanAveragePrecision(tpFpTp, [{ boxes: [[0, 0, 1]], classes: [0] }]), /box 0 has 3 numbers; a box has 4/);
  assert.throws(() => meanAveragePrecision(tpFpTp, threeObjects, { format: 'xy' as never }), /unknown box format 'xy'/);
  assert.throws(() => meanAveragePrecision(tpFpTp, threeObjects, { maxDetections: 0 }), /maxDetections must be a positive integer, got 0/);
});

it('precisionRecallChart draws the mean curve where the precision is', async () => {
  // The mean curve (its own colour) over a 480 x 480 plot, recall 0..1 left to right, precision 1 at the top
  // (y 0) and 0 at the bottom (y 480). Perfect detection: precision 1 at every recall. One object of two
  // found: precision 1 up to recall 0.5, then 0.
  const meanCurve = async (result: ReturnType<typeof meanAveragePrecision>) => {
    const lines = svgLines((await chartSvg(precisionRecallChart(result))).svg).filter((l) => l.stroke === MEAN_CURVE_COLOR);
    assert.equal(lines.length, 1);
    return lines[0].pieces.flat();
  };
  const perfect = await meanCurve(meanAveragePrecision([{ boxes: [g1], scores: [0.9], classes: [0] }], [{ boxes: [g1], classes: [0] }]));
  assert.equal(perfect.length, COCO_RECALL_POINTS.length);
  assert.ok(perfect.every(([, y]) => y === 0), 'perfect precision runs along the top');
  const half = await meanCurve(meanAveragePrecision([{ boxes: [g1], scores: [0.9], classes: [0] }], [{ boxes: [g1, g2], classes: [0, 0] }]));
  assert.ok(half.filter(([x]) => x <= 240).every(([, y]) => y === 0), 'precision 1 up to recall 0.5');
  assert.ok(half.filter(([x]) => x > 241).every(([, y]) => y === 480), 'precision 0 beyond recall 0.5');
});
