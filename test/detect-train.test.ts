// Training and evaluating a TinyYolo: the [M, 6] target rows split per image, detections from a raw head
// output (hand-built), the loss terms as metrics (against YoloLoss called directly), the saved detector's
// round trip and its checked metadata, and a smoke training run on coloured squares (loss falls, mAP50 far
// above the untrained model's), with a checkpointed run resumed to the same weights as an unbroken one.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, manualSeed, tensor, zeros } from '../src/index.js';
import { DataLoader } from '../src/data/index.js';
import { TinyYolo, YoloLoss, batchObjects, yoloDetections, detectionLoss, trainDetector, evaluateDetector, serializeDetector, parseDetector, detectorInfoOf, DETECTOR_METADATA_KEY } from '../src/detect/index.js';
import { serializeSafetensors, parseSafetensors } from '../src/io/safetensors.js';
import { ModelCheckpoint, loadTrainingState } from '../src/node/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';
import { SquareScenes } from './helpers/detection-scenes.js';

const logit = (p: number) => Math.log(p / (1 - p));

it('batchObjects splits [M, 6] rows per image, with clear errors', () => {
  const y = tensor([[1, 0, 0.5, 0.5, 0.2, 0.3], [0, 1, 0.1, 0.2, 0.1, 0.1], [1, 1, 0.7, 0.7, 0.2, 0.2]]);
  assert.deepEqual(batchObjects(y, 3, 'f'), [
    { boxes: [[Math.fround(0.1), Math.fround(0.2), Math.fround(0.1), Math.fround(0.1)]], classes: [1] },
    { boxes: [[0.5, 0.5, Math.fround(0.2), Math.fround(0.3)], [Math.fround(0.7), Math.fround(0.7), Math.fround(0.2), Math.fround(0.2)]], classes: [0, 1] },
    { boxes: [], classes: [] },
  ]);
  assert.deepEqual(batchObjects(zeros([0, 6]), 2, 'f'), [{ boxes: [], classes: [] }, { boxes: [], classes: [] }]);
  assert.throws(() => batchObjects(zeros([2, 5]), 2, 'detectionLoss'), /detectionLoss: detection targets must be \[M, 6\] rows \(image index in the batch, class, cx, cy, w, h\), got \[2, 5\]/);
  assert.throws(() => batchObjects(tensor([[2, 0, 0.5, 0.5, 0.1, 0.1]]), 2, 'f'), /f: target row 0 is for image 2, outside the batch of 2 images \(0..1\)/);
});

forEachBackend(() => {
  it('yoloDetections scores objectness x best class, drops boxes at or under conf and suppresses overlaps per class', () => {
    // A 2 x 2 grid, one 1 x 1 anchor, 2 classes. Cell (0, 0): objectness 0.9, class 1 at 0.8 (score 0.72),
    // centre (0.25, 0.25), size 0.5. Cell (0, 1): sigmoid(tx) = 0.1 puts its centre at (1 + 0.1) / 2 = 0.55,
    // objectness 0.6, class 1 at 0.8 (0.48). Cell (1, 1): objectness 0.5, class 0 at 0.8 (0.4). Cell (1, 0):
    // objectness 0.1 (score 0.05 at most): under conf. Class logits (a, b) with softmax b = 0.8: b - a = ln 4.
    const raw = zeros([1, 2, 2, 7]);
    const cell = (y: number, x: number, values: number[]) => raw.data.set(values, (y * 2 + x) * 7);
    cell(0, 0, [0, 0, 0, 0, logit(0.9), 0, Math.log(4)]);
    cell(0, 1, [logit(0.1), 0, 0, 0, logit(0.6), 0, Math.log(4)]);
    cell(1, 1, [0, 0, 0, 0, logit(0.5), Math.log(4), 0]);
    cell(1, 0, [0, 0, 0, 0, logit(0.1), 0, 0]);
    const spec = { numClasses: 2 };
    const [found] = yoloDetections(raw, { anchors: [[1, 1]] }, spec, { conf: 0.25, iou: 0.45 });
    // Cell (0, 1)'s box [0.3, 0, 0.8, 0.5] overlaps cell (0, 0)'s [0, 0, 0.5, 0.5] by 0.2 x 0.5 = 0.1 of a union 0.4: IoU 0.25, kept at iou 0.45.
    assert.deepEqual(found.classes, [1, 1, 0]);
    assertAllClose(found.scores, [0.72, 0.48, 0.4], { atol: 1e-6 });
    assertAllClose(found.boxes.flat(), [0, 0, 0.5, 0.5, 0.3, 0, 0.8, 0.5, 0.5, 0.5, 1, 1], { atol: 1e-6 });
    // At iou 0.2 the second class-1 box goes; the class-0 box is never compared with class 1.
    const strict = yoloDetections(raw, { anchors: [[1, 1]] }, spec, { conf: 0.25, iou: 0.2 })[0];
    assert.deepEqual(strict.classes, [1, 0]);
    assert.deepEqual(yoloDetections(raw, { anchors: [[1, 1]] }, spec, { conf: 0.45 })[0].classes, [1, 1]);
    assert.deepEqual(yoloDetections(raw, { anchors: [[1, 1]] }, spec, { maxDetections: 1 })[0].scores.length, 1);
    assert.throws(() => yoloDetections(raw, { anchors: [[1, 1]] }, spec, { conf: 1 }), /yoloDetections: conf must be in \[0, 1\), got 1/);
  });

  it('detectionLoss gives YoloLoss of the split rows, reports each term as a metric, and validation does not advance the warm-up', () => {
    manualSeed(3);
    const model = new TinyYolo({ numClasses: 2, width: 0.25, depth: 3, anchors: [[1, 1], [2, 2]] });
    const { x, y } = new SquareScenes(4, 32, 7).getBatch([0, 1, 2, 3]);
    const { yoloLoss, loss, metrics } = detectionLoss(model, { warmupImages: 100 });
    const reference = new YoloLoss([model.scale], { ...model.spec, warmupImages: 100 });
    const output = model.forward(x);
    const expected = reference.forward(output, batchObjects(y, 4, 'test'));
    assertAllClose([loss(output, y).item()], [expected.loss.item()], { atol: 1e-6 });
    assert.equal(yoloLoss.seen, 4);
    const instances = metrics.map((m) => (typeof m === 'function' ? m() : assert.fail('term metrics are factories')));
    assert.deepEqual(instances.map((m) => m.name), ['box', 'objectness', 'noObject', 'classes']);
    for (const m of instances) m.update(output, y);
    assertAllClose(instances.map((m) => m.result()), [expected.terms.box, expected.terms.objectness, expected.terms.noObject, expected.terms.classes], { atol: 1e-6 });
    model.eval();
    loss(model.forward(x), y);
    assert.equal(yoloLoss.seen, 4, 'a validation batch must not count towards the prior warm-up');
    const modern = detectionLoss(model, { variant: 'modern' }).metrics.map((m) => (typeof m === 'function' ? m().name : m));
    assert.deepEqual(modern, ['box', 'objectness', 'classes']);
  });

});

it('trainDetector: the loss and each term fall and mAP50 rises far above the untrained model on coloured squares', async () => {
  manualSeed(0);
  const model = new TinyYolo({ numClasses: 2, width: 0.25, depth: 3, anchors: [[1.2, 1.2], [2.2, 2.2]] });
  const val = new DataLoader(new SquareScenes(32, 32, 2), { batchSize: 32 });
  const before = await evaluateDetector(model, val);
  const history = await trainDetector(model, new DataLoader(new SquareScenes(96, 32, 1), { batchSize: 16, shuffle: true }), {
    epochs: 10,
    optimizer: new Adam(model.parameters(), { lr: 3e-3 }),
    seed: 0,
    loss: { warmupImages: 0 },
    mapValidation: val,
    mapOptions: { labels: ['red', 'green'] },
  });
  const [first, last] = [history.epochs[0], history.epochs[9]];
  assert.ok(last.loss < 0.2 * first.loss, `loss ${first.loss} -> ${last.loss}`);
  for (const term of ['box', 'noObject', 'classes']) assert.ok(last[term]! < 0.5 * first[term]!, `${term} ${first[term]} -> ${last[term]}`);
  const after = await evaluateDetector(model, val, { labels: ['red', 'green'] });
  assert.ok(before.mAP50 < 0.05, `untrained mAP50 ${before.mAP50}`);
  assert.ok(after.mAP50 > 0.6, `trained mAP50 ${after.mAP50}`);
  assert.equal(last.valMAP50, after.mAP50, 'the last epoch logs the same validation mAP50');
  assert.deepEqual(after.perClass.map((c) => c.label), ['red', 'green']);
  assert.equal(after.images, 32);
});

it('a checkpointed detector run resumed after epoch 2 ends with the weights and history of an unbroken 3-epoch run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-detect-train-'));
  try {
    const data = new SquareScenes(32, 32, 5);
    const run = async (epochs: number, checkpoint?: string, resume = false) => {
      manualSeed(resume ? 999 : 4); // a resumed run must not depend on the global state at its start
      const model = new TinyYolo({ numClasses: 2, width: 0.25, depth: 3, anchors: [[1.2, 1.2], [2.2, 2.2]] });
      const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
      const resumeFrom = resume ? await loadTrainingState(checkpoint!) : undefined;
      const history = await trainDetector(model, new DataLoader(data, { batchSize: 8, shuffle: true }), {
        epochs,
        optimizer,
        seed: 11,
        loss: { warmupImages: 80 }, // the warm-up ends inside epoch 3: the resumed run must carry its clock
        resumeFrom,
        callbacks: checkpoint && !resume ? [new ModelCheckpoint(checkpoint)] : [],
      });
      return { model, history };
    };
    const whole = await run(3);
    const path = join(dir, 'det.ckpt.safetensors');
    await run(2, path);
    const resumed = await run(3, path, true);
    const withoutTime = ({ seconds: _s, ...rest }: Record<string, number | undefined>) => rest;
    assert.deepEqual(resumed.history.epochs.map(withoutTime), whole.history.epochs.map(withoutTime));
    for (const [name, p] of Object.entries(whole.model.stateDict())) assert.deepEqual([...resumed.model.stateDict()[name].data], [...p.data], name);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('a saved detector rebuilds the same network, and bad metadata fails naming the field', () => {
  manualSeed(2);
  const model = new TinyYolo({ numClasses: 2, width: 0.25, depth: 3, anchors: [[1.2, 1.2], [2.2, 2.2]] });
  const info = detectorInfoOf(model, { labels: ['red', 'green'], inputSize: [32, 32], dataset: 'squares' });
  const bytes = serializeDetector(model, info);
  const loaded = parseDetector(bytes, 'det.safetensors');
  assert.deepEqual(loaded.info, { architecture: 'tiny-yolo', labels: ['red', 'green'], anchors: [[1.2, 1.2], [2.2, 2.2]], inputSize: [32, 32], width: 0.25, depth: 3, inChannels: 3, classActivation: 'softmax', numLandmarks: 0, dataset: 'squares' });
  const x = new SquareScenes(2, 32, 9).getBatch([0, 1]).x;
  model.eval();
  loaded.model.eval();
  assert.deepEqual([...loaded.model.forward(x).data], [...model.forward(x).data]);

  const withInfo = (change: Record<string, unknown>) => {
    const { tensors } = parseSafetensors(bytes);
    return serializeSafetensors(tensors, { [DETECTOR_METADATA_KEY]: JSON.stringify({ ...info, ...change }) });
  };
  assert.throws(() => parseDetector(withInfo({ labels: [] }), 'd'), /d: metadata 'convkit\.detector': field 'labels' is \[\]; expected a non-empty list of class names/);
  assert.throws(() => parseDetector(withInfo({ inputSize: [30, 32] }), 'd'), /field 'inputSize' is \[30,32\]; expected \[height, width\], positive multiples of the stride 8/);
  assert.throws(() => parseDetector(withInfo({ depth: undefined, anchors: [[1, -1]] }), 'd'), /field 'anchors' is \[\[1,-1\]\]; expected a non-empty list of positive \[width, height\] pairs; field 'depth' is missing/);
  // Metadata that passes the checks but describes another network: the weights' shapes say so.
  assert.throws(() => parseDetector(withInfo({ labels: ['a', 'b', 'c'] }), 'd'), /d: [\s\S]*shape of 'head\.weight': saved \[1, 1, 64, 14\], model \[1, 1, 64, 16\]/);
  assert.throws(() => parseDetector(serializeSafetensors(model.stateDict()), 'plain.safetensors'), /plain\.safetensors: not a detector saved by convkit detect train \(no 'convkit\.detector' metadata\)/);
  assert.throws(() => serializeDetector(model, { ...info, width: 0.5 }), /serializeDetector: field 'width' is 0.5 but the model has 0.25/);
});
