// k-means anchors with distance 1 - IoU: hand-made clusters whose means are known, hand-computed IoU and
// best-possible-recall values, and the errors.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor } from '../src/index.js';
import { anchorFitness, kmeansAnchors, shapeIou } from '../src/detect/index.js';

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

/** Three tight clusters of shapes around 10 x 10, 80 x 40 and 30 x 60, with each cluster's exact mean. */
function clusters(): { boxes: [number, number][]; means: [number, number][] } {
  const rng = new Generator(7);
  const centres: [number, number][] = [[10, 10], [80, 40], [30, 60]];
  const boxes: [number, number][] = [];
  const means = centres.map(([w, h]) => {
    let sw = 0, sh = 0;
    for (let i = 0; i < 40; i++) {
      const box: [number, number] = [w * rng.uniform(0.9, 1.1), h * rng.uniform(0.9, 1.1)];
      boxes.push(box);
      sw += box[0];
      sh += box[1];
    }
    return [sw / 40, sh / 40] as [number, number];
  });
  rng.shuffle(boxes);
  return { boxes, means };
}

it('shapeIou: corner-aligned overlap of two shapes', () => {
  close(shapeIou(2, 2, 3, 3), 4 / 9, '2x2 in 3x3');
  close(shapeIou(5, 1, 8, 8), 5 / 64, '5x1 in 8x8');
  close(shapeIou(4, 1, 1, 4), 1 / 7, 'crossed');
});

it('kmeansAnchors finds three separated clusters from any seed: each anchor the mean of its cluster, by area', () => {
  const { boxes, means } = clusters();
  const byArea = [...means].sort((a, b) => a[0] * a[1] - b[0] * b[1]); // 10x10, 30x60 (1800), 80x40 (3200)
  for (const seed of [0, 1, 2, 3]) {
    const result = kmeansAnchors(boxes, 3, { seed });
    result.anchors.forEach((anchor, i) => {
      close(anchor[0], byArea[i][0], `seed ${seed} anchor ${i} w`);
      close(anchor[1], byArea[i][1], `seed ${seed} anchor ${i} h`);
    });
    // Within +-10 % of its centre every box overlaps its cluster's mean by more than 0.8 and is within 4x.
    assert.ok(result.meanIoU > 0.8 && result.meanIoU < 1, `meanIoU ${result.meanIoU}`);
    assert.equal(result.bestPossibleRecall, 1);
    const check = anchorFitness(boxes, result.anchors);
    assert.equal(check.meanIoU, result.meanIoU);
  }
  // A tensor [N, 2] is the same input.
  assert.deepEqual(kmeansAnchors(tensor(boxes, [boxes.length, 2], { dtype: 'float64' }), 3).anchors, kmeansAnchors(boxes, 3).anchors);
});

it('k = 1 gives the mean shape; the mean IoU is worked by hand', () => {
  // Boxes 2x2 and 4x4: the single anchor is 3x3, IoU 4/9 and 9/16, mean (4/9 + 9/16) / 2 = 145/288.
  const result = kmeansAnchors([[2, 2], [4, 4]], 1);
  assert.deepEqual(result.anchors, [[3, 3]]);
  close(result.meanIoU, 145 / 288, 'meanIoU');
  assert.equal(result.bestPossibleRecall, 1);
  // Two exact shapes and k = 2: each is an anchor.
  const exact = kmeansAnchors([[4, 4], [1, 1], [4, 4], [1, 1]], 2);
  assert.deepEqual(exact.anchors, [[1, 1], [4, 4]]);
  assert.equal(exact.meanIoU, 1);
});

it('best possible recall: a box needs an anchor within 4x in both width and height (Ultralytics anchor_t)', () => {
  // 5x1 against 1x1: width ratio 5 (too far); against 8x8: height ratio 1/8 (too far): not recallable.
  // Best IoUs 1, 1/5 (with 1x1; 5/64 with 8x8), 1: mean 2.2 / 3.
  const fit = anchorFitness([[1, 1], [5, 1], [8, 8]], [[1, 1], [8, 8]]);
  close(fit.bestPossibleRecall, 2 / 3, 'bpr');
  close(fit.meanIoU, 2.2 / 3, 'meanIoU');
  // With anchor_t 6 the 5x1 box is within 6x of 1x1.
  assert.equal(anchorFitness([[1, 1], [5, 1], [8, 8]], [[1, 1], [8, 8]], { anchorThreshold: 6 }).bestPossibleRecall, 1);
  // Exactly 4x is not enough (Ultralytics: ratio > 1 / anchor_t).
  close(anchorFitness([[4, 1]], [[1, 1]]).bestPossibleRecall, 0, 'exactly 4x');
});

it('is seeded: the same seed gives the same anchors; iterations bounds the work', () => {
  const rng = new Generator(3);
  const boxes = Array.from({ length: 200 }, () => [rng.uniform(1, 100), rng.uniform(1, 100)] as [number, number]);
  assert.deepEqual(kmeansAnchors(boxes, 5, { seed: 11 }), kmeansAnchors(boxes, 5, { seed: 11 }));
  assert.equal(kmeansAnchors(boxes, 5, { seed: 11, iterations: 1 }).iterations, 1);
  const converged = kmeansAnchors(boxes, 5, { seed: 11 });
  assert.ok(converged.iterations < 300, `converged in ${converged.iterations}`);
});

it('bad input says what was received and what is valid', () => {
  assert.throws(() => kmeansAnchors([[1, 1]], 2), /kmeansAnchors: k = 2 anchors need at least 2 boxes, got 1/);
  assert.throws(() => kmeansAnchors([[1, 1]], 0), /k must be a positive integer, got 0/);
  assert.throws(() => kmeansAnchors([[1, 0]], 1), /box 0 is 1 x 0; widths and heights must be positive and finite/);
  assert.throws(() => kmeansAnchors([[1, 2, 3]], 1), /box 0 has 3 numbers; give \[w, h\] pairs/);
  assert.throws(() => kmeansAnchors(tensor([[1, 2, 3, 4]]), 1), /box shapes must be \[N, 2\] \(w, h\), got \[1, 4\]/);
  assert.throws(() => anchorFitness([[1, 1]], []), /anchorFitness: needs at least one box and one anchor, got 1 and 0/);
  assert.throws(() => anchorFitness([[1, 1]], [[1, 1]], { anchorThreshold: 1 }), /anchorThreshold must be a finite number above 1, got 1/);
});
