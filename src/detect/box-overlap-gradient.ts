// The overlap of one predicted box with one target box (iou.ts's IoU, GIoU, DIoU, CIoU, same formulas on
// corners) and its gradient with respect to the predicted box's cx, cy, w, h, by hand, in float64, for the
// losses that run as one pass (modern-loss.ts). Conventions as the tensor ops: min and max split the
// gradient in half at ties, a denominator of 0 gives a 0 term, CIoU's alpha is a constant of the gradient.
import type { IouKind } from './iou.js';

/** d max(x, y) / dx: 1 where x is larger, 0.5 at a tie (as the maximum op). */
const maxWeight = (x: number, y: number) => (x < y ? 0 : x === y ? 0.5 : 1);
/** d min(x, y) / dx. */
const minWeight = (x: number, y: number) => (x > y ? 0 : x === y ? 0.5 : 1);

const ASPECT = 4 / (Math.PI * Math.PI);

export interface BoxOverlap {
  value: number;
  /** d value / d (cx, cy, w, h) of the predicted box. */
  grad: [number, number, number, number];
}

/** One axis of a box pair, from centres and sizes: the corners, the intersection and the enclosing extent. */
function axis(ac: number, as: number, bc: number, bs: number) {
  const a1 = ac - as * 0.5, a2 = ac + as * 0.5, b1 = bc - bs * 0.5, b2 = bc + bs * 0.5;
  const rawInter = Math.min(a2, b2) - Math.max(a1, b1);
  const inter = Math.max(rawInter, 0);
  // d inter / d a1, d a2 (through max(., 0), then min and max of the corners).
  const interPass = maxWeight(rawInter, 0);
  const dInter1 = -interPass * maxWeight(a1, b1), dInter2 = interPass * minWeight(a2, b2);
  const rawSize = a2 - a1;
  const size = Math.max(rawSize, 0);
  const sizePass = maxWeight(rawSize, 0);
  const enclosing = Math.max(a2, b2) - Math.min(a1, b1);
  const dEnc1 = -minWeight(a1, b1), dEnc2 = maxWeight(a2, b2);
  return { a1, a2, b1, b2, inter, dInter1, dInter2, size, dSize1: -sizePass, dSize2: sizePass, other: Math.max(b2 - b1, 0), enclosing, dEnc1, dEnc2 };
}

/** The overlap of the predicted box (cx, cy, w, h) with the target, and its gradient in the predicted box. */
export function boxOverlap(kind: IouKind, acx: number, acy: number, aw: number, ah: number, bcx: number, bcy: number, bw: number, bh: number): BoxOverlap {
  const x = axis(acx, aw, bcx, bw), y = axis(acy, ah, bcy, bh);
  // Gradients are gathered on the corners (x1, x2, y1, y2) and mapped to (cx, cy, w, h) at the end.
  const g = [0, 0, 0, 0];
  const inter = x.inter * y.inter;
  const dInter = [x.dInter1 * y.inter, x.dInter2 * y.inter, y.dInter1 * x.inter, y.dInter2 * x.inter];
  const union = x.size * y.size + x.other * y.other - inter;
  const dUnion = [x.dSize1 * y.size - dInter[0], x.dSize2 * y.size - dInter[1], y.dSize1 * x.size - dInter[2], y.dSize2 * x.size - dInter[3]];
  const safeUnion = union === 0 ? 1 : union;
  const iou = inter / safeUnion;
  const addIou = (k: number) => { for (let i = 0; i < 4; i++) g[i] += k * (dInter[i] - iou * dUnion[i]) / safeUnion; };
  addIou(1);
  let value = iou;
  if (kind === 'giou') {
    const enclosing = x.enclosing * y.enclosing;
    const dEnclosing = [x.dEnc1 * y.enclosing, x.dEnc2 * y.enclosing, y.dEnc1 * x.enclosing, y.dEnc2 * x.enclosing];
    const safe = enclosing === 0 ? 1 : enclosing;
    const gap = (enclosing - union) / safe;
    for (let i = 0; i < 4; i++) g[i] -= (dEnclosing[i] - dUnion[i] - gap * dEnclosing[i]) / safe;
    value -= gap;
  } else if (kind === 'diou' || kind === 'ciou') {
    const dx = (x.b1 + x.b2 - (x.a1 + x.a2)) * 0.5, dy = (y.b1 + y.b2 - (y.a1 + y.a2)) * 0.5;
    const rho = dx * dx + dy * dy;
    const diagonal = x.enclosing * x.enclosing + y.enclosing * y.enclosing;
    const dRho = [-dx, -dx, -dy, -dy]; // d(dx^2)/d a1 = 2 dx * (-0.5)
    const dDiagonal = [2 * x.enclosing * x.dEnc1, 2 * x.enclosing * x.dEnc2, 2 * y.enclosing * y.dEnc1, 2 * y.enclosing * y.dEnc2];
    const safe = diagonal === 0 ? 1 : diagonal;
    const distance = rho / safe;
    for (let i = 0; i < 4; i++) g[i] -= (dRho[i] - distance * dDiagonal[i]) / safe;
    value -= distance;
    if (kind === 'ciou') {
      // atan(w / max(h, 1e-30)) per box; the predicted box's sizes are x.size, y.size.
      const hA = Math.max(y.size, 1e-30), ratioA = x.size / hA;
      const aspectA = Math.atan(ratioA), aspectB = Math.atan(x.other / Math.max(y.other, 1e-30));
      const v = ASPECT * (aspectB - aspectA) ** 2;
      const alphaDenominator = v - iou + 1;
      const alpha = v / (alphaDenominator === 0 ? 1 : alphaDenominator);
      // d v / d aspectA, then d aspectA / d w and / d h (h through max(h, 1e-30)).
      const dAspect = (-2 * ASPECT * (aspectB - aspectA)) / (1 + ratioA * ratioA);
      const dW = dAspect / hA, dH = (-dAspect * ratioA / hA) * maxWeight(y.size, 1e-30);
      g[0] -= alpha * dW * x.dSize1;
      g[1] -= alpha * dW * x.dSize2;
      g[2] -= alpha * dH * y.dSize1;
      g[3] -= alpha * dH * y.dSize2;
      value -= alpha * v;
    }
  }
  // x1 = cx - w / 2, x2 = cx + w / 2.
  return { value, grad: [g[0] + g[1], g[2] + g[3], 0.5 * (g[1] - g[0]), 0.5 * (g[3] - g[2])] };
}
