// convkit viz ...: seeing what a CNN learns (issue 13). This file only assembles the subcommands, one file each.
import { Command } from 'commander';
import { vizReceptiveFieldCommand } from './viz-receptive-field.js';
import { vizTopPatchesCommand } from './viz-top-patches.js';

export function vizCommand(): Command {
  const viz = new Command('viz').description('see what a CNN learns: receptive fields, top-activating patches, feature maps, filters, activation maximisation');
  for (const sub of [vizReceptiveFieldCommand(), vizTopPatchesCommand()]) viz.addCommand(sub.showHelpAfterError('(add --help for usage)'));
  return viz;
}
