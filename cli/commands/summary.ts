// convkit summary <model> [--input HxWxC] [--json]: the layer table of a zoo model, built with shape-only
// weights and run on a shape-only input, so it allocates no weights or activations and runs no kernels.
import { Command } from 'commander';
import { buildShapeOnly } from 'convkit';
import { formatSummary, summary } from 'convkit/nn';
import { createModelForInput, listModels, modelInputShape, type CreateModelOptions } from 'convkit/models';
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
      const model = buildShapeOnly(() => createModelForInput(name, modelOptions, options.input));
      const result = summary(model, options.input ?? modelInputShape(name, modelOptions));
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatSummary(result)}\n`);
    });
}
