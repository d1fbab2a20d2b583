// convkit eval weights.safetensors --model lenet5 --dataset mnist [--json]: accuracy on a test set.
import { Command } from 'commander';
import { DataLoader, type NamedDataset } from 'convkit/data';
import { evaluate, selectClasses } from 'convkit/train';
import { datasetNames, getDataset, loadTrainedModel } from 'convkit/node';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { positiveInteger } from '../options.js';

interface EvalOptions {
  model?: string;
  dataset?: string;
  split: 'train' | 'test';
  limit?: number;
  batchSize: number;
  backend: BackendChoice;
  json?: boolean;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('measure the loss and accuracy of trained weights on a data set')
    .argument('<weights>', 'a .safetensors file written by convkit train (or any with matching names)')
    .option('--model <name>', 'the architecture (default: the one recorded in the weights file)')
    .option('--dataset <name>', `${datasetNames().join(' | ')} (default: the one the weights were trained on)`)
    .option('--split <split>', 'train | test', 'test')
    .option('--limit <n>', 'only the first n images (of the classes the weights were trained on)', positiveInteger)
    .option('--batch-size <n>', 'images per forward pass', positiveInteger, 500)
    .option('--backend <name>', BACKEND_CHOICES.join(' | '), 'auto')
    .option('--json', 'print the result as one JSON object')
    .action(async (weights: string, options: EvalOptions) => {
      if (options.split !== 'train' && options.split !== 'test') throw new Error(`--split must be 'train' or 'test', got '${options.split}'`);
      const backend = await selectBackend(options.backend);
      const { model, info } = await loadTrainedModel(weights, { model: options.model });
      const datasetName = options.dataset ?? info?.dataset;
      if (!datasetName) throw new Error(`'${weights}' does not say which data set it was trained on; pass --dataset (${datasetNames().join(', ')})`);
      const dataset = classesTrainedOn(getDataset(datasetName), info?.classes);
      const data = dataset.load(options.split, options.limit);
      const started = Date.now();
      const result = await evaluate(model, new DataLoader(data, { batchSize: options.batchSize }));
      const seconds = (Date.now() - started) / 1000;
      if (options.json) {
        const record = { weights, model: info?.model ?? options.model, dataset: datasetName, split: options.split, accuracy: result.accuracy, loss: result.loss, samples: result.samples, nonFiniteOutputs: result.nonFiniteOutputs, seconds, backend };
        process.stdout.write(`${JSON.stringify(record)}\n`);
      } else {
        process.stdout.write(`${datasetName} ${options.split}: accuracy ${(100 * result.accuracy).toFixed(2)}% loss ${result.loss.toFixed(4)} on ${result.samples} images (${seconds.toFixed(1)}s)\n`);
      }
      if (result.nonFiniteOutputs > 0) {
        throw new Error(`the model produced non-finite outputs (NaN or Infinity) for ${result.nonFiniteOutputs} of ${result.samples} images: '${weights}' holds broken weights (NaN rows count as wrong)`);
      }
    });
}

/** Weights trained with --classes score only those classes, relabelled as in training. */
function classesTrainedOn(dataset: NamedDataset, classes: readonly string[] | undefined): NamedDataset {
  if (!classes || (classes.length === dataset.classes.length && classes.every((c, i) => c === dataset.classes[i]))) return dataset;
  return selectClasses(dataset, { classes });
}
