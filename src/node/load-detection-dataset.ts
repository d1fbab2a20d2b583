// Decoding a detection dataset's images (YOLO, COCO or VOC annotations) into a DetectionDataset, which keeps
// them in memory as 8-bit pixels, letterboxed to one size when asked (Dataset.get is synchronous, sharp is not).
import { DetectionDataset, type DetectionRecord } from '../detect/detection-dataset.js';
import { forEachConcurrently } from '../util/concurrently.js';
import { readRawImage } from './image-io.js';
import { readYoloDataset, type DetectionAnnotations, type DetectionSplit, type ReadYoloOptions } from './yolo-dataset-files.js';

export interface LoadDetectionOptions {
  /** Letterbox every image to this size (a side, or [height, width]); needed to batch images of different sizes. */
  size?: number | readonly [number, number];
  /** 3 = RGB (default), 1 = gray. */
  channels?: 1 | 3;
  /** Images decoded at the same time (default 4). */
  concurrency?: number;
}

/** Decode every image of the annotations (an image whose size differs from its annotation is an error naming it). */
export async function loadDetectionDataset(annotations: DetectionAnnotations, options: LoadDetectionOptions = {}): Promise<DetectionDataset> {
  const { size, channels = 3, concurrency = 4 } = options;
  const records: DetectionRecord[] = new Array(annotations.images.length);
  await forEachConcurrently(records.length, concurrency, async (i) => {
    const image = annotations.images[i];
    records[i] = { ...image, image: await readRawImage(image.path, { channels }) };
  });
  return new DetectionDataset(records, { labels: annotations.labels, size, channels });
}

/** One split of an Ultralytics dataset (data.yaml), decoded: `await loadYoloDataset('data.yaml', 'train', { size: 160 })`. */
export async function loadYoloDataset(dataYaml: string, split: DetectionSplit, options: LoadDetectionOptions & ReadYoloOptions = {}): Promise<DetectionDataset> {
  return loadDetectionDataset(await readYoloDataset(dataYaml, split, { limit: options.limit }), options);
}
