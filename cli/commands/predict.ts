// convkit predict weights.safetensors --model lenet5 digit.png [--top K]: the most likely classes of an image.
import { Command } from 'commander';
import type { Tensor } from 'convkit';
import { predict } from 'convkit/train';
import { loadTrainedModel, readImage } from 'convkit/node';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { positiveInteger } from '../options.js';

interface PredictOptions {
  model?: string;
  top: number;
  invert: boolean;
  backend: BackendChoice;
  json?: boolean;
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('classify an image with trained weights and print the top classes with probabilities')
    .argument('<weights>', 'a .safetensors file written by convkit train')
    .argument('<image>', 'PNG, JPEG, WebP, ...: resized and converted to the channels the model needs')
    .option('--model <name>', 'the architecture (default: the one recorded in the weights file)')
    .option('--top <k>', 'how many classes to show', positiveInteger, 3)
    .option('--no-invert', 'keep a light-background grayscale image as it is (by default it is inverted to white on black, like MNIST)')
    .option('--backend <name>', BACKEND_CHOICES.join(' | '), 'auto')
    .option('--json', 'print the result as one JSON object')
    .action(async (weights: string, imagePath: string, options: PredictOptions) => {
      await selectBackend(options.backend);
      const { model, info, inputShape } = await loadTrainedModel(weights, { model: options.model });
      const [height, width, channels] = inputShape;
      if (channels !== 1 && channels !== 3) throw new Error(`predict: the model takes ${channels}-channel input; images can be read as 1 (gray) or 3 (RGB) channels`);
      const image = await readImage(imagePath, { channels, size: [height, width] });
      const mean = meanOf(image);
      // MNIST-style data are light strokes on a dark background; a scan or drawing is usually the opposite.
      const inverted = channels === 1 && options.invert && mean > 0.5;
      if (inverted) for (let i = 0; i < image.size; i++) image.data[i] = 1 - image.data[i];
      if (info) standardize(image, info.normalization);
      const probabilities = predict(model, image.reshape([1, height, width, channels]));
      const nonFinite = probabilities.data.filter((p) => !Number.isFinite(p)).length;
      if (nonFinite > 0) throw new Error(`the model produced non-finite outputs (NaN or Infinity) for '${imagePath}': ${nonFinite} of ${probabilities.size} class scores; '${weights}' holds broken weights`);
      const classes = info?.classes ?? Array.from({ length: probabilities.shape[1] }, (_, i) => String(i));
      const top = topClasses(probabilities, classes, options.top);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ image: imagePath, inverted, top })}\n`);
        return;
      }
      if (inverted) process.stdout.write(`inverted the image: its background is light (mean ${mean.toFixed(2)}), the model expects light strokes on dark\n`);
      for (const { label, probability } of top) process.stdout.write(`${label.padEnd(12)} ${(100 * probability).toFixed(2).padStart(6)}%\n`);
    });
}

function meanOf(x: Tensor): number {
  let sum = 0;
  for (const v of x.data) sum += v;
  return sum / x.size;
}

function standardize(x: Tensor, { mean, std }: { mean: number; std: number }): void {
  for (let i = 0; i < x.size; i++) x.data[i] = (x.data[i] - mean) / std;
}

function topClasses(probabilities: Tensor, classes: readonly string[], k: number): Array<{ index: number; label: string; probability: number }> {
  return Array.from(probabilities.data, (probability, index) => ({ index, label: classes[index] ?? String(index), probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}
