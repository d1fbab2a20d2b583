// Intersection over union and its loss-friendly variants, from tensor ops so that box losses get gradients:
//   iou   = |A ∩ B| / |A ∪ B|
//   giou  = iou - |C \ (A ∪ B)| / |C|                 C: the smallest box enclosing both (Rezatofighi 2019)
//   diou  = iou - rho^2 / c^2                          rho: distance of the centres, c: C's diagonal (Zheng 2020)
//   ciou  = diou - alpha * v, v = 4/pi^2 (atan(wB/hB) - atan(wA/hA))^2, alpha = v / (1 - iou + v)
// alpha is held constant in the gradient, as in the CIoU paper's code, torchvision and Ultralytics.
// Where a ratio's denominator is 0 (two empty boxes, or two equal points as enclosing box) the term is 0,
// never NaN.
import { Tensor } from '../tensor/tensor.js';
import { maximum, minimum } from '../ops/arithmetic.js';
import { eq } from '../ops/compare.js';
import { atan } from '../ops/atan.js';
import { formatShape } from '../tensor/shape.js';
import { asBoxes, checkFormat, corners, type BoxFormat } from './boxes.js';

export type IouKind = 'iou' | 'giou' | 'diou' | 'ciou';
const IOU_KINDS: readonly IouKind[] = ['iou', 'giou', 'diou', 'ciou'];

export interface IouOptions {
  /** Format of both box sets (default 'xyxy'). */
  format?: BoxFormat;
  /** Which overlap measure (default 'iou'). */
  kind?: IouKind;
}

type Boxes = Tensor | readonly (readonly number[])[];
type Corners = [Tensor, Tensor, Tensor, Tensor];

/** a / b where b is not 0, else 0 (b + [b == 0] leaves every other denominator exactly as it was). */
function safeDivide(a: Tensor, b: Tensor): Tensor {
  return a.div(b.add(eq(b, 0)));
}

function overlap([ax1, ay1, ax2, ay2]: Corners, [bx1, by1, bx2, by2]: Corners, kind: IouKind): Tensor {
  const interW = maximum(minimum(ax2, bx2).sub(maximum(ax1, bx1)), 0);
  const interH = maximum(minimum(ay2, by2).sub(maximum(ay1, by1)), 0);
  const inter = interW.mul(interH);
  const wA = maximum(ax2.sub(ax1), 0);
  const hA = maximum(ay2.sub(ay1), 0);
  const wB = maximum(bx2.sub(bx1), 0);
  const hB = maximum(by2.sub(by1), 0);
  const union = wA.mul(hA).add(wB.mul(hB)).sub(inter);
  const iou = safeDivide(inter, union);
  if (kind === 'iou') return iou;

  const encW = maximum(ax2, bx2).sub(minimum(ax1, bx1));
  const encH = maximum(ay2, by2).sub(minimum(ay1, by1));
  if (kind === 'giou') {
    const enclosing = encW.mul(encH);
    return iou.sub(safeDivide(enclosing.sub(union), enclosing));
  }
  const dx = bx1.add(bx2).sub(ax1.add(ax2)).mul(0.5);
  const dy = by1.add(by2).sub(ay1.add(ay2)).mul(0.5);
  const diou = iou.sub(safeDivide(dx.square().add(dy.square()), encW.square().add(encH.square())));
  if (kind === 'diou') return diou;

  // A zero height makes the aspect ratio infinite; atan's limit there is pi/2, reached through a tiny height.
  const aspectA = atan(wA.div(maximum(hA, 1e-30)));
  const aspectB = atan(wB.div(maximum(hB, 1e-30)));
  const v = aspectB.sub(aspectA).square().mul(4 / (Math.PI * Math.PI));
  const alpha = safeDivide(v, v.sub(iou).add(1)).detach();
  return diou.sub(alpha.mul(v));
}

function matrixOperand(boxes: Boxes, fn: string): Tensor {
  const t = asBoxes(boxes, fn);
  if (t.ndim < 2) throw new Error(`${fn}: boxes must be [N, 4] (or [..., N, 4]), got ${formatShape(t.shape)}`);
  return t;
}

function options(fn: string, opts: IouOptions): { format: BoxFormat; kind: IouKind } {
  const format = checkFormat(opts.format ?? 'xyxy', fn);
  const kind = opts.kind ?? 'iou';
  if (!IOU_KINDS.includes(kind)) throw new Error(`${fn}: unknown kind '${String(kind)}'; valid: ${IOU_KINDS.join(', ')}`);
  return { format, kind };
}

/**
 * The overlap of every box in `a` ([N, 4]) with every box in `b` ([M, 4]): [N, M]. Leading batch dimensions
 * broadcast ([B, N, 4] with [B, M, 4] gives [B, N, M]).
 */
export function iou(a: Boxes, b: Boxes, opts: IouOptions = {}): Tensor {
  const { format, kind } = options('iou', opts);
  const ta = matrixOperand(a, 'iou');
  const tb = matrixOperand(b, 'iou');
  const cornersB = corners(tb, format).map((c) => c.transpose(-2, -1)) as Corners; // [..., 1, M]
  return overlap(corners(ta, format), cornersB, kind);
}

/** The overlap of a[i] with b[i] for aligned box sets [..., 4] (shapes broadcast): [...]. For box losses. */
export function pairedIou(a: Boxes, b: Boxes, opts: IouOptions = {}): Tensor {
  const { format, kind } = options('pairedIou', opts);
  const ta = asBoxes(a, 'pairedIou');
  const tb = asBoxes(b, 'pairedIou');
  const out = overlap(corners(ta, format), corners(tb, format), kind);
  return out.reshape(out.shape.slice(0, -1));
}
