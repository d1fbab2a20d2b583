// convkit viz top-patches <model> --data mnist|fashion-mnist|<folder> --layers a,b --units 0-7 --k 9 --out dir:
// the image patches that most activate each unit, one PNG grid per layer (a row per unit).
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Command } from 'commander';
import { loadVizImages, writeImageGrid } from 'convkit/node';
import { topPatches, topPatchesGrid } from 'convkit/viz';
import { positiveInteger } from '../options.js';
import { fileSafe, nameList, openVizModel, printVizJson, unitList, withModelArgument, type VizModelOptions } from '../viz-model.js';

interface TopPatchesCliOptions extends VizModelOptions {
  data?: string;
  layers?: string[];
  units: number[];
  k: number;
  limit?: number;
  batchSize: number;
  allPositions?: boolean;
  out?: string;
}

export function vizTopPatchesCommand(): Command {
  return withModelArgument(new Command('top-patches').description('the k image patches (receptive fields) that most activate each unit, one PNG grid per layer'))
    .option('--data <source>', 'mnist | fashion-mnist (test split) | a folder of images')
    .option('--layers <a,b>', 'layer names (see --list-layers)', nameList)
    .option('--units <list>', 'channels, e.g. 0-7 or 0,3,5', unitList, [0, 1, 2, 3, 4, 5, 6, 7])
    .option('--k <n>', 'patches per unit', positiveInteger, 9)
    .option('--limit <n>', 'scan only the first n images', positiveInteger)
    .option('--batch-size <n>', 'images per forward pass', positiveInteger, 64)
    .option('--all-positions', 'let one image give several patches of a unit (default: its best one only)')
    .option('--out <dir>', 'folder for top-patches-<layer>.png')
    .option('--json', 'print {"files":[...],"figures":[{"layer","receptiveField","units":[{"unit","patches":[{"value","image","name","position"}]}]}]}')
    .action(async (argument: string, o: TopPatchesCliOptions, command: Command) => {
      const model = await openVizModel(argument, o);
      if (!model) return;
      for (const [flag, value] of [['--data <source>', o.data], ['--layers <a,b>', o.layers], ['--out <dir>', o.out]] as const) {
        if (!value) command.error(`error: required option '${flag}' not specified`);
      }
      const { images, names } = await loadVizImages(o.data!, model.inputShape, { limit: o.limit });
      const units = Object.fromEntries(o.layers!.map((l) => [l, o.units]));
      const results = topPatches(model, units, images, { k: o.k, batchSize: o.batchSize, distinctImages: !o.allPositions });
      await mkdir(o.out!, { recursive: true });
      const files: string[] = [];
      for (const result of results) {
        const file = join(o.out!, `top-patches-${fileSafe(result.layer)}.png`);
        await writeImageGrid(file, topPatchesGrid(result, images));
        files.push(file);
      }
      const figures = results.map((r) => ({ ...r, units: r.units.map((u) => ({ unit: u.unit, patches: u.patches.map((p) => ({ ...p, name: names[p.image] })) })) }));
      if (o.json) return printVizJson(files, figures);
      for (const r of results) process.stdout.write(`${r.layer}: receptive field ${r.receptiveField.size.join('x')}, ${r.units.length} units x ${o.k} patches from ${images.shape[0]} images\n`);
      for (const f of files) process.stdout.write(`wrote ${f}\n`);
    });
}
