// The YOLO losses, each term reported on its own.
// 'region' (one op per scale, region-loss.ts): Darknet's region layer (YOLOv2), written as the squared errors whose gradients are Darknet's
//   deltas (0.5 * scale * (target - output)^2): boxes on sigmoid(tx, ty) and tw, th weighted by 2 - w * h;
//   objectness towards the IoU of the prediction with its object (rescore) at object scale 5; no-object
//   towards 0 at scale 1 except where a prediction already overlaps some object by more than the ignore
//   threshold (0.6); for the first 12800 images, every other anchor is pulled to its prior at scale 0.01;
//   classes by softmax cross-entropy (Darknet's softmax delta is its gradient).
// 'modern' (YOLOv5-like, one op per scale, modern-loss.ts): 1 - CIoU (or another boxKind) on the decoded boxes of the assigned anchors, BCE objectness towards the
//   detached CIoU (clamped at 0), BCE classes; weighted 0.05, 1, 0.5.
// Landmarks, where the spec has them, add squared errors on the assigned anchors' labelled points.
import { Tensor } from '../tensor/tensor.js';
import type { IouKind } from './iou.js';
import { anchorView, checkYoloSpec, type YoloScale, type YoloSpec } from './yolo-decode.js';
import { encodeYoloTargets, type GroundTruth, type YoloTargets } from './yolo-targets.js';
import { regionLoss } from './region-loss.js';
import { modernLoss } from './modern-loss.js';
import type { LossTerms } from './fused-loss.js';

export interface YoloLossOptions extends YoloSpec {
  variant?: 'region' | 'modern';
  /** Region loss scales (Darknet's yolov2.cfg values by default). */
  objectScale?: number;
  noObjectScale?: number;
  coordScale?: number;
  classScale?: number;
  /** No no-object penalty where a prediction overlaps an object by more than this (default 0.6). */
  ignoreThreshold?: number;
  /** Images during which unassigned anchors are pulled to their priors (default 12800; 0: none). */
  warmupImages?: number;
  /** Objectness target: the prediction's IoU with its object (default) or 1. */
  rescore?: boolean;
  /** Weights of the modern variant's terms (default box 0.05, objectness 1, classes 0.5). */
  weights?: { box?: number; objectness?: number; classes?: number };
  landmarkScale?: number;
  /** The modern variant's box overlap (default 'ciou', as Ultralytics; 'giou' was YOLOv5's first). */
  boxKind?: IouKind;
}

/** Each term of the loss, per image. */
export type YoloLossTerms = LossTerms;

export interface YoloLossResult {
  /** The total, per image, to call backward() on. */
  loss: Tensor;
  terms: YoloLossTerms;
}

function checkPositive(value: number, name: string): number {
  if (!(value >= 0 && Number.isFinite(value))) throw new Error(`YoloLoss: ${name} must be a non-negative number, got ${value}`);
  return value;
}

export class YoloLoss {
  /** Images seen so far (the prior warm-up's clock, as Darknet's net.seen). */
  seen = 0;
  readonly variant: 'region' | 'modern';
  private readonly o: Required<Omit<YoloLossOptions, 'weights' | 'numLandmarks' | 'classActivation' | 'boxKind'>> & { weights: Required<NonNullable<YoloLossOptions['weights']>> };

  constructor(
    readonly scales: readonly YoloScale[],
    readonly options: YoloLossOptions,
  ) {
    if (scales.length === 0) throw new Error('YoloLoss: give at least one scale (its anchors)');
    scales.forEach((s) => checkYoloSpec(options, s, 'YoloLoss'));
    const variant = options.variant ?? 'region';
    if (variant !== 'region' && variant !== 'modern') throw new Error(`YoloLoss: variant must be 'region' or 'modern', got '${String(variant)}'`);
    this.variant = variant;
    const threshold = options.ignoreThreshold ?? 0.6;
    if (!(threshold >= 0 && threshold <= 1)) throw new Error(`YoloLoss: ignoreThreshold must be in [0, 1], got ${threshold}`);
    this.o = {
      numClasses: options.numClasses,
      variant,
      objectScale: checkPositive(options.objectScale ?? 5, 'objectScale'),
      noObjectScale: checkPositive(options.noObjectScale ?? 1, 'noObjectScale'),
      coordScale: checkPositive(options.coordScale ?? 1, 'coordScale'),
      classScale: checkPositive(options.classScale ?? 1, 'classScale'),
      ignoreThreshold: threshold,
      warmupImages: checkPositive(options.warmupImages ?? 12800, 'warmupImages'),
      rescore: options.rescore ?? true,
      landmarkScale: checkPositive(options.landmarkScale ?? 1, 'landmarkScale'),
      weights: {
        box: checkPositive(options.weights?.box ?? 0.05, 'weights.box'),
        objectness: checkPositive(options.weights?.objectness ?? 1, 'weights.objectness'),
        classes: checkPositive(options.weights?.classes ?? 0.5, 'weights.classes'),
      },
    };
  }

  /** The loss of the raw head outputs (one per scale, [N, H, W, B * D]) against each image's objects. */
  forward(outputs: Tensor | readonly Tensor[], groundTruth: readonly GroundTruth[]): YoloLossResult {
    const raws = outputs instanceof Tensor ? [outputs] : outputs;
    if (raws.length !== this.scales.length) throw new Error(`YoloLoss: ${this.scales.length} scales but ${raws.length} outputs`);
    const views = raws.map((raw, s) => anchorView(raw, this.scales[s], this.options, 'YoloLoss'));
    const n = views[0].shape[0];
    if (groundTruth.length !== n || views.some((v) => v.shape[0] !== n)) {
      throw new Error(`YoloLoss: outputs for ${views.map((v) => v.shape[0]).join(', ')} images but ground truth for ${groundTruth.length}`);
    }
    const encoded = encodeYoloTargets(groundTruth, this.scales, views.map((v) => [v.shape[1], v.shape[2]] as [number, number]), this.options);
    const parts = views.map((view, s) => (this.variant === 'region' ? this.region(raws[s], s, encoded.scales[s], encoded.boxesPerImage) : this.modern(raws[s], s, encoded.scales[s])));
    this.seen += n;
    const loss = parts.reduce<Tensor | null>((acc, p) => (acc ? acc.add(p.loss) : p.loss), null)!;
    const total = (k: keyof YoloLossTerms) => parts.reduce((acc, p) => acc + p.terms[k], 0);
    return { loss, terms: { box: total('box'), objectness: total('objectness'), noObject: total('noObject'), classes: total('classes'), landmarks: total('landmarks') } };
  }

  private region(raw: Tensor, s: number, t: YoloTargets, boxesPerImage: number[][][]): YoloLossResult {
    return regionLoss(raw, this.scales[s], t, boxesPerImage, {
      ...this.o,
      numLandmarks: this.options.numLandmarks ?? 0,
      classActivation: this.options.classActivation ?? 'softmax',
      priorPull: this.seen < this.o.warmupImages,
    });
  }

  private modern(raw: Tensor, s: number, t: YoloTargets): YoloLossResult {
    return modernLoss(raw, this.scales[s], t, {
      numClasses: this.options.numClasses,
      numLandmarks: this.options.numLandmarks ?? 0,
      boxKind: this.options.boxKind ?? 'ciou',
      weights: this.o.weights,
      landmarkScale: this.o.landmarkScale,
    });
  }
}
