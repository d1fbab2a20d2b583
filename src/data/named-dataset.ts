// A data set with what a trained model must remember about it: its class names, the shape of its images
// and the normalisation they get, so that evaluation and prediction prepare images exactly as training did.
import type { Dataset } from './dataset.js';
import type { Normalization } from './idx-dataset.js';
import type { Split } from './mnist-family.js';

export interface NamedDataset {
  /** A registry name ('mnist') or the folder it was read from. */
  name: string;
  classes: readonly string[];
  /** [height, width, channels] of its images. */
  inputShape: [number, number, number];
  normalization: Normalization;
  /** What the held-out split is: the data set's own test set, or a validation split of a folder. */
  heldOut: 'test' | 'validation';
  /** The 'train' or held-out ('test') split, optionally only its first `limit` samples. */
  load(split: Split, limit?: number): Dataset;
}
