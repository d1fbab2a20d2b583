// Box formats and the IoU family: hand-computed values from the definitions (areas, enclosing box, centre
// distance, aspect term), the degenerate cases that must give 0 and not NaN, and float64 central
// differences through every kind (the box losses train through them).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { F, gradcheck, tensor } from '../src/index.js';
import { boxArea, clipBoxes, convertBoxes, iou, pairedIou, scaleBoxes } from '../src/detect/index.js';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';

// A = [0, 0, 2, 2], B = [1, 1, 3, 3]: intersection 1, union 4 + 4 - 1 = 7, enclosing box 3 x 3 = 9, centres
// (1, 1) and (2, 2) at squared distance 2, enclosing diagonal squared 18; equal aspect ratios, so v = 0.
const A = [0, 0, 2, 2];
const B = [1, 1, 3, 3];
// P = [0, 0, 4, 2] (wide), Q = [0, 0, 2, 4] (tall): intersection 4, union 12, enclosing 4 x 4 = 16, centres
// (2, 1) and (1, 2): squared distance 2, diagonal squared 32; v = 4 / pi^2 (atan(2 / 4) - atan(4 / 2))^2.
const P = [0, 0, 4, 2];
const Q = [0, 0, 2, 4];
const vPQ = (4 / Math.PI ** 2) * (Math.atan(0.5) - Math.atan(2)) ** 2;
const ciouPQ = 1 / 3 - 2 / 32 - (vPQ / (1 - 1 / 3 + vPQ)) * vPQ;

forEachBackend(() => {
  it('convertBoxes between xyxy, xywh and cxcywh, and back', () => {
    const xyxy = tensor([[10, 20, 50, 80], [0, 0, 1, 1]]);
    assert.deepEqual(convertBoxes(xyxy, 'xyxy', 'xywh').toArray(), [[10, 20, 40, 60], [0, 0, 1, 1]]);
    assert.deepEqual(convertBoxes(xyxy, 'xyxy', 'cxcywh').toArray(), [[30, 50, 40, 60], [0.5, 0.5, 1, 1]]);
    assert.deepEqual(convertBoxes([[30, 50, 40, 60]], 'cxcywh', 'xyxy').toArray(), [[10, 20, 50, 80]]);
    assert.deepEqual(convertBoxes([[10, 20, 40, 60]], 'xywh', 'cxcywh').toArray(), [[30, 50, 40, 60]]);
    assert.deepEqual(convertBoxes([], 'xyxy', 'cxcywh').shape, [0, 4]);
    assert.throws(() => convertBoxes(xyxy, 'xyxy', 'yxyx' as 'xyxy'), /convertBoxes: unknown box format 'yxyx'; valid: xyxy, xywh, cxcywh/);
    assert.throws(() => convertBoxes(tensor([1, 2, 3]), 'xyxy', 'xywh'), /convertBoxes: boxes must be a tensor \[\.\.\., 4\].*got \[3\]/);
  });

  it('scaleBoxes, clipBoxes and boxArea', () => {
    assert.deepEqual(scaleBoxes([[0.25, 0.5, 0.75, 1]], 640, 480).toArray(), [[160, 240, 480, 480]]);
    assert.deepEqual(clipBoxes([[-5, 10, 700, 500]], 640, 480).toArray(), [[0, 10, 640, 480]]);
    assert.deepEqual(boxArea(tensor([[0, 0, 2, 3], [5, 5, 4, 4]])).toArray(), [6, 0]);
    assert.throws(() => clipBoxes([[0, 0, 1, 1]], 0, 10), /clipBoxes: width and height must be positive, got 0 x 10/);
  });

  it('the IoU matrix and GIoU / DIoU / CIoU on hand-computed pairs', () => {
    const m = iou([A, P], [B, Q, A]);
    assert.deepEqual(m.shape, [2, 3]);
    // A-B 1/7; A-Q: intersection 4 of union 4 + 8 - 4 = 8; A-A 1; P-B: [1,1]-[3,2] = 2, union 8 + 4 - 2 = 10;
    // P-Q 1/3; P-A: 4 / 8.
    assertAllClose(m.data, [1 / 7, 0.5, 1, 0.2, 1 / 3, 0.5], { atol: 1e-7 });
    assertAllClose(pairedIou([A, P], [B, Q], { kind: 'giou' }).data, [1 / 7 - 2 / 9, 1 / 3 - 4 / 16], { atol: 1e-7 });
    assertAllClose(pairedIou([A, P], [B, Q], { kind: 'diou' }).data, [1 / 7 - 2 / 18, 1 / 3 - 2 / 32], { atol: 1e-7 });
    assertAllClose(pairedIou([A, P], [B, Q], { kind: 'ciou' }).data, [1 / 7 - 2 / 18, ciouPQ], { atol: 1e-7 });
    // The same pairs given as centre boxes.
    const asCentres = (b: number[][]) => convertBoxes(b, 'xyxy', 'cxcywh');
    assertAllClose(pairedIou(asCentres([P]), asCentres([Q]), { kind: 'ciou', format: 'cxcywh' }).data, [ciouPQ], { atol: 1e-7 });
  });

  it('disjoint, touching and empty boxes: 0 or the penalty terms, never NaN', () => {
    // [0,0,1,1] and [2,0,3,1]: no overlap; enclosing 3 x 1, so GIoU = 0 - (3 - 2) / 3.
    assertAllClose(pairedIou([[0, 0, 1, 1]], [[2, 0, 3, 1]], { kind: 'giou' }).data, [-1 / 3], { atol: 1e-7 });
    assert.deepEqual(iou([[0, 0, 1, 1]], [[1, 0, 2, 1]]).toArray(), [[0]]);
    for (const kind of ['iou', 'giou', 'diou', 'ciou'] as const) {
      const same = pairedIou([[3, 3, 3, 3]], [[3, 3, 3, 3]], { kind }).data[0];
      assert.equal(same, 0, `${kind} of two equal points`);
      const flat = pairedIou([[0, 0, 2, 0]], [[0, 0, 2, 2]], { kind }).data[0];
      assert.ok(Number.isFinite(flat), `${kind} with a zero-height box: ${flat}`);
    }
  });

  it('batched IoU matrices and bad arguments', () => {
    const m = iou(tensor([[A], [P]]), tensor([[B, A], [Q, P]]));
    assert.deepEqual(m.shape, [2, 1, 2]);
    assertAllClose(m.data, [1 / 7, 1, 1 / 3, 1], { atol: 1e-7 });
    assert.throws(() => iou([A], [B], { kind: 'eiou' as 'iou' }), /iou: unknown kind 'eiou'; valid: iou, giou, diou, ciou/);
    assert.throws(() => iou(tensor(A), [B]), /iou: boxes must be \[N, 4\].*got \[4\]/);
  });

  it('IoU, GIoU and DIoU are differentiable: float64 central differences', () => {
    const a = tensor([[0.1, 0.2, 2.3, 1.9], [1.0, 0.5, 3.0, 4.0]], [2, 4], { dtype: 'float64' }).requiresGrad_();
    const b = tensor([[0.9, 1.1, 3.2, 2.8], [0.2, 0.1, 2.5, 3.0]], [2, 4], { dtype: 'float64' }).requiresGrad_();
    // Centre boxes chosen with no two equal edges (min and max have no derivative at ties).
    const ca = tensor([[1.1, 1.0, 2.0, 1.6], [2.0, 1.5, 1.2, 2.4]], [2, 4], { dtype: 'float64' }).requiresGrad_();
    const cb = tensor([[1.5, 1.2, 1.8, 2.2], [0.9, 2.1, 2.6, 1.4]], [2, 4], { dtype: 'float64' }).requiresGrad_();
    for (const kind of ['iou', 'giou', 'diou'] as const) {
      assert.equal(gradcheck((p, q) => pairedIou(p, q, { kind }), [a, b]), true, kind);
      assert.equal(gradcheck((p, q) => iou(p, q, { kind, format: 'cxcywh' }), [ca, cb]), true, `${kind} matrix, cxcywh`);
    }
  });

  it("CIoU's gradient holds alpha constant: central differences of diou - alpha0 * v on plain numbers", () => {
    // The paper's formulas on plain numbers, an implementation independent of the tensor one.
    const parts = ([ax1, ay1, ax2, ay2]: number[], [bx1, by1, bx2, by2]: number[]) => {
      const inter = Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0) * Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0);
      const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
      const rho2 = ((bx1 + bx2 - ax1 - ax2) / 2) ** 2 + ((by1 + by2 - ay1 - ay2) / 2) ** 2;
      const c2 = (Math.max(ax2, bx2) - Math.min(ax1, bx1)) ** 2 + (Math.max(ay2, by2) - Math.min(ay1, by1)) ** 2;
      const v = (4 / Math.PI ** 2) * (Math.atan((bx2 - bx1) / (by2 - by1)) - Math.atan((ax2 - ax1) / (ay2 - ay1))) ** 2;
      const iouValue = inter / union;
      return { diou: iouValue - rho2 / c2, v, alpha: v / (1 - iouValue + v) };
    };
    const pairs = [[[0.1, 0.2, 2.3, 1.9], [0.9, 1.1, 3.2, 2.8]], [[1.0, 0.5, 3.0, 4.0], [0.2, 0.1, 2.5, 3.0]]];
    for (const [pa, pb] of pairs) {
      const a = tensor([pa], [1, 4], { dtype: 'float64' }).requiresGrad_();
      const b = tensor([pb], [1, 4], { dtype: 'float64' }).requiresGrad_();
      pairedIou(a, b, { kind: 'ciou' }).sum().backward();
      const { alpha } = parts(pa, pb);
      const objective = (x: number[], y: number[]) => {
        const p = parts(x, y);
        return p.diou - alpha * p.v;
      };
      const h = 1e-6;
      const numeric = [...pa.map((_, k) => [k, 0]), ...pb.map((_, k) => [k, 1])].map(([k, which]) => {
        const plus = [pa.slice(), pb.slice()];
        const minus = [pa.slice(), pb.slice()];
        plus[which][k] += h;
        minus[which][k] -= h;
        return (objective(plus[0], plus[1]) - objective(minus[0], minus[1])) / (2 * h);
      });
      assertAllClose([...a.grad!.data, ...b.grad!.data], numeric, { atol: 1e-7 });
    }
  });

  it('atan: values and its gradient 1 / (1 + x^2), finite at infinity', () => {
    const x = tensor([-Infinity, -2, 0, 0.5, 3], [5], { dtype: 'float64' }).requiresGrad_();
    const y = F.atan(x);
    assertAllClose(y.data, [-Math.PI / 2, Math.atan(-2), 0, Math.atan(0.5), Math.atan(3)], { atol: 1e-15 });
    y.sum().backward();
    assertAllClose(x.grad!.data, [0, 1 / 5, 1, 1 / 1.25, 1 / 10], { atol: 1e-15 });
    assert.equal(gradcheck((t) => F.atan(t), [tensor([-3, -0.2, 0.4, 7], [4], { dtype: 'float64' }).requiresGrad_()]), true);
  });
}, {
  expectedFallbacks: [{ ops: ['channelSums'], reason: 'not float32', because: 'the gradient checks run in float64' }],
});
