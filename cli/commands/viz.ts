// convkit viz ...: seeing what a CNN learns (issue 13). This file only assembles the subcommands, one file each.
import { Command } from 'commander';
import { vizReceptiveFieldCommand } from './viz-receptive-field.js';
import { vizTopPatchesCommand } from './viz-top-patches.js';
import { vizSaliencyCommand } from './viz-saliency.js';
import { vizGradcamCommand } from './viz-gradcam.js';
import { vizOcclusionCommand } from './viz-occlusion.js';
import { vizFeatureMapsCommand } from './viz-feature-maps.js';
import { vizFiltersCommand } from './viz-filters.js';
import { vizMaximizeCommand } from './viz-maximize.js';

export function vizCommand(): Command {
  const viz = new Command('viz').description('see what a CNN learns: receptive fields, top-activating patches, feature maps, filters, activation maximisation, saliency, Grad-CAM, occlusion');
  for (const sub of [vizReceptiveFieldCommand(), vizTopPatchesCommand(), vizFeatureMapsCommand(), vizFiltersCommand(), vizMaximizeCommand(), vizSaliencyCommand(), vizGradcamCommand(), vizOcclusionCommand()]) viz.addCommand(sub);
  return viz;
}
