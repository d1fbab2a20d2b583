// Box formats and conversions. A box set is a tensor [..., 4] (usually [N, 4]); conversions are built from
// tensor ops, so gradients flow through them (box losses decode predictions, then compare boxes).
//   xyxy:   x1, y1, x2, y2 (corners)
//   xywh:   x1, y1, width, height (COCO's annotation format)
//   cxcywh: centre x, centre y, width, height (YOLO's labels and predictions)
// Pixels or normalised to [0, 1] is a matter of scale: scaleBoxes converts between them.
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { concat, narrow } from '../ops/movement.js';
import { maximum, minimum } from '../ops/arithmetic.js';

export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';
export const BOX_FORMATS: readonly BoxFormat[] = ['xyxy', 'xywh', 'cxcywh'];

/** Boxes as a float tensor [..., 4]: a tensor is checked, nested arrays ([[x1, y1, x2, y2], ...]) converted. */
export function asBoxes(boxes: Tensor | readonly (readonly number[])[], fn: string): Tensor {
  const t = boxes instanceof Tensor ? boxes : boxes.length === 0 ? tensor([], [0, 4]) : tensor(boxes as number[][]);
  if (t.ndim < 1 || t.shape[t.ndim - 1] !== 4) {
    throw new Error(`${fn}: boxes must be a tensor [..., 4] (4 coordinates per box), got ${formatShape(t.shape)}`);
  }
  if (t.dtype === 'int32') return t.to('float32');
  return t;
}

export function checkFormat(format: string, fn: string): BoxFormat {
  if (!(BOX_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`${fn}: unknown box format '${format}'; valid: ${BOX_FORMATS.join(', ')}`);
  }
  return format as BoxFormat;
}

/** The four coordinates as tensors [..., 1]. */
export function columns(boxes: Tensor): [Tensor, Tensor, Tensor, Tensor] {
  const axis = boxes.ndim - 1;
  return [0, 1, 2, 3].map((i) => narrow(boxes, axis, i, 1)) as [Tensor, Tensor, Tensor, Tensor];
}

function join(parts: Tensor[]): Tensor {
  return concat(parts, parts[0].ndim - 1);
}

/** Corners x1, y1, x2, y2 as [..., 1] tensors from boxes in any format. */
export function corners(boxes: Tensor, format: BoxFormat): [Tensor, Tensor, Tensor, Tensor] {
  const [a, b, c, d] = columns(boxes);
  if (format === 'xyxy') return [a, b, c, d];
  if (format === 'xywh') return [a, b, a.add(c), b.add(d)];
  const halfW = c.mul(0.5);
  const halfH = d.mul(0.5);
  return [a.sub(halfW), b.sub(halfH), a.add(halfW), b.add(halfH)];
}

/** Convert boxes between formats (differentiable). */
export function convertBoxes(boxes: Tensor | readonly (readonly number[])[], from: BoxFormat, to: BoxFormat): Tensor {
  const t = asBoxes(boxes, 'convertBoxes');
  checkFormat(from, 'convertBoxes');
  checkFormat(to, 'convertBoxes');
  if (from === to) return t;
  const [x1, y1, x2, y2] = corners(t, from);
  if (to === 'xyxy') return join([x1, y1, x2, y2]);
  const w = x2.sub(x1);
  const h = y2.sub(y1);
  if (to === 'xywh') return join([x1, y1, w, h]);
  return join([x1.add(x2).mul(0.5), y1.add(y2).mul(0.5), w, h]);
}

/** Multiply x coordinates and widths by sx, y coordinates and heights by sy (normalised <-> pixels). */
export function scaleBoxes(boxes: Tensor | readonly (readonly number[])[], sx: number, sy: number): Tensor {
  const t = asBoxes(boxes, 'scaleBoxes');
  if (!(Number.isFinite(sx) && Number.isFinite(sy))) throw new Error(`scaleBoxes: scales must be finite numbers, got ${sx}, ${sy}`);
  return t.mul(tensor([sx, sy, sx, sy]));
}

/** Clip xyxy boxes to an image of the given width and height (pixels) or to [0, 1] (normalised: 1, 1). */
export function clipBoxes(boxes: Tensor | readonly (readonly number[])[], width: number, height: number): Tensor {
  const t = asBoxes(boxes, 'clipBoxes');
  if (!(width > 0 && height > 0)) throw new Error(`clipBoxes: width and height must be positive, got ${width} x ${height}`);
  return minimum(maximum(t, 0), tensor([width, height, width, height], [4], { dtype: t.dtype === 'float64' ? 'float64' : 'float32' }));
}

/** Areas of xyxy boxes (zero for empty or inverted boxes), [...]. */
export function boxArea(boxes: Tensor): Tensor {
  const [x1, y1, x2, y2] = columns(boxes);
  const area = maximum(x2.sub(x1), 0).mul(maximum(y2.sub(y1), 0));
  return area.reshape(boxes.shape.slice(0, -1));
}
