// convkit summary <model> [--input HxWxC] [--json]: the layer table of a zoo model, built with shape-only
// weights and run on a shape-only input, so it allocates no weights or activations and runs no kernels.
import { Command } from 'commander';
import { buildShapeOnly } from 'convkit';
import { formatSummary, summary, type Module } from 'convkit/nn';
import { createModel, listModels, modelInputShape, type CreateModelOptions } from 'convkit/models';
import { imageShape, keyValue } from '../options.js';

interface SummaryOptions {
  input?: [number, number, number];
  json?: boolean;
  option?: Record<string, unknown>;
}

export function summaryCommand(): Command {
  return new Command('summary')
    .description("print a model's layers with output shapes, parameters and multiply-accumulates")
    .argument('<model>', `one of: ${listModels().map((m) => m.name).join(', ')}`)
    .option('--input <HxWxC>', "input height x width x channels (default: the model's own)", imageShape)
    .option('--option <key=value>', 'a model option, e.g. variant=classic (repeatable)', keyValue)
    .option('--json', 'print the summary as JSON')
    .action((name: string, options: SummaryOptions) => {
      const modelOptions: CreateModelOptions = { ...options.option };
      const model = buildShapeOnly(() => buildForInput(name, modelOptions, options.input));
      const result = summary(model, options.input ?? modelInputShape(name, modelOptions));
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatSummary(result)}\n`);
    });
}

/**
 * The model built for the input: the channel count becomes inChannels, and a size other than the default
 * becomes inputSize for models whose classifier is sized from it (LeNet, AlexNet, VGG); the others take any size.
 */
function buildForInput(name: string, options: CreateModelOptions, input: [number, number, number] | undefined): Module {
  if (!input) return createModel(name, options);
  const [h, w, c] = input;
  const [defaultH, defaultW, defaultC] = modelInputShape(name, options);
  const withChannels: CreateModelOptions = c === defaultC ? options : { ...options, inChannels: c };
  if (h === defaultH && w === defaultW) return createModel(name, withChannels);
  const sized = h === w ? tryCreate(name, { ...withChannels, inputSize: h }) : null;
  return sized ?? createModel(name, withChannels);
}

/** The model with an inputSize option, or null when the model has no such option (it adapts to any size). */
function tryCreate(name: string, options: CreateModelOptions): Module | null {
  try {
    return createModel(name, options);
  } catch (error) {
    if (/unknown option\(s\) 'inputSize'/.test((error as Error).message)) return null;
    throw error;
  }
}
