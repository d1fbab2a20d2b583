// Non-max suppression: hand-worked cases, the ONNX NonMaxSuppression conformance cases from Debian's
// libonnx-testdata (inputs and expected outputs as the ONNX authors wrote them), and TF.js's CPU
// implementation on random boxes (greedy, and soft-NMS whose Gaussian is exp(-iou^2 / (2 sigma)) there).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Generator, tensor, uniform } from '../src/index.js';
import { batchedNms, nms, softNms } from '../src/detect/index.js';
import { readOnnxIntAttribute, readOnnxTensor } from './helpers/onnx-tensor.js';
import { assertAllClose } from './helpers/assert-close.js';

// Three boxes around one object and one elsewhere: [0,0,10,10] vs [1,1,11,11] overlap 81 / 119 = 0.68;
// [0,0,10,10] vs [0,0,10,5] overlap 50 / 100 = 0.5; [1,1,11,11] vs [0,0,10,5] overlap 36 / 114 = 0.32.
const boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 5], [20, 20, 30, 30]];
const scores = [0.9, 0.8, 0.7, 0.6];

it('greedy NMS: suppression by IoU above the threshold, best first', () => {
  assert.deepEqual(nms(boxes, scores, { iouThreshold: 0.6 }), [0, 2, 3]);
  assert.deepEqual(nms(boxes, scores, { iouThreshold: 0.45 }), [0, 3]);
  assert.deepEqual(nms(boxes, scores, { iouThreshold: 0.7 }), [0, 1, 2, 3]);
  // Exactly at the threshold is kept (suppressed only above it, as torchvision and ONNX).
  assert.deepEqual(nms(boxes, scores, { iouThreshold: 0.5 }), [0, 2, 3]);
  assert.deepEqual(nms([[0, 0, 10, 10], [0, 0, 10, 5]], [0.9, 0.7], { iouThreshold: 0.5 }), [0, 1]);
  // Order follows the scores, not the input.
  assert.deepEqual(nms(boxes, [0.1, 0.8, 0.7, 0.95], { iouThreshold: 0.6 }), [3, 1, 2]);
});

it('score threshold, max detections, per-class suppression, formats and empty input', () => {
  assert.deepEqual(nms(boxes, scores, { iouThreshold: 0.6, scoreThreshold: 0.65 }), [0, 2]);
  assert.deepEqual(nms(boxes, scores, { iouThreshold: 0.7, maxDetections: 2 }), [0, 1]);
  assert.deepEqual(nms(boxes, scores, { iouThreshold: 0.45, classes: [0, 1, 0, 0] }), [0, 1, 3]);
  const centres = boxes.map(([x1, y1, x2, y2]) => [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]);
  assert.deepEqual(nms(centres, scores, { iouThreshold: 0.6, format: 'cxcywh' }), [0, 2, 3]);
  assert.deepEqual(nms(tensor([], [0, 4]), [], {}), []);
  // Equal scores keep the input order.
  assert.deepEqual(nms([[0, 0, 1, 1], [5, 5, 6, 6]], [0.5, 0.5]), [0, 1]);
});

it('bad arguments name the function and what is valid', () => {
  assert.throws(() => nms(boxes, [0.9, 0.8]), /nms: scores must hold one value per box \(\[4\]\), got 2 values/);
  assert.throws(() => nms(boxes, [0.9, NaN, 0.7, 0.6]), /nms: scores 1 is NaN/);
  assert.throws(() => nms([[0, 0, NaN, 1]], [1]), /nms: box 0 has a non-finite coordinate/);
  assert.throws(() => nms(boxes, scores, { iouThreshold: 45 }), /nms: iouThreshold must be in \[0, 1\], got 45/);
  assert.throws(() => nms(boxes, scores, { maxDetections: 1.5 }), /nms: maxDetections must be a non-negative integer, got 1.5/);
  assert.throws(() => nms(boxes, scores, { classes: [0, 1] }), /nms: classes must hold one value per box/);
  assert.throws(() => softNms(boxes, scores, { method: 'cubic' as 'linear' }), /softNms: method must be 'gaussian' or 'linear'/);
});

it('soft-NMS decays overlapping scores (Bodla et al.: Gaussian exp(-iou^2 / sigma), linear 1 - iou)', () => {
  // Box 0 is kept first and decays box 1 (IoU 81/119) and box 2 (IoU 0.5); box 3 (IoU 0) comes next and
  // decays nothing; then box 2, which decays box 1 once more (IoU 36/114).
  const g = softNms(boxes, scores, { sigma: 0.5 });
  const decay = (overlap: number) => Math.exp(-(overlap ** 2) / 0.5);
  assert.deepEqual(g.indices, [0, 3, 2, 1]);
  assertAllClose(g.scores, [0.9, 0.6, 0.7 * decay(0.5), 0.8 * decay(81 / 119) * decay(36 / 114)], { atol: 1e-12 });
  // Linear: only overlaps above iouThreshold decay, by 1 - IoU (36/114 < 0.45 leaves box 1 alone).
  const l = softNms(boxes, scores, { method: 'linear', iouThreshold: 0.45 });
  assert.deepEqual(l.indices, [0, 3, 2, 1]);
  assertAllClose(l.scores, [0.9, 0.6, 0.7 * 0.5, 0.8 * (1 - 81 / 119)], { atol: 1e-12 });
  // Boxes whose score decays to the threshold or below are dropped; nms({ soft }) gives the same order.
  assert.deepEqual(softNms(boxes, scores, { method: 'linear', iouThreshold: 0.45, scoreThreshold: 0.3 }).indices, [0, 3, 2]);
  assert.deepEqual(nms(boxes, scores, { soft: { sigma: 0.5 } }), [0, 3, 2, 1]);
});

const ONNX_CASES = '/usr/share/libonnx-testdata/data/node';
const onnxCases = existsSync(ONNX_CASES) ? readdirSync(ONNX_CASES).filter((d) => d.startsWith('test_nonmaxsuppression_')) : [];

it('agrees with the ONNX NonMaxSuppression conformance cases (libonnx-testdata)', { skip: onnxCases.length === 0 && `no ONNX test data at ${ONNX_CASES}: apt-get install libonnx-testdata` }, () => {
  assert.ok(onnxCases.length >= 9, `expected the 9 NonMaxSuppression cases, found ${onnxCases.join(', ')}`);
  for (const name of onnxCases) {
    const dir = join(ONNX_CASES, name, 'test_data_set_0');
    const [b, s, maxPerClass, iouThreshold, scoreThreshold] = [0, 1, 2, 3, 4].map((k) => readOnnxTensor(join(dir, `input_${k}.pb`)));
    const expected = readOnnxTensor(join(dir, 'output_0.pb'));
    const centre = readOnnxIntAttribute(join(ONNX_CASES, name, 'model.onnx'), 'center_point_box') === 1;
    // ONNX's scores are [batch, class, box]; batchedNms takes [batch, box, class].
    const scoresBNC = tensor(s.values, s.dims).permute([0, 2, 1]);
    const found = batchedNms(tensor(b.values, b.dims), scoresBNC, {
      maxPerClass: maxPerClass.values[0],
      iouThreshold: iouThreshold.values[0],
      scoreThreshold: scoreThreshold.values[0],
      format: centre ? 'cxcywh' : 'xyxy', // ONNX's corner order [y1, x1, y2, x2] gives the same IoU
    });
    // ONNX lists image by image, class by class, best first: a stable sort of ours by (image, class).
    const triples = found.sort((p, q) => p.batch - q.batch || p.classId - q.classId).map((d) => [d.batch, d.classId, d.index]);
    const want = Array.from({ length: expected.dims[0] }, (_, r) => expected.values.slice(3 * r, 3 * r + 3));
    assert.deepEqual(triples, want, name);
  }
});

it('agrees with TF.js CPU on random boxes: greedy and soft-NMS', () => {
  const g = new Generator(7);
  for (let trial = 0; trial < 20; trial++) {
    const n = 60;
    const corner = uniform([n, 2], 0, 80, { generator: g }).toArray() as number[][];
    const size = uniform([n, 2], 2, 30, { generator: g }).toArray() as number[][];
    const xyxy = corner.map(([x, y], i) => [x, y, x + size[i][0], y + size[i][1]]);
    const score = Array.from(uniform([n], 0, 1, { generator: g }).data);
    const iouThreshold = 0.2 + 0.05 * (trial % 10);
    const yxyx = tf.tensor2d(xyxy.map(([x1, y1, x2, y2]) => [y1, x1, y2, x2]));
    const theirs = tf.image.nonMaxSuppression(yxyx, tf.tensor1d(score), n, iouThreshold, 0.3);
    assert.deepEqual(nms(xyxy, score, { iouThreshold, scoreThreshold: 0.3 }), Array.from(theirs.dataSync()), `trial ${trial}`);
    // TF.js's soft-NMS also removes boxes at IoU >= its threshold: 1 leaves only the decay. Its sigma is ours / 2.
    const soft = tf.image.nonMaxSuppressionWithScore(yxyx, tf.tensor1d(score), n, 1, 0.05, 0.25);
    const ours = softNms(xyxy, score, { sigma: 0.5, scoreThreshold: 0.05 });
    assert.deepEqual(ours.indices, Array.from(soft.selectedIndices.dataSync()), `soft trial ${trial}`);
    assertAllClose(ours.scores, Array.from(soft.selectedScores.dataSync()), { atol: 1e-6 });
  }
});
