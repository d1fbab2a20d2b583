// mAP of a YOLO detector over a loader of detection batches (x [N, H, W, C], y [M, 6] rows): each batch's
// detections (yoloDetections, at a low confidence so the whole precision-recall curve is measured, as
// Ultralytics' val uses 0.001) against its labels, both in normalised input coordinates, with COCO's rules.
import { noGrad } from '../autograd/grad-mode.js';
import { switchToEval } from '../train/evaluate.js';
import { EventLoopYielder, type Loader } from '../train/loader.js';
import { meanAveragePrecision, type ImageDetections, type ImageGroundTruth, type MeanAveragePrecision } from './average-precision.js';
import { batchObjects } from './batch-objects.js';
import { yoloDetections, type YoloDetectionOptions } from './yolo-detections.js';
import type { TinyYolo } from './tiny-yolo.js';

export interface EvaluateDetectorOptions extends YoloDetectionOptions {
  /** Class names (label i names class i); default: the class ids. */
  labels?: readonly string[];
}

/** Detections and labels of every image the loader gives, then mAP50, mAP50-95, per-class AP and the PR curves. */
export async function evaluateDetector(model: TinyYolo, loader: Loader, options: EvaluateDetectorOptions = {}): Promise<MeanAveragePrecision> {
  const { labels, conf = 0.001, iou = 0.6, maxDetections = 300 } = options;
  if (labels && labels.length !== model.spec.numClasses) {
    throw new Error(`evaluateDetector: ${labels.length} labels for a model of ${model.spec.numClasses} classes; give one name per class`);
  }
  const detections: ImageDetections[] = [];
  const groundTruth: ImageGroundTruth[] = [];
  const yielder = new EventLoopYielder();
  const restoreModes = switchToEval(model);
  try {
    for (const { x, y } of loader) {
      const found = noGrad(() => yoloDetections(model.forward(x), model.scale, model.spec, { conf, iou, maxDetections }));
      detections.push(...found);
      for (const objects of batchObjects(y, x.shape[0], 'evaluateDetector')) {
        groundTruth.push({ boxes: objects.boxes.map(([cx, cy, w, h]) => [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]), classes: objects.classes });
      }
      await yielder.maybeYield();
    }
  } finally {
    restoreModes();
  }
  if (groundTruth.length === 0) throw new Error('evaluateDetector: the loader gave no images');
  return meanAveragePrecision(detections, groundTruth, { labels: labels ?? Array.from({ length: model.spec.numClasses }, (_, k) => String(k)), maxDetections });
}
