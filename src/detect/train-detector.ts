// Training a TinyYolo: fit() (the project's one training loop, so checkpoints, resume, callbacks, the
// non-finite policy and validation work as for classifiers) with the YOLO loss on detection batches
// (x [N, H, W, C], y [M, 6] rows). Each loss term (box, objectness, no-object, classes) is reported as a
// metric, so progress bars, logs and the history show them per epoch and per batch; the term metrics read
// the terms of the batch the loss function has just computed (fit and evaluate compute the loss of a batch
// before they update its metrics).
import type { Tensor } from '../tensor/tensor.js';
import { fit, type FitOptions } from '../train/fit.js';
import type { Callback } from '../train/callbacks.js';
import type { EpochLogs, History } from '../train/history.js';
import type { Loader, LossFunction } from '../train/loader.js';
import type { Metric, MetricSpec } from '../train/metrics.js';
import { batchObjects } from './batch-objects.js';
import { evaluateDetector, type EvaluateDetectorOptions } from './evaluate-detector.js';
import type { TinyYolo } from './tiny-yolo.js';
import { YoloLoss, type YoloLossOptions, type YoloLossTerms } from './yolo-loss.js';

export interface DetectionLoss {
  yoloLoss: YoloLoss;
  /** fit()'s loss: the YOLO loss of raw head outputs against [M, 6] target rows. */
  loss: LossFunction;
  /** One metric per loss term the variant has. */
  metrics: MetricSpec[];
}

/** A term's batch value weighted by the batch's images, so an epoch's value is its mean per image, as the loss's. */
class LossTermMetric implements Metric {
  private sum = 0;
  private images = 0;
  constructor(
    readonly name: keyof YoloLossTerms,
    private readonly latest: () => YoloLossTerms | null,
  ) {}
  reset(): void {
    this.sum = 0;
    this.images = 0;
  }
  update(output: Tensor): void {
    const terms = this.latest();
    if (!terms) throw new Error(`detection loss metric '${this.name}': no loss has been computed for this batch`);
    this.sum += terms[this.name] * output.shape[0];
    this.images += output.shape[0];
  }
  result(): number {
    return this.images === 0 ? NaN : this.sum / this.images;
  }
}

/**
 * The loss function and term metrics of a TinyYolo. The loss's prior warm-up counts training images only:
 * batches seen in eval mode (validation) do not advance it.
 */
export function detectionLoss(model: TinyYolo, options: Omit<YoloLossOptions, keyof TinyYolo['spec']> = {}): DetectionLoss {
  const yoloLoss = new YoloLoss([model.scale], { ...options, ...model.spec });
  let latest: YoloLossTerms | null = null;
  const loss: LossFunction = (output, y) => {
    const seen = yoloLoss.seen;
    const result = yoloLoss.forward(output, batchObjects(y, output.shape[0], 'detectionLoss'));
    if (!model.training) yoloLoss.seen = seen;
    latest = result.terms;
    return result.loss;
  };
  const names: (keyof YoloLossTerms)[] = ['box', 'objectness', ...(yoloLoss.variant === 'region' ? (['noObject'] as const) : []), 'classes'];
  if (model.spec.numLandmarks) names.push('landmarks');
  return { yoloLoss, loss, metrics: names.map((name) => () => new LossTermMetric(name, () => latest)) };
}

/**
 * Adds the validation mAP (valMAP50, valMAP50_95) to each epoch's logs. Put it first among the callbacks, so
 * the progress line, the log and the checkpointed history that follow see it.
 */
export function detectionValidation(loader: Loader, options: EvaluateDetectorOptions = {}): Callback {
  return {
    onEpochEnd: async (logs: EpochLogs, context) => {
      const result = await evaluateDetector(context.model as TinyYolo, loader, options);
      logs.valMAP50 = result.mAP50;
      logs.valMAP50_95 = result.mAP50_95;
    },
  };
}

export interface TrainDetectorOptions extends Omit<FitOptions, 'loss' | 'metrics'> {
  /** The YOLO loss's variant and scales (default: Darknet's region loss). */
  loss?: Omit<YoloLossOptions, keyof TinyYolo['spec']>;
  /** Validation batches for the mAP after every epoch (valMAP50, valMAP50_95 in the logs). */
  mapValidation?: Loader;
  /** How the validation mAP is measured (labels, conf, iou). */
  mapOptions?: EvaluateDetectorOptions;
}

/** Train a TinyYolo on detection batches; returns fit()'s history, with the loss terms as metrics. */
export async function trainDetector(model: TinyYolo, loader: Loader, options: TrainDetectorOptions): Promise<History> {
  const { loss: lossOptions, mapValidation, mapOptions, ...fitOptions } = options;
  const { yoloLoss, loss, metrics } = detectionLoss(model, lossOptions);
  // A resumed run continues the warm-up where it stopped (checkpoints are written at epoch ends).
  if (fitOptions.resumeFrom) yoloLoss.seen = fitOptions.resumeFrom.progress.epoch * (loader.dataset?.length ?? 0);
  const callbacks = [...(mapValidation ? [detectionValidation(mapValidation, mapOptions)] : []), ...(fitOptions.callbacks ?? [])];
  return fit(model, loader, { ...fitOptions, loss, metrics, callbacks });
}
