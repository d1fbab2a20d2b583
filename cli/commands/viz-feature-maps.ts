// convkit viz feature-maps <model> <image> --layer L --out maps.png: a layer's channels for one image.
import { Command, InvalidArgumentError } from 'commander';
import { readImage, writeImageGrid } from 'convkit/node';
import { COLORMAP_NAMES, featureMaps, type ColormapName } from 'convkit/viz';
import { positiveInteger } from '../options.js';
import { openVizModel, printVizJson, withModelArgument, type VizModelOptions } from '../viz-model.js';

const colormap = (value: string): ColormapName => {
  if (!COLORMAP_NAMES.includes(value as ColormapName)) throw new InvalidArgumentError(`Expected one of ${COLORMAP_NAMES.join(', ')}.`);
  return value as ColormapName;
};

export function vizFeatureMapsCommand(): Command {
  return withModelArgument(new Command('feature-maps').description("a layer's activations for one image as a PNG grid, each channel scaled to its own range and coloured"))
    .argument('[image]', 'the image (resized to cover the model input)')
    .option('--layer <name>', 'the layer (see --list-layers)')
    .option('--out <file>', 'the PNG to write')
    .option('--colormap <name>', COLORMAP_NAMES.join(' | '), colormap, 'viridis')
    .option('--max-channels <n>', 'show at most the first n channels', positiveInteger, 64)
    .option('--columns <n>', 'tiles per row', positiveInteger, 8)
    .option('--json', 'print {"files":[out],"figures":{"layer","shape","channels":[{"channel","min","max","mean"}]}}')
    .action(async (argument: string, image: string | undefined, o: VizModelOptions & { layer?: string; out?: string; colormap: ColormapName; maxChannels: number; columns: number }, command: Command) => {
      const model = await openVizModel(argument, o);
      if (!model) return;
      if (!image) command.error("error: missing required argument 'image'");
      for (const [flag, value] of [['--layer <name>', o.layer], ['--out <file>', o.out]] as const) if (!value) command.error(`error: required option '${flag}' not specified`);
      const [h, w, c] = model.inputShape;
      if (c !== 1 && c !== 3) command.error(`error: ${model.name} reads ${c} channels; images decode to 1 or 3`);
      const x = await readImage(image!, { size: [h, w], channels: c as 1 | 3, fit: 'cover' });
      const result = featureMaps(model, x, o.layer!, { colormap: o.colormap, maxChannels: o.maxChannels, columns: o.columns });
      await writeImageGrid(o.out!, result.grid);
      if (o.json) return printVizJson([o.out!], { layer: o.layer, shape: result.shape, channels: result.channels });
      process.stdout.write(`${o.layer}: ${result.shape.join('x')}, ${result.channels.length} channels drawn; wrote ${o.out}\n`);
    });
}
