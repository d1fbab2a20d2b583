// The YOLO losses as one op each (src/detect/region-loss.ts, modern-loss.ts) against the same losses written
// as composed tensor ops (test/helpers/yolo-loss-ops.ts), whose gradients come from the ops' own backward
// rules: every term and the gradient of the raw head output, in float64 (to rounding) and float32 (to
// float32's precision); the region loss over softmax and sigmoid classes, landmarks, the prior warm-up,
// rescore and the ignore rule, the modern one over the four box overlaps, landmarks and weights.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, type Tensor, uniform } from '../src/index.js';
import { YoloLoss, encodeYoloTargets } from '../src/detect/index.js';
import { anchorView, type YoloScale } from '../src/detect/yolo-decode.js';
import { regionLoss, type RegionLossSettings } from '../src/detect/region-loss.js';
import { modernLossByOps, regionLossByOps } from './helpers/yolo-loss-ops.js';
import { modernLoss, type ModernLossSettings } from '../src/detect/modern-loss.js';
import { assertAllClose, maxAbs } from './helpers/assert-close.js';
import { forEachBackend } from './helpers/backends.js';

// Anchors exact in float32: the composed ops hold them as float32 constants (gridConstants).
const scale: YoloScale = { anchors: [[0.75, 0.875], [1.625, 1.25], [3, 2.5]] };

/** Random objects (0 to 4 per image; image 1 has none), two of image 0 in one cell and anchor. */
function scene(g: Generator, images: number, numLandmarks: number) {
  return Array.from({ length: images }, (_, i) => {
    const count = i === 1 ? 0 : 1 + g.randint(4);
    const boxes = Array.from({ length: count }, () => [g.uniform(0.05, 0.95), g.uniform(0.05, 0.95), g.uniform(0.05, 0.5), g.uniform(0.05, 0.5)]);
    if (i === 0) boxes.push([boxes[0][0] + 0.001, boxes[0][1], boxes[0][2], boxes[0][3]]);
    const landmarks = numLandmarks ? boxes.map(([cx, cy], k) => Array.from({ length: numLandmarks }, (_, p) => (k + p) % 3 === 2 ? [NaN, NaN] : [cx + g.uniform(-0.05, 0.05), cy])) : undefined;
    return { boxes, classes: boxes.map(() => g.randint(4)), landmarks };
  });
}

function settings(over: Partial<RegionLossSettings>): RegionLossSettings {
  return {
    numClasses: 4, numLandmarks: 0, classActivation: 'softmax', objectScale: 5, noObjectScale: 1, coordScale: 1, classScale: 1,
    ignoreThreshold: 0.6, rescore: true, priorPull: true, landmarkScale: 1, ...over,
  };
}

/** Terms and the raw output's gradient (of 0.7 x the total) both ways. */
function both(raw: Tensor, o: RegionLossSettings, g: Generator) {
  const [n, h, w] = raw.shape;
  const gt = scene(g, n, o.numLandmarks);
  const encoded = encodeYoloTargets(gt, [scale], [[h, w]], o);
  const fused = regionLoss(raw, scale, encoded.scales[0], encoded.boxesPerImage, o);
  fused.loss.mul(0.7).backward();
  const fusedGrad = Float64Array.from(raw.grad!.data);
  raw.grad = null;
  const ops = regionLossByOps(anchorView(raw, scale, o, 'test'), scale, encoded.scales[0], encoded.boxesPerImage, o);
  ops.total.mul(0.7).backward();
  const opsGrad = Float64Array.from(raw.grad!.data);
  raw.grad = null;
  return { fused, fusedGrad, ops, opsGrad };
}

const cases: Array<[string, Partial<RegionLossSettings>]> = [
  ['softmax classes, warm-up, rescore', {}],
  ['sigmoid classes, no warm-up, no rescore', { classActivation: 'sigmoid', priorPull: false, rescore: false }],
  ['landmarks, other scales', { numLandmarks: 2, landmarkScale: 0.5, objectScale: 3, noObjectScale: 0.5, coordScale: 2, classScale: 0.25 }],
  ['no ignore rule (threshold 1)', { ignoreThreshold: 1 }],
];

const modernCases: Array<[string, Partial<ModernLossSettings>]> = [
  ['ciou', {}],
  ['diou, landmarks', { boxKind: 'diou', numLandmarks: 2, landmarkScale: 0.5 }],
  ['giou, other weights', { boxKind: 'giou', weights: { box: 1, objectness: 0.3, classes: 2 } }],
  ['iou', { boxKind: 'iou' }],
];

forEachBackend(() => {
  for (const [name, over] of cases) {
    it(`float64: the one op equals the composed ops, terms and gradient (${name})`, () => {
      const o = settings(over);
      const g = new Generator(7);
      const raw = uniform([3, 4, 5, scale.anchors.length * (5 + 4 + 2 * o.numLandmarks)], -2, 2, { generator: g, dtype: 'float64' }).requiresGrad_();
      const { fused, fusedGrad, ops, opsGrad } = both(raw, o, g);
      for (const k of ['box', 'objectness', 'noObject', 'classes', 'landmarks'] as const) {
        assertAllClose([fused.terms[k]], [ops[k].item()], { atol: 1e-12, rtol: 1e-12 }, k);
      }
      assertAllClose([fused.loss.item()], [ops.total.item()], { atol: 1e-12, rtol: 1e-12 }, 'total');
      assertAllClose(fusedGrad, opsGrad, { atol: 1e-14 * maxAbs(opsGrad), rtol: 1e-12 }, 'gradient');
      assert.ok(maxAbs(fusedGrad) > 0 && fused.terms.box > 0 && fused.terms.classes > 0 && fused.terms.noObject > 0);
      if (o.numLandmarks) assert.ok(fused.terms.landmarks > 0);
    });
  }

  it('the ignore rule applies: predictions overlapping an object by more than the threshold pay no no-object term', () => {
    const raw = () => uniform([3, 4, 5, 27], -2, 2, { generator: new Generator(9), dtype: 'float64' });
    const noObject = (threshold: number) => both(raw().requiresGrad_(), settings({ ignoreThreshold: threshold }), new Generator(9)).fused.terms.noObject;
    assert.ok(noObject(0.3) < noObject(1), `no-object term ${noObject(0.3)} with threshold 0.3, ${noObject(1)} without the rule`);
  });

  it('float32, a TinyYolo-sized head: the one op within float32 rounding of the composed ops in float64', () => {
    const o = settings({});
    const g = new Generator(5);
    const raw32 = uniform([4, 8, 8, 27], -3, 3, { generator: g }).requiresGrad_();
    const raw64 = raw32.detach().to('float64').requiresGrad_();
    const fused = both(raw32, o, new Generator(6));
    const exact = both(raw64, o, new Generator(6));
    assertAllClose([fused.fused.loss.item()], [exact.ops.total.item()], { atol: 0, rtol: 1e-6 }, 'total');
    assertAllClose(fused.fusedGrad, exact.opsGrad, { atol: 1e-6 * maxAbs(exact.opsGrad), rtol: 1e-5 }, 'gradient');
  });

  for (const [name, over] of modernCases) {
    it(`float64: the modern loss as one op equals the composed ops, terms and gradient (${name})`, () => {
      const o: ModernLossSettings = { numClasses: 4, numLandmarks: 0, boxKind: 'ciou', weights: { box: 0.05, objectness: 1, classes: 0.5 }, landmarkScale: 1, ...over };
      const g = new Generator(8);
      const raw = uniform([3, 4, 5, scale.anchors.length * (5 + 4 + 2 * o.numLandmarks)], -2, 2, { generator: g, dtype: 'float64' }).requiresGrad_();
      const [n, h, w] = raw.shape;
      const encoded = encodeYoloTargets(scene(g, n, o.numLandmarks), [scale], [[h, w]], o);
      const fused = modernLoss(raw, scale, encoded.scales[0], o);
      fused.loss.mul(0.7).backward();
      const fusedGrad = Float64Array.from(raw.grad!.data);
      raw.grad = null;
      const ops = modernLossByOps(anchorView(raw, scale, o, 'test'), scale, encoded.scales[0], o);
      ops.total.mul(0.7).backward();
      for (const k of ['box', 'objectness', 'classes', 'landmarks'] as const) assertAllClose([fused.terms[k]], [ops[k].item()], { atol: 1e-12, rtol: 1e-12 }, k);
      assertAllClose([fused.loss.item()], [ops.total.item()], { atol: 1e-12, rtol: 1e-12 }, 'total');
      assertAllClose(fusedGrad, raw.grad!.data, { atol: 1e-14 * maxAbs(raw.grad!.data), rtol: 1e-10 }, 'gradient');
      assert.ok(fused.terms.box > 0 && fused.terms.classes > 0 && maxAbs(fusedGrad.filter((_, i) => i % (9 + 2 * o.numLandmarks) < 4)) > 0);
    });
  }

  it('YoloLoss reports the one op\'s terms and sums the scales', () => {
    const g = new Generator(2);
    const gt = scene(g, 2, 0);
    const small: YoloScale = { anchors: [[0.5, 0.5]] };
    const loss = new YoloLoss([scale, small], { numClasses: 4 });
    const raws = [uniform([2, 4, 4, 27], -1, 1, { generator: g }), uniform([2, 8, 8, 9], -1, 1, { generator: g })];
    const r = loss.forward(raws, gt);
    const encoded = encodeYoloTargets(gt, [scale, small], [[4, 4], [8, 8]], { numClasses: 4 });
    const parts = [scale, small].map((s, i) => regionLoss(raws[i], s, encoded.scales[i], encoded.boxesPerImage, settings({})));
    assertAllClose([r.loss.item()], [parts[0].loss.item() + parts[1].loss.item()], { atol: 1e-6 });
    assertAllClose([r.terms.box, r.terms.noObject], [parts[0].terms.box + parts[1].terms.box, parts[0].terms.noObject + parts[1].terms.noObject], { atol: 1e-6 });
  });
});
