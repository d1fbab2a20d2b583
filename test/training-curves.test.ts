// The JSON-lines training log read back (x positions, phases, a half-written last line, errors naming the
// line), and its curves: which panel each field lands in, and the SVG's lines holding the logged values.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainingLog, trainingLogOf } from '../src/data/training-log.js';
import { trainingCurves } from '../src/data/training-curves.js';
import { chartSvg } from '../src/data/chart.js';
import { lineLabelled, svgLines, svgPointLabels } from './helpers/svg-lines.js';

const lines = (...records: object[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const start = (stepsPerEpoch: number, initialEpoch = 0) => ({ event: 'start', time: 't', epochs: 2, initialEpoch, stepsPerEpoch });
const SMALL = lines(
  start(4),
  { event: 'step', time: 't', step: 2, epoch: 1, batch: 2, loss: 2.2, batchLoss: 2, accuracy: 0.25 },
  { event: 'step', time: 't', step: 4, epoch: 1, batch: 4, loss: 1.8, batchLoss: 1.4, accuracy: 0.5 },
  { event: 'epoch', time: 't', epoch: 1, loss: 1.8, accuracy: 0.5, valLoss: 1.5, valAccuracy: 0.6, lr: 0.002, seconds: 1 },
  { event: 'step', time: 't', step: 6, epoch: 2, batch: 2, loss: 1.0, batchLoss: 0.9, accuracy: 0.7 },
  { event: 'epoch', time: 't', epoch: 2, loss: 0.9, accuracy: 0.75, valLoss: null, valAccuracy: 0.7, lr: 0.001, seconds: 1 },
  { event: 'end', time: 't', epochs: 2, stoppedEarly: false },
);

describe('parseTrainingLog', () => {
  it('places epochs at their epoch and steps at their fraction of one', () => {
    const log = parseTrainingLog(SMALL, 'run.jsonl');
    assert.deepEqual(log.epochs.map((e) => e.x), [1, 2]);
    assert.deepEqual(log.steps.map((s) => s.x), [0.5, 1, 1.5]);
    assert.deepEqual(log.epochs[1].values, { loss: 0.9, accuracy: 0.75, valLoss: null, valAccuracy: 0.7, lr: 0.001 });
    assert.deepEqual([log.stepAxis, log.truncated], ['epoch', false]);
  });

  it('continues the axis for a second run or phase counting from epoch 1, not for a resumed one', () => {
    const epoch = (n: number) => ({ event: 'epoch', epoch: n, loss: 1 / n, seconds: 1 });
    const log = parseTrainingLog(lines(start(1), epoch(1), epoch(2), start(1, 2), epoch(3), start(1), epoch(1), { event: 'step', step: 1, batchLoss: 0.5 }));
    assert.deepEqual(log.epochs.map((e) => e.x), [1, 2, 3, 4]);
    assert.deepEqual(log.steps.map((s) => s.x), [4], 'the step after the third start is one epoch into that phase');
    const steps = parseTrainingLog(lines({ event: 'start' }, { event: 'step', step: 1, total: 3 }, { event: 'step', step: 2, total: 2 }));
    assert.deepEqual([steps.stepAxis, steps.steps.map((s) => s.x)], ['step', [1, 2]]);
  });

  it('leaves out a half-written last line and says so', () => {
    const log = parseTrainingLog(SMALL + '{"event":"epoch","epo', 'run.jsonl');
    assert.equal(log.truncated, true);
    assert.equal(log.epochs.length, 2);
  });

  it('names the file, the line and the problem', () => {
    assert.throws(() => parseTrainingLog(lines(start(1)) + 'nonsense\n' + lines(start(1)), 'run.jsonl'), /^Error: run.jsonl:2: not a JSON record/);
    assert.throws(() => parseTrainingLog('[1, 2]\n', 'run.jsonl'), /run.jsonl:1: a record is a JSON object, got \[1,2\]/);
    assert.throws(() => parseTrainingLog(lines({ event: 'epochs', epoch: 1 }), 'run.jsonl'), /run.jsonl:1: 'event' must be one of start, step, epoch, end, got "epochs"/);
    assert.throws(() => parseTrainingLog(lines(start(1), { event: 'epoch', loss: 1 }), 'run.jsonl'), /run.jsonl:2: a epoch record needs 'epoch', a non-negative integer, got undefined/);
    assert.throws(() => parseTrainingLog(lines(start(1), { event: 'epoch', epoch: 1, loss: 'low' }), 'run.jsonl'), /run.jsonl:2: 'loss' is "low"; the values of epoch records must be numbers/);
    assert.throws(() => parseTrainingLog(lines({ event: 'epoch', epoch: 1, loss: 1 }, { event: 'step', step: 1, batchLoss: 1 }), 'run.jsonl'), /run.jsonl:2: a step record in a log with epochs needs its run's start record with 'stepsPerEpoch'/);
    assert.throws(() => parseTrainingLog(lines(start(1), { event: 'end' }), 'run.jsonl'), /run.jsonl: no epoch or step records to plot \(2 record\(s\) read\)/);
    assert.throws(() => parseTrainingLog('', 'empty.jsonl'), /empty.jsonl: no epoch or step records to plot \(0 record\(s\) read\)/);
  });

  it('reads fit() histories the same way, fine-tuning after the first phase', () => {
    const log = trainingLogOf([{ epoch: 1, loss: 2, seconds: 1, lr: 0.1 }], [{ epoch: 1, loss: 1, seconds: 1, valLoss: NaN }]);
    assert.deepEqual(log.epochs, [{ x: 1, values: { loss: 2, lr: 0.1 } }, { x: 2, values: { loss: 1, valLoss: null } }]);
  });
});

describe('trainingCurves', () => {
  it('puts losses, metrics and the learning rate in their panels, per epoch and per step', () => {
    const { series } = trainingCurves(parseTrainingLog(SMALL));
    assert.deepEqual(series.map((s) => [s.panel, s.label, s.points]), [
      ['loss', 'batchLoss (step)', 3],
      ['metrics', 'accuracy (step)', 3],
      ['loss', 'loss', 2],
      ['metrics', 'accuracy', 2],
      ['loss', 'valLoss', 1],
      ['metrics', 'valAccuracy', 2],
      ['lr', 'lr', 2],
    ]);
  });

  it("draws every logged value: equal epoch spacing, heights in the values' proportions", async () => {
    const { svg } = await chartSvg(trainingCurves(parseTrainingLog(SMALL)).spec);
    const drawn = svgLines(svg);
    const [a, b, c] = lineLabelled(drawn, 'batchLoss (step)').pieces[0];
    // Steps at epochs 0.5, 1, 1.5: equally spaced; batch losses 2, 1.4, 0.9 on a linear axis.
    assert.ok(Math.abs(b[0] - a[0] - (c[0] - b[0])) < 2e-3, `x ${a[0]} ${b[0]} ${c[0]}`);
    // Vega writes coordinates to 3 decimals.
    assert.ok(Math.abs((b[1] - a[1]) / (c[1] - b[1]) - 0.6 / 0.5) < 1e-4, `y ${a[1]} ${b[1]} ${c[1]}`);
    const accuracy = lineLabelled(drawn, 'accuracy').pieces[0];
    assert.equal(accuracy.length, 2);
    assert.ok(accuracy[1][1] < accuracy[0][1], 'accuracy rises: drawn higher (smaller SVG y)');
    assert.equal(lineLabelled(drawn, 'valLoss').pieces.flat().length, 1, 'the null valLoss is left out');
    // Epoch values are marked points, carrying the logged values.
    const points = svgPointLabels(svg);
    for (const label of ['Epoch: 1; Loss: 1.8', 'Epoch: 2; Loss: 0.9', 'Epoch: 1; Metrics: 0.6', 'Epoch: 2; Learning rate: 0.001']) {
      assert.ok(points.some((p) => p.startsWith(label)), `a point '${label}' among ${points.length}`);
    }
  });

  it("a detector's loss terms go with the loss, its mAP with the metrics; a style run's costs on a log axis", async () => {
    const detector = trainingCurves(parseTrainingLog(lines(start(2), { event: 'epoch', epoch: 1, loss: 3, box: 1, objectness: 1.5, classes: 0.5, valMAP50: 0.4, valMAP50_95: 0.2, lr: 0.002, seconds: 9 })));
    assert.deepEqual(detector.series.map((s) => `${s.panel}:${s.field}`), ['loss:loss', 'loss:box', 'loss:objectness', 'loss:classes', 'metrics:valMAP50', 'metrics:valMAP50_95', 'lr:lr']);
    // mAP from 0.001 to 0.5 spans decades, but metrics stay on a linear 0..1 axis.
    const rising = trainingCurves(parseTrainingLog(lines({ event: 'epoch', epoch: 1, loss: 1, valMAP50: 0.001 }, { event: 'epoch', epoch: 2, loss: 0.5, valMAP50: 0.5 })));
    const metrics = JSON.stringify((rising.spec as { vconcat: object[] }).vconcat[1]);
    assert.match(metrics, /"scale":\{"type":"linear","zero":false,"domain":\[0,1\]/);
    const style = trainingCurves(parseTrainingLog(lines({ event: 'start' }, { event: 'step', step: 1, content: 1e-5, style: 0.5, total: 5000 }, { event: 'step', step: 2, content: 0.4, style: 0.01, total: 100 })));
    const spec = JSON.stringify(style.spec);
    assert.match(spec, /"type":"log"/);
    assert.match(spec, /"title":"Step"/);
  });

  it('refuses a log with nothing finite to draw', () => {
    assert.throws(() => trainingCurves(parseTrainingLog(lines({ event: 'start' }, { event: 'step', step: 1, total: null }))), /trainingCurves: the log holds no finite values to plot/);
  });
});
