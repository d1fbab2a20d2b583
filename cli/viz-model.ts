// What every `convkit viz` subcommand shares: the <model> argument (through the library's one resolver,
// loadModelArgument), --input, --seed, --list-layers, and the --json contract {files, figures}.
import { InvalidArgumentError, type Command } from 'commander';
import { KERAS_MOBILENET_V2, loadModelArgument } from 'convkit/node';
import { listModels } from 'convkit/models';
import { listLayers, type VizModel } from 'convkit/viz';
import { imageShape, nonNegativeInteger } from './options.js';

export interface VizModelOptions {
  input?: [number, number, number];
  seed: number;
  listLayers?: boolean;
  json?: boolean;
}

export const MODEL_ARGUMENT_HELP = `a zoo model (${listModels().map((m) => m.name).join(', ')}; random weights), a trained-model file from convkit train, or ${KERAS_MOBILENET_V2} (ImageNet weights up to block_10)`;

/** Adds <model> and the options every viz subcommand takes. */
export function withModelArgument(command: Command): Command {
  return command
    .argument('<model>', MODEL_ARGUMENT_HELP)
    .option('--input <HxWxC>', "input height x width x channels for a zoo model (default: the model's own)", imageShape)
    .option('--seed <s>', "seeds a zoo model's random weights", nonNegativeInteger, 0)
    .option('--list-layers', 'print the layer names (module paths such as layer1.0.conv2) with their output shapes, and stop');
}

/** The model, or null after printing its layers for --list-layers. */
export async function openVizModel(argument: string, o: VizModelOptions): Promise<VizModel | null> {
  const model = await loadModelArgument(argument, { inputShape: o.input, seed: o.seed });
  if (!o.listLayers) return model;
  const layers = listLayers(model.module, model.inputShape);
  if (o.json) process.stdout.write(`${JSON.stringify({ model: model.name, inputShape: model.inputShape, layers })}\n`);
  else for (const l of layers) process.stdout.write(`${l.name.padEnd(32)} ${l.type.padEnd(24)} ${l.outputShape ? l.outputShape.join('x') : '-'}\n`);
  return null;
}

/** The --json line every viz subcommand prints: the files written and the figures. */
export function printVizJson(files: readonly string[], figures: unknown): void {
  process.stdout.write(`${JSON.stringify({ files, figures })}\n`);
}

/** "0-7,12" -> [0, 1, ..., 7, 12]. */
export function unitList(value: string): number[] {
  const units: number[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) throw new InvalidArgumentError(`Expected unit numbers and ranges such as 0-7,12; got '${part}'.`);
    for (let u = Number(m[1]); u <= Number(m[2] ?? m[1]); u++) units.push(u);
  }
  if (units.length === 0) throw new InvalidArgumentError('Expected at least one unit, e.g. 0-7.');
  return units;
}

/** "a,b" -> ['a', 'b']. */
export const nameList = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/** A file name part from a layer name ('layer1.0.conv2' stays, '/' and odd characters become '_'). */
export const fileSafe = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');
