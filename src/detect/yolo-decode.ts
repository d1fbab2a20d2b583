// YOLO's output, decoded (YOLOv2, Redmon & Farhadi 2017). A head's raw output is [N, H, W, B * D] on an
// H x W grid with B anchors per cell; each anchor's D = 5 + C + 2L numbers are
//   tx, ty, tw, th, to, C class scores, L landmark (x, y) offsets.
// In normalised image coordinates, for the cell (cx, cy) and the anchor (pw, ph) in grid cells:
//   bx = (cx + sigmoid(tx)) / W      by = (cy + sigmoid(ty)) / H
//   bw = pw * exp(tw) / W            bh = ph * exp(th) / H
//   objectness = sigmoid(to)         class probabilities: softmax (YOLOv2) or sigmoid (YOLOv3 on)
//   landmark k = ((cx + 0.5 + u_k * pw) / W, (cy + 0.5 + v_k * ph) / H): offsets from the cell centre in
//   anchor sizes (as RetinaFace's landmarks are in anchor units).
// Everything is tensor ops, so the modern loss trains through the decoded boxes.
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { clamp, exp } from '../ops/arithmetic.js';
import { sigmoid, softmax } from '../ops/activation.js';
import { concat, narrow } from '../ops/movement.js';

/** One output scale: its anchors, as (width, height) in grid cells of that scale (as Darknet writes them). */
export interface YoloScale {
  anchors: ReadonlyArray<readonly [number, number]>;
}

export interface YoloSpec {
  numClasses: number;
  /** Landmarks per box (0: none), e.g. 5 for the eyes, nose and mouth corners. */
  numLandmarks?: number;
  /** 'softmax' over classes (YOLOv2, one class per box) or independent 'sigmoid's (YOLOv3 on). */
  classActivation?: 'softmax' | 'sigmoid';
}

/** Values per anchor: 4 box, 1 objectness, the class scores and 2 per landmark. */
export function valuesPerAnchor(spec: YoloSpec): number {
  return 5 + spec.numClasses + 2 * (spec.numLandmarks ?? 0);
}

export interface DecodedYolo {
  /** Boxes [N, H * W * B, 4], normalised cxcywh. */
  boxes: Tensor;
  /** Objectness [N, H * W * B] in (0, 1). */
  objectness: Tensor;
  /** Class probabilities [N, H * W * B, C]. */
  classProbs: Tensor;
  /** Landmarks [N, H * W * B, L, 2], normalised (x, y); absent without landmarks. */
  landmarks?: Tensor;
}

/** The raw output split per anchor: [N, H, W, B, D]. Checks the channel count against the spec. */
export function anchorView(raw: Tensor, scale: YoloScale, spec: YoloSpec, fn: string): Tensor {
  const b = scale.anchors.length;
  const d = valuesPerAnchor(spec);
  if (raw.ndim !== 4 || raw.shape[3] !== b * d) {
    throw new Error(
      `${fn}: expected a head output [N, H, W, ${b * d}] (${b} anchors x (5 + ${spec.numClasses} classes` +
        `${spec.numLandmarks ? ` + 2 x ${spec.numLandmarks} landmarks` : ''})), got ${formatShape(raw.shape)}`,
    );
  }
  const [n, h, w] = raw.shape;
  return raw.reshape([n, h, w, b, d]);
}

/** Constant [1, H, W, B, 1] tensors: the cell's x and y indices, the anchor's width and height. */
export function gridConstants(h: number, w: number, scale: YoloScale): { cx: Tensor; cy: Tensor; pw: Tensor; ph: Tensor } {
  const b = scale.anchors.length;
  const cx = new Float32Array(h * w * b);
  const cy = new Float32Array(h * w * b);
  const pw = new Float32Array(h * w * b);
  const ph = new Float32Array(h * w * b);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let a = 0; a < b; a++, i++) {
        cx[i] = x;
        cy[i] = y;
        pw[i] = scale.anchors[a][0];
        ph[i] = scale.anchors[a][1];
      }
    }
  }
  const shape = [1, h, w, b, 1];
  return { cx: tensor(cx, shape), cy: tensor(cy, shape), pw: tensor(pw, shape), ph: tensor(ph, shape) };
}

// exp(tw) is bounded so that an untrained head cannot overflow to Infinity (e^16 grid cells is far past any
// image); inside the bound the gradient is exp's own.
const MAX_LOG_SCALE = 16;

/** Decoded boxes [N, H, W, B, 4] (normalised cxcywh) from the per-anchor view. */
export function decodeBoxes(view: Tensor, scale: YoloScale): Tensor {
  const [, h, w] = view.shape;
  const g = gridConstants(h, w, scale);
  const t = (k: number) => narrow(view, 4, k, 1);
  const bx = g.cx.add(sigmoid(t(0))).div(w);
  const by = g.cy.add(sigmoid(t(1))).div(h);
  const bw = g.pw.mul(exp(clamp(t(2), null, MAX_LOG_SCALE))).div(w);
  const bh = g.ph.mul(exp(clamp(t(3), null, MAX_LOG_SCALE))).div(h);
  return concat([bx, by, bw, bh], 4);
}

/** Class probabilities [N, H, W, B, C] from the per-anchor view. */
export function classProbabilities(view: Tensor, spec: YoloSpec): Tensor {
  const logits = narrow(view, 4, 5, spec.numClasses);
  return (spec.classActivation ?? 'softmax') === 'softmax' ? softmax(logits, -1) : sigmoid(logits);
}

/** Landmarks [N, H, W, B, L, 2] (normalised x, y) from the per-anchor view. */
export function decodeLandmarks(view: Tensor, scale: YoloScale, spec: YoloSpec): Tensor {
  const [n, h, w, b] = view.shape;
  const l = spec.numLandmarks ?? 0;
  const g = gridConstants(h, w, scale);
  const offsets = narrow(view, 4, 5 + spec.numClasses, 2 * l).reshape([n, h, w, b, l, 2]);
  const u = narrow(offsets, 5, 0, 1).reshape([n, h, w, b, l]);
  const v = narrow(offsets, 5, 1, 1).reshape([n, h, w, b, l]);
  const x = g.cx.add(0.5).add(u.mul(g.pw)).div(w);
  const y = g.cy.add(0.5).add(v.mul(g.ph)).div(h);
  return concat([x.reshape([n, h, w, b, l, 1]), y.reshape([n, h, w, b, l, 1])], 5);
}

/** Checks a spec and one scale's anchors, with errors that name the function. */
export function checkYoloSpec(spec: YoloSpec, scale: YoloScale, fn: string): void {
  if (!(Number.isInteger(spec.numClasses) && spec.numClasses >= 1)) throw new Error(`${fn}: numClasses must be a positive integer, got ${spec.numClasses}`);
  const l = spec.numLandmarks ?? 0;
  if (!(Number.isInteger(l) && l >= 0)) throw new Error(`${fn}: numLandmarks must be a non-negative integer, got ${l}`);
  if (scale.anchors.length === 0 || !scale.anchors.every(([aw, ah]) => aw > 0 && ah > 0 && Number.isFinite(aw) && Number.isFinite(ah))) {
    throw new Error(`${fn}: anchors must be a non-empty list of positive [width, height] pairs, got ${JSON.stringify(scale.anchors)}`);
  }
  const act = spec.classActivation ?? 'softmax';
  if (act !== 'softmax' && act !== 'sigmoid') throw new Error(`${fn}: classActivation must be 'softmax' or 'sigmoid', got '${String(act)}'`);
}

/** Decodes one scale's raw head output [N, H, W, B * D] into boxes, objectness, class probabilities and landmarks. */
export function decodeYolo(raw: Tensor, scale: YoloScale, spec: YoloSpec): DecodedYolo {
  checkYoloSpec(spec, scale, 'decodeYolo');
  const view = anchorView(raw, scale, spec, 'decodeYolo');
  const [n, h, w, b] = view.shape;
  const cells = h * w * b;
  const decoded: DecodedYolo = {
    boxes: decodeBoxes(view, scale).reshape([n, cells, 4]),
    objectness: sigmoid(narrow(view, 4, 4, 1)).reshape([n, cells]),
    classProbs: classProbabilities(view, spec).reshape([n, cells, spec.numClasses]),
  };
  if (spec.numLandmarks) decoded.landmarks = decodeLandmarks(view, scale, spec).reshape([n, cells, spec.numLandmarks, 2]);
  return decoded;
}
