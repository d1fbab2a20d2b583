// convkit viz maximize <model> --layer L --units 0-7 --out max.png: activation maximisation, Lucid-style.
import { Command } from 'commander';
import { writeImageGrid } from 'convkit/node';
import { imageGrid, maximizeActivation } from 'convkit/viz';
import { positiveInteger, positiveNumber } from '../options.js';
import { openVizModel, printVizJson, unitList, withModelArgument, type VizModelOptions } from '../viz-model.js';

interface MaximizeCliOptions extends VizModelOptions {
  layer?: string;
  units: number[];
  steps: number;
  lr: number;
  transforms: boolean;
  fourier: boolean;
  decorrelate: boolean;
  out?: string;
}

export function vizMaximizeCommand(): Command {
  return withModelArgument(new Command('maximize').description("the image each unit (channel) responds to most: gradient ascent on a Fourier-parametrised image with random shift, scale and rotation (Lucid)"))
    .option('--layer <name>', 'the layer (see --list-layers); a convolution output rather than its ReLU avoids a dead start')
    .option('--units <list>', 'channels, e.g. 0-7 or 0,3,5', unitList, [0, 1, 2, 3, 4, 5, 6, 7])
    .option('--steps <n>', 'Adam steps per unit', positiveInteger, 256)
    .option('--lr <x>', "Adam's learning rate", positiveNumber, 0.05)
    .option('--no-transforms', 'no random shift, scale and rotation')
    .option('--no-fourier', 'optimise pixels instead of Fourier coefficients')
    .option('--no-decorrelate', 'no colour decorrelation')
    .option('--out <file>', 'the PNG to write (a tile per unit)')
    .option('--json', 'print {"files":[out],"figures":{"layer","units":[{"unit","initialObjective","finalObjective"}]}}')
    .action(async (argument: string, o: MaximizeCliOptions, command: Command) => {
      const model = await openVizModel(argument, o);
      if (!model) return;
      for (const [flag, value] of [['--layer <name>', o.layer], ['--out <file>', o.out]] as const) if (!value) command.error(`error: required option '${flag}' not specified`);
      const results = o.units.map((unit) => {
        const result = maximizeActivation(model, o.layer!, unit, {
          steps: o.steps,
          lr: o.lr,
          seed: o.seed + unit,
          transforms: o.transforms,
          fourier: o.fourier,
          decorrelate: o.decorrelate && model.inputShape[2] === 3,
        });
        if (!o.json) process.stderr.write(`unit ${unit}: mean activation ${result.initialObjective.toPrecision(3)} -> ${result.finalObjective.toPrecision(3)}\n`);
        return result;
      });
      const [h, w] = model.inputShape;
      const grid = imageGrid([results.map((r) => r.image)], {
        title: `${o.layer}: ${o.steps} steps per unit`,
        tileLabels: o.units.map((u, i) => `${u}: ${results[i].finalObjective.toPrecision(3)}`),
        scale: Math.max(1, Math.ceil(96 / Math.max(h, w))),
      });
      await writeImageGrid(o.out!, grid);
      const units = o.units.map((unit, i) => ({ unit, initialObjective: results[i].initialObjective, finalObjective: results[i].finalObjective }));
      if (o.json) return printVizJson([o.out!], { layer: o.layer, units });
      process.stdout.write(`wrote ${o.out}\n`);
    });
}
