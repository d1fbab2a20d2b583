// convkit viz filters <model> [--layer L] --out filters.png: a first-layer convolution's filters as tiles.
import { Command } from 'commander';
import { writeImageGrid } from 'convkit/node';
import { filters } from 'convkit/viz';
import { positiveInteger } from '../options.js';
import { openVizModel, printVizJson, withModelArgument, type VizModelOptions } from '../viz-model.js';

export function vizFiltersCommand(): Command {
  return withModelArgument(new Command('filters').description("a convolution's filters over the image (default: the first layer) as RGB or gray tiles"))
    .option('--layer <name>', 'a Conv2d over 1 or 3 input channels (default: the first Conv2d)')
    .option('--out <file>', 'the PNG to write')
    .option('--columns <n>', 'tiles per row', positiveInteger, 8)
    .option('--json', 'print {"files":[out],"figures":{"layer","shape"}}')
    .action(async (argument: string, o: VizModelOptions & { layer?: string; out?: string; columns: number }, command: Command) => {
      const model = await openVizModel(argument, o);
      if (!model) return;
      if (!o.out) command.error("error: required option '--out <file>' not specified");
      const result = filters(model.module, { layer: o.layer, columns: o.columns });
      await writeImageGrid(o.out!, result.grid);
      if (o.json) return printVizJson([o.out!], { layer: result.layer, shape: result.shape });
      process.stdout.write(`${result.layer}: ${result.shape.at(-1)} filters ${result.shape.slice(0, 3).join('x')}; wrote ${o.out}\n`);
    });
}
