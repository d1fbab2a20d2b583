// convkit plot run.jsonl --out curves.png: training curves (losses, metrics, learning rate; per epoch and per
// step) from a JSON-lines log written by `convkit train --log`, `convkit detect train --log` or `convkit style --log`.
import { Command } from 'commander';
import { plotTrainingLog } from 'convkit/node';
import { positiveInteger, positiveNumber } from '../options.js';

interface PlotOptions {
  out: string;
  width?: number;
  height?: number;
  scale?: number;
  title?: string;
  json?: boolean;
}

export function plotCommand(): Command {
  return new Command('plot')
    .description('draw the training curves of a JSON-lines log (convkit train/detect train/style --log) as a PNG or SVG')
    .argument('<log>', 'the .jsonl log')
    .requiredOption('--out <file>', 'the picture, .png or .svg')
    .option('--width <px>', "each panel's plot width (default 560)", positiveInteger)
    .option('--height <px>', "each panel's plot height (default 240)", positiveInteger)
    .option('--scale <x>', 'PNG pixels per chart pixel (default 2)', positiveNumber)
    .option('--title <text>', 'a title above the panels')
    .option('--json', 'print one JSON line: {"out","format","width","height","epochs","steps","truncated","series"}')
    .action(async (log: string, o: PlotOptions) => {
      const result = await plotTrainingLog(log, o.out, { width: o.width, height: o.height, scale: o.scale, title: o.title });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      if (result.truncated) process.stderr.write(`convkit plot: the last line of '${log}' is a half-written record; it was left out\n`);
      const names = result.series.map((s) => s.label).join(', ');
      process.stdout.write(`wrote ${result.out} (${result.width}x${result.height}): ${result.epochs} epoch and ${result.steps} step record(s); ${names}\n`);
    });
}
