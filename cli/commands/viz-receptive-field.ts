// convkit viz receptive-field <model> --layer L [--input HxWxC] [--json]: one unit's window in the input.
import { Command } from 'commander';
import { receptiveField } from 'convkit/viz';
import { openVizModel, printVizJson, withModelArgument, type VizModelOptions } from '../viz-model.js';

export function vizReceptiveFieldCommand(): Command {
  return withModelArgument(new Command('receptive-field').description("the size, stride and offset of one unit's window in the input"))
    .option('--layer <name>', 'the layer (see --list-layers)')
    .option('--json', 'print {"files":[],"figures":{"model","layer","inputShape","size","stride","offset","center"}}')
    .action(async (argument: string, o: VizModelOptions & { layer?: string }, command: Command) => {
      const model = await openVizModel(argument, o);
      if (!model) return;
      if (!o.layer) command.error("error: required option '--layer <name>' not specified (see --list-layers)");
      const rf = receptiveField(model.module, o.layer, model.inputShape);
      if (o.json) return printVizJson([], { model: model.name, layer: o.layer, inputShape: model.inputShape, ...rf });
      process.stdout.write(
        `${model.name} ${o.layer} on ${model.inputShape.join('x')}: size ${rf.size.join('x')}, stride ${rf.stride.join('x')}, ` +
          `offset (${rf.offset.join(', ')}), centre of unit (0, 0) at (${rf.center.join(', ')})\n`,
      );
    });
}
