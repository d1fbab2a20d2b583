// The convkit command tree: train, eval, predict, summary, filter, detect, faces, style, viz, plot, augment. Each command lives in its own
// file; this one only assembles them.
import { Command } from 'commander';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { predictCommand } from './commands/predict.js';
import { summaryCommand } from './commands/summary.js';
import { filterCommand } from './commands/filter.js';
import { detectCommand } from './commands/detect.js';
import { facesCommand } from './commands/faces.js';
import { styleCommand } from './commands/style.js';
import { vizCommand } from './commands/viz.js';
import { plotCommand } from './commands/plot.js';
import { registerAugmentCommand } from './augment.js';

const HELP_HINT = '(add --help for usage)';

export function buildProgram(): Command {
  const program = new Command('convkit')
    .description('Convolutional neural networks for TypeScript: train, evaluate and inspect models, filter images')
    .showHelpAfterError(HELP_HINT);
  for (const command of [trainCommand(), evalCommand(), predictCommand(), summaryCommand(), filterCommand(), detectCommand(), facesCommand(), styleCommand(), vizCommand(), plotCommand()]) {
    program.addCommand(command.showHelpAfterError(HELP_HINT));
  }
  registerAugmentCommand(program).showHelpAfterError(HELP_HINT);
  return program;
}
