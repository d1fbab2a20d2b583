// convkit viz gradcam <model> <image> --layer L: where in a convolutional layer's map the class's evidence lies.
import type { Command } from 'commander';
import { attributionCommand, runAttribution, type AttributionCliOptions } from '../viz-attribution.js';

export function vizGradcamCommand(): Command {
  return attributionCommand('gradcam', "Grad-CAM (Selvaraju et al.): a convolutional layer's channels weighted by the class score's mean gradient, over the image")
    .option('--layer <name>', 'a convolutional layer (see --list-layers), usually the last one')
    .action((model: string, image: string | undefined, o: AttributionCliOptions, command: Command) => runAttribution('gradcam', model, image, o, command));
}
