// convkit style <content> <style...> --out out.png: Gatys neural style transfer with the course texts' costs.
import { Command, InvalidArgumentError } from 'commander';
import { styleTransferFiles, STYLE_NETWORK_NAMES } from 'convkit/node';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, positiveNumber } from '../options.js';

interface StyleOptions {
  out: string;
  size: number;
  sizes?: number[];
  steps: number;
  optimizer: 'lbfgs' | 'adam';
  lr?: number;
  contentWeight?: number;
  styleWeight?: number;
  tvWeight?: number;
  init: 'content' | 'style' | 'noise';
  preserveColors?: boolean;
  network: string;
  contentLayer?: string;
  styleLayers?: string[];
  styleBlend?: number[];
  styleScale?: number;
  saveEvery: number;
  log?: string;
  seed: number;
  backend: BackendChoice;
  json?: boolean;
}

const names = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);
const numbers = (parse: (v: string) => number) => (value: string): number[] => names(value).map(parse);
const choice = <T extends string>(allowed: readonly T[]) => (value: string): T => {
  if (!allowed.includes(value as T)) throw new InvalidArgumentError(`Expected one of ${allowed.join(', ')}.`);
  return value as T;
};

export function styleCommand(): Command {
  return new Command('style')
    .description('generate an image with the content of <content> in the style of the <style> images (Gatys et al.)')
    .argument('<content>', 'the photo whose layout is kept')
    .argument('<style...>', 'one or more style images (blended; see --style-blend)')
    .requiredOption('--out <file>', 'the result, .png or .jpg')
    .option('--size <px>', 'longest side of the result', positiveInteger, 256)
    .option('--sizes <px,...>', 'multi-resolution: optimise at each longest side in turn (ascending), e.g. 128,256', numbers(positiveInteger))
    .option('--steps <n>', 'iterations (per size)', positiveInteger, 300)
    .option('--optimizer <name>', 'lbfgs | adam', choice(['lbfgs', 'adam'] as const), 'lbfgs')
    .option('--lr <x>', "step scale: Adam's learning rate in [0, 1] pixel units (default 0.02), L-BFGS's (default 1)", positiveNumber)
    .option('--content-weight <a>', 'alpha, on the content cost relative to the content image (default 1)', nonNegativeNumber)
    .option('--style-weight <b>', 'beta, on the style cost relative to the style (default 1e4)', nonNegativeNumber)
    .option('--tv-weight <t>', 'weight of the total variation per pixel (default 0)', nonNegativeNumber)
    .option('--init <from>', 'content | style | noise', choice(['content', 'style', 'noise'] as const), 'content')
    .option('--preserve-colors', "keep the content's colours (the result's luminance with the content's chrominance)")
    .option('--network <name>', `${STYLE_NETWORK_NAMES.join(' | ')}, or a Keras model.json`, 'vgg19-random')
    .option('--content-layer <name>', "the content layer (default: the network's)")
    .option('--style-layers <l1,l2,...>', "the style layers (default: the network's)", names)
    .option('--style-blend <w1,w2,...>', 'one weight per style image (default equal)', numbers(nonNegativeNumber))
    .option('--style-scale <s>', 'style images at s times the result size (default 1)', positiveNumber)
    .option('--save-every <n>', 'also write <out>_<step>.png every n steps (0: never)', nonNegativeInteger, 0)
    .option('--log <file>', 'write each step\'s cost terms as JSON lines (draw them with convkit plot)')
    .option('--seed <s>', 'seeds the noise init and the random VGG-19', nonNegativeInteger, 0)
    .option('--backend <name>', BACKEND_CHOICES.join(' | '), 'auto')
    .option('--json', 'print one JSON object as the last line: {"out","steps","contentCost","styleCost","totalCost","seconds"}')
    .action(async (content: string, styles: string[], o: StyleOptions) => {
      await selectBackend(o.backend);
      const result = await styleTransferFiles(content, styles, o.out, {
        size: o.size,
        sizes: o.sizes,
        steps: o.steps,
        optimizer: o.optimizer,
        lr: o.lr,
        contentWeight: o.contentWeight,
        styleWeight: o.styleWeight,
        tvWeight: o.tvWeight,
        init: o.init,
        preserveColors: o.preserveColors ?? false,
        network: o.network,
        contentLayer: o.contentLayer,
        styleLayers: o.styleLayers,
        styleBlendWeights: o.styleBlend,
        styleScale: o.styleScale,
        saveEvery: o.saveEvery,
        log: o.log,
        seed: o.seed,
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      process.stdout.write(`wrote ${result.out}: ${result.steps} steps in ${result.seconds.toFixed(1)} s, content ${result.contentCost.toExponential(3)}, style ${result.styleCost.toExponential(3)}, total ${result.totalCost.toExponential(3)}\n`);
    });
}
