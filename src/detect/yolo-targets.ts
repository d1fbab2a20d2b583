// Ground truth encoded as YOLO training targets. Each object is assigned to one anchor of one cell: the cell
// that holds the box centre, on the scale and anchor whose shape (width, height, both centred) has the
// best IoU with the box, across all scales (YOLOv2's rule, which YOLOv3 applies across its scales). Two
// objects that land on the same cell and anchor: the later one wins, as in Darknet.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { shapeIou } from './anchors.js';
import { checkYoloSpec, type YoloScale, type YoloSpec } from './yolo-decode.js';

/** One image's objects, in YOLO's label format. */
export interface GroundTruth {
  /** Boxes as normalised (cx, cy, w, h), one row per object. */
  boxes: ReadonlyArray<ArrayLike<number>> | Tensor;
  /** A class id per object. */
  classes: ArrayLike<number>;
  /** Per object, L normalised (x, y) points; a NaN coordinate marks a point that is not labelled. */
  landmarks?: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>;
}

/** One scale's dense targets, for a batch. */
export interface YoloTargets {
  gridSize: [number, number];
  /** 1 where an object is assigned: [N, H, W, B]. */
  responsible: Tensor;
  /** The assigned object's box, normalised cxcywh: [N, H, W, B, 4] (0 elsewhere). */
  boxes: Tensor;
  /** YOLOv2's regression targets: sigmoid(tx), sigmoid(ty) should reach the offsets in the cell, tw, th the
   * log ratios to the anchor: [N, H, W, B, 4]. */
  offsets: Tensor;
  /** One-hot classes: [N, H, W, B, C]. */
  classes: Tensor;
  /** Darknet's box weight 2 - w * h (small boxes count more): [N, H, W, B]. */
  boxWeight: Tensor;
  /** Landmark offsets (u, v per point, in anchor sizes from the cell centre) and where they are labelled: [N, H, W, B, 2L]. */
  landmarks?: Tensor;
  landmarkMask?: Tensor;
}

export interface EncodedGroundTruth {
  /** Per scale, in the order given. */
  scales: YoloTargets[];
  /** Every image's boxes as normalised cxcywh rows (for the loss's ignore rule). */
  boxesPerImage: number[][][];
}

function rows(boxes: GroundTruth['boxes'], image: number): number[][] {
  if (boxes instanceof Tensor) {
    if (boxes.size === 0) return [];
    if (boxes.ndim !== 2 || boxes.shape[1] !== 4) throw new Error(`encodeYoloTargets: image ${image}: boxes must be [M, 4], got ${formatShape(boxes.shape)}`);
    return boxes.toArray() as number[][];
  }
  return boxes.map((b, k) => {
    if (b.length !== 4) throw new Error(`encodeYoloTargets: image ${image}, object ${k}: a box has 4 numbers (cx, cy, w, h), got ${b.length}`);
    return Array.from(b);
  });
}

function checkObject(box: number[], cls: number, numClasses: number, image: number, k: number): void {
  const where = `encodeYoloTargets: image ${image}, object ${k}`;
  const [cx, cy, w, h] = box;
  if (![cx, cy, w, h].every(Number.isFinite)) throw new Error(`${where}: box [${box.join(', ')}] is not finite`);
  if (!(cx >= 0 && cx <= 1 && cy >= 0 && cy <= 1)) throw new Error(`${where}: box centre (${cx}, ${cy}) is outside the image; centres are normalised to [0, 1]`);
  if (!(w > 0 && h > 0)) throw new Error(`${where}: box size ${w} x ${h} must be positive`);
  if (!(Number.isInteger(cls) && cls >= 0 && cls < numClasses)) throw new Error(`${where}: class ${cls} is not in 0..${numClasses - 1}`);
}

/**
 * Targets for a batch: `gridSizes[s]` is scale s's [H, W]; anchors in grid cells of their scale. Returns
 * dense tensors per scale and the boxes per image.
 */
export function encodeYoloTargets(
  groundTruth: readonly GroundTruth[],
  scales: readonly YoloScale[],
  gridSizes: ReadonlyArray<readonly [number, number]>,
  spec: YoloSpec,
): EncodedGroundTruth {
  if (scales.length === 0 || scales.length !== gridSizes.length) {
    throw new Error(`encodeYoloTargets: give one grid size per scale (${scales.length} scales, ${gridSizes.length} grid sizes)`);
  }
  scales.forEach((s) => checkYoloSpec(spec, s, 'encodeYoloTargets'));
  const n = groundTruth.length;
  const c = spec.numClasses;
  const l = spec.numLandmarks ?? 0;
  const out = scales.map((scale, s): YoloTargets => {
    const [h, w] = gridSizes[s];
    if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new Error(`encodeYoloTargets: grid size ${h} x ${w} must be positive integers`);
    const b = scale.anchors.length;
    const cells = n * h * w * b;
    const t: YoloTargets = {
      gridSize: [h, w],
      responsible: new Tensor(new Float32Array(cells), [n, h, w, b]),
      boxes: new Tensor(new Float32Array(cells * 4), [n, h, w, b, 4]),
      offsets: new Tensor(new Float32Array(cells * 4), [n, h, w, b, 4]),
      classes: new Tensor(new Float32Array(cells * c), [n, h, w, b, c]),
      boxWeight: new Tensor(new Float32Array(cells), [n, h, w, b]),
    };
    if (l > 0) {
      t.landmarks = new Tensor(new Float32Array(cells * 2 * l), [n, h, w, b, 2 * l]);
      t.landmarkMask = new Tensor(new Float32Array(cells * 2 * l), [n, h, w, b, 2 * l]);
    }
    return t;
  });

  const boxesPerImage = groundTruth.map((gt, image) => {
    const boxes = rows(gt.boxes, image);
    if (gt.classes.length !== boxes.length) throw new Error(`encodeYoloTargets: image ${image}: ${boxes.length} boxes but ${gt.classes.length} classes`);
    if (gt.landmarks && gt.landmarks.length !== boxes.length) throw new Error(`encodeYoloTargets: image ${image}: ${boxes.length} boxes but landmarks for ${gt.landmarks.length}`);
    boxes.forEach((box, k) => {
      const cls = gt.classes[k];
      checkObject(box, cls, c, image, k);
      const [cx, cy, bw, bh] = box;
      // The best anchor over all scales, compared in normalised units.
      let best = { s: 0, a: 0, iou: -1 };
      scales.forEach((scale, s) => {
        const [h, w] = gridSizes[s];
        scale.anchors.forEach(([aw, ah], a) => {
          const v = shapeIou(bw, bh, aw / w, ah / h);
          if (v > best.iou) best = { s, a, iou: v };
        });
      });
      const t = out[best.s];
      const [h, w] = t.gridSize;
      const b = scales[best.s].anchors.length;
      const gx = Math.min(Math.floor(cx * w), w - 1);
      const gy = Math.min(Math.floor(cy * h), h - 1);
      const cell = ((image * h + gy) * w + gx) * b + best.a;
      const [pw, ph] = scales[best.s].anchors[best.a];
      t.responsible.data[cell] = 1;
      t.boxes.data.set([cx, cy, bw, bh], cell * 4);
      t.offsets.data.set([cx * w - gx, cy * h - gy, Math.log((bw * w) / pw), Math.log((bh * h) / ph)], cell * 4);
      t.classes.data.fill(0, cell * c, cell * c + c);
      t.classes.data[cell * c + cls] = 1;
      t.boxWeight.data[cell] = 2 - bw * bh;
      if (l > 0 && t.landmarks && t.landmarkMask) {
        const points = gt.landmarks?.[k] ?? [];
        if (gt.landmarks && points.length !== l) throw new Error(`encodeYoloTargets: image ${image}, object ${k}: ${points.length} landmarks, the spec has ${l}`);
        for (let p = 0; p < l; p++) {
          const point = points[p];
          const x = point?.[0] ?? NaN;
          const y = point?.[1] ?? NaN;
          const labelled = Number.isFinite(x) && Number.isFinite(y) ? 1 : 0;
          const at = cell * 2 * l + 2 * p;
          t.landmarks.data[at] = labelled ? (x * w - gx - 0.5) / pw : 0;
          t.landmarks.data[at + 1] = labelled ? (y * h - gy - 0.5) / ph : 0;
          t.landmarkMask.data[at] = labelled;
          t.landmarkMask.data[at + 1] = labelled;
        }
      }
    });
    return boxes;
  });
  return { scales: out, boxesPerImage };
}
