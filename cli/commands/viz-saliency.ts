// convkit viz saliency <model> <image> [--smooth N]: the input gradient's magnitude (or SmoothGrad's) over the image.
import type { Command } from 'commander';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger } from '../options.js';
import { attributionCommand, runAttribution, type AttributionCliOptions } from '../viz-attribution.js';

export function vizSaliencyCommand(): Command {
  return attributionCommand('saliency', "which pixels the class score is most sensitive to: |d score / d pixel| (Simonyan et al.), or SmoothGrad's average with --smooth")
    .option('--smooth <samples>', 'SmoothGrad: average over this many noisy copies of the image', positiveInteger)
    .option('--noise <fraction>', "SmoothGrad's noise, a fraction of the image's value range", nonNegativeNumber, 0.15)
    .option('--noise-seed <s>', "seeds SmoothGrad's noise", nonNegativeInteger, 0)
    .action((model: string, image: string | undefined, o: AttributionCliOptions & { smooth?: number }, command: Command) =>
      runAttribution(o.smooth ? 'smoothgrad' : 'saliency', model, image, { ...o, samples: o.smooth }, command),
    );
}
