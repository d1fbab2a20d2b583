// What `convkit viz saliency|gradcam|occlusion` share: <model> <image>, --target, the overlay's look, --out
// and --json, and one action that calls attributionFiles and prints its figures.
import { Command, InvalidArgumentError } from 'commander';
import { basename, extname } from 'node:path';
import { attributionFiles, type AttributionFilesOptions, type AttributionMethod } from 'convkit/node';
import { COLORMAP_NAMES, type ColormapName } from 'convkit/viz';
import { nonNegativeInteger, positiveNumber } from './options.js';
import { openVizModel, printVizJson, withModelArgument, type VizModelOptions } from './viz-model.js';

export type AttributionCliOptions = VizModelOptions & Omit<AttributionFilesOptions, 'seed'> & { out?: string; noiseSeed?: number; clip?: number };

const fraction = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError('Expected a number in [0, 1].');
  return n;
};
const choice = <T extends string>(allowed: readonly T[]) => (value: string): T => {
  if (!allowed.includes(value as T)) throw new InvalidArgumentError(`Expected one of ${allowed.join(', ')}.`);
  return value as T;
};

/** The command with <model> [image] and the shared options (the image is optional only for --list-layers). */
export function attributionCommand(name: string, description: string): Command {
  return withModelArgument(new Command(name).description(description))
    .argument('[image]', "the image file (read at the model's input size)")
    .option('--target <class>', "the class explained (default: the model's top class)", nonNegativeInteger)
    .option('--fit <how>', "how the image fits the model's input: cover (crop the centre, keep the aspect) or fill (stretch)", choice(['cover', 'fill'] as const), 'cover')
    .option('--alpha <a>', "the heat map's weight over the image, in [0, 1]", fraction, 0.5)
    .option('--colormap <name>', `the heat map's colours: ${COLORMAP_NAMES.join(', ')}`, choice<ColormapName>(COLORMAP_NAMES), 'turbo')
    .option('--clip <percentile>', "the map's percentile shown as the hottest colour (default: 99 for saliency, 100 otherwise)", positiveNumber)
    .option('--out <file.png>', 'the overlay (default: <image name>-<method>.png here)')
    .option('--json', 'print {"files":[out],"figures":{"model","method","layer","target","score","inputShape","mapShape","peak","seconds"}}');
}

/** Run the method on the parsed arguments and print the result. */
export async function runAttribution(method: AttributionMethod, modelArgument: string, image: string | undefined, o: AttributionCliOptions, command: Command): Promise<void> {
  const model = await openVizModel(modelArgument, o);
  if (!model) return;
  if (!image) return command.error("error: missing required argument 'image'");
  if (method === 'gradcam' && !o.layer) return command.error("error: required option '--layer <name>' not specified (a convolutional layer; see --list-layers)");
  const out = o.out ?? `${basename(image, extname(image))}-${method}.png`;
  const figures = await attributionFiles(model, image, out, method, { ...o, seed: o.noiseSeed, clipPercentile: o.clip });
  if (o.json) return printVizJson([out], figures);
  const layer = figures.layer ? ` at ${figures.layer}` : '';
  process.stdout.write(`${method} of class ${figures.target} (score ${figures.score.toPrecision(4)})${layer}, peak at row ${figures.peak[0]}, column ${figures.peak[1]}: wrote ${out}\n`);
}
