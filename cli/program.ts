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

export function buildProgram(): Command {
  const program = new Command('convkit').description('Convolutional neural networks for TypeScript: train, evaluate and inspect models, filter images');
  for (const command of [trainCommand(), evalCommand(), predictCommand(), summaryCommand(), filterCommand(), detectCommand(), facesCommand(), styleCommand(), vizCommand(), plotCommand()]) {
    program.addCommand(command);
  }
  registerAugmentCommand(program);
  return throwParseErrors(program);
}

/** Commander's parsing errors become exceptions, which main.ts prints in ConvKit's one-line style (errors.ts). */
function throwParseErrors(command: Command): Command {
  command.exitOverride().configureOutput({ outputError: () => undefined });
  for (const subcommand of command.commands) throwParseErrors(subcommand);
  return command;
}
