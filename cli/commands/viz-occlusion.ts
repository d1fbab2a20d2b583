// convkit viz occlusion <model> <image> [--window N] [--stride N] [--baseline v]: how much hiding each place lowers the class score.
import type { Command } from 'commander';
import { finiteNumber, positiveInteger } from '../options.js';
import { attributionCommand, runAttribution, type AttributionCliOptions } from '../viz-attribution.js';

export function vizOcclusionCommand(): Command {
  return attributionCommand('occlusion', 'occlusion sensitivity (Zeiler & Fergus): the class score\'s drop when a window of the baseline value hides each place')
    .option('--window <px>', "the occluding square's side (default: an eighth of the input's shorter side)", positiveInteger)
    .option('--stride <px>', 'pixels between window positions (default: half the window)', positiveInteger)
    .option('--baseline <v>', "the hidden pixels' value, in the model's (scaled) input units", finiteNumber, 0)
    .action((model: string, image: string | undefined, o: AttributionCliOptions, command: Command) => runAttribution('occlusion', model, image, o, command));
}
