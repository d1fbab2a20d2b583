// A DetectionDataset seen through augmentDetection: every read draws a new mosaic, scale, shift, flip and
// colour jitter from the wrapper's own seeded generator, so a training run with a seed sees the same images.
// Batches keep the [M, 6] rows (image index in the batch, class, cx, cy, w, h; normalised).
import { Tensor } from '../tensor/tensor.js';
import { type Dataset, type Indices, type Sample, checkIndex } from '../data/dataset.js';
import { Generator } from '../util/random.js';
import { augmentDetection, detectionAugmentOptions, type BoxedImage, type DetectionAugmentOptions } from './detection-augment.js';
import type { DetectionBatch, DetectionDataset } from './detection-dataset.js';

export interface AugmentedDetectionOptions extends DetectionAugmentOptions {
  /** Seeds the augmentation (default 0). */
  seed?: number;
}

export class AugmentedDetectionDataset implements Dataset {
  readonly dataset: DetectionDataset;
  private readonly options: DetectionAugmentOptions;
  private readonly generator: Generator;
  private readonly side: number;

  constructor(dataset: DetectionDataset, options: AugmentedDetectionOptions = {}) {
    const { seed = 0, ...augment } = options;
    if (dataset.length === 0) throw new Error('AugmentedDetectionDataset: the dataset is empty');
    const [height, width] = dataset.transforms[0].size;
    const odd = dataset.transforms.findIndex((t) => t.size[0] !== height || t.size[1] !== width);
    if (height !== width || odd >= 0) {
      throw new Error(`AugmentedDetectionDataset: every image must be letterboxed to one square size (load the dataset with { size }), got ${width} x ${height}${odd >= 0 ? ` and ${dataset.transforms[odd].size[1]} x ${dataset.transforms[odd].size[0]}` : ''}`);
    }
    detectionAugmentOptions(augment); // checked now rather than at the first batch
    this.dataset = dataset;
    this.options = augment;
    this.generator = new Generator(seed);
    this.side = width;
  }

  get length(): number {
    return this.dataset.length;
  }

  private boxed(dataset: DetectionDataset, index: number, side: number): BoxedImage {
    const { x, boxes, classes } = dataset.get(index);
    const b = boxes.data;
    const pixels = Array.from({ length: classes.length }, (_, k) => {
      const [cx, cy, w, h] = [b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]].map((v) => v * side);
      return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
    });
    return { image: x, classes: Array.from(classes), boxes: pixels };
  }

  /** Image `index` augmented (in a mosaic with three others drawn at random, when one is drawn): x [S, S, C], y [M, 5]. */
  get(index: number): Sample {
    checkIndex(index, this.length, 'AugmentedDetectionDataset.get');
    const others = [0, 1, 2].map(() => this.generator.randint(this.length));
    const samples = [index, ...others].map((i) => this.boxed(this.dataset, i, this.side));
    const { image, classes, boxes } = augmentDetection(samples, this.generator, this.options);
    const s = this.side;
    const rows = boxes.flatMap((b, k) => [classes[k], (b[0] + b[2]) / 2 / s, (b[1] + b[3]) / 2 / s, (b[2] - b[0]) / s, (b[3] - b[1]) / s]);
    return { x: image, y: new Tensor(Float32Array.from(rows), [classes.length, 5]) };
  }

  getBatch(indices: Indices): DetectionBatch {
    if (indices.length === 0) throw new Error('AugmentedDetectionDataset.getBatch: no indices');
    const samples = Array.from(indices, (index) => this.get(index));
    const size = samples[0].x.size;
    const x = new Float32Array(samples.length * size);
    const rows: number[] = [];
    samples.forEach((sample, b) => {
      x.set(sample.x.data, b * size);
      const y = sample.y.data;
      for (let m = 0; m < sample.y.shape[0]; m++) rows.push(b, ...y.subarray(5 * m, 5 * m + 5));
    });
    return { x: new Tensor(x, [samples.length, ...samples[0].x.shape]), y: new Tensor(Float32Array.from(rows), [rows.length / 6, 6]) };
  }
}
