// `convkit style` without the argument parsing: read the content and style files, run styleTransfer with a
// progress display of each cost term, save every N steps, write the result atomically, and return the
// figures the CLI prints (its --json contract: out, steps, contentCost, styleCost, totalCost, seconds).
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { Tensor } from '../tensor/tensor.js';
import { styleTransfer, type StyleStepInfo, type StyleTransferOptions } from '../style/transfer.js';
import { loadStyleNetwork, type StyleNetworkOptions } from './style-networks.js';
import { readImage, writeImage } from './image-io.js';
import { atomicWriteFile } from './atomic-write.js';
import { formatDuration, type ProgressStream } from './progress.js';

export interface StyleFilesOptions extends Omit<StyleTransferOptions, 'onStep' | 'sizes'>, StyleNetworkOptions {
  /** Longest side of the output (default 256); with `sizes`, the stages' longest sides instead. */
  size?: number;
  sizes?: readonly number[];
  /** A built-in network name or a Keras model.json (default 'vgg19-random'). */
  network?: string;
  /** Also write the image every N steps, as <out>_<step>.png (default 0: never). */
  saveEvery?: number;
  /** Also write the cost terms of every step as a JSON-lines log (what `convkit plot` draws). */
  log?: string;
  /** Where progress goes (default stderr); null for none. */
  progress?: ProgressStream | null;
}

export interface StyleFilesResult {
  out: string;
  steps: number;
  contentCost: number;
  styleCost: number;
  totalCost: number;
  seconds: number;
}

/** An image file as [1, H, W, 3] in [0, 1] with its longest side `longest`. */
async function readScaled(path: string, longest: number): Promise<Tensor> {
  let meta: Metadata;
  try {
    meta = await sharp(path).metadata();
  } catch (error) {
    throw new Error(`style: cannot read the image '${path}': ${(error as Error).message}`, { cause: error });
  }
  const scale = longest / Math.max(meta.width ?? 1, meta.height ?? 1);
  const size: [number, number] = [Math.max(1, Math.round((meta.height ?? 1) * scale)), Math.max(1, Math.round((meta.width ?? 1) * scale))];
  return (await readImage(path, { size })).unsqueeze(0);
}

/** Generate `out` from the content file in the style of the style files. */
export async function styleTransferFiles(contentPath: string, stylePaths: readonly string[], out: string, options: StyleFilesOptions = {}): Promise<StyleFilesResult> {
  const { size = 256, sizes, network: networkName = 'vgg19-random', saveEvery = 0, log, progress = process.stderr, contentLayer, styleLayers, seed, ...transfer } = options;
  if (stylePaths.length === 0) throw new Error('style: give at least one style image');
  if (!['.png', '.jpg', '.jpeg'].includes(extname(out).toLowerCase())) throw new Error(`style: --out '${out}' must end in .png, .jpg or .jpeg`);
  const longest = sizes?.[sizes.length - 1] ?? size;
  const network = await loadStyleNetwork(networkName, { contentLayer, styleLayers, seed });
  const content = await readScaled(contentPath, longest);
  const styles = await Promise.all(stylePaths.map((p) => readScaled(p, Math.round(longest * (transfer.styleScale ?? 1)))));
  const pending: Array<Promise<void>> = [];
  const display = progress ? new StyleProgress(progress) : null;
  const started = Date.now();
  const logLines = [JSON.stringify({ event: 'start', content: contentPath, styles: stylePaths, network: networkName })];
  const result = styleTransfer(network, content, styles, {
    ...transfer,
    seed,
    sizes: sizes ?? [longest],
    onStep: (info) => {
      display?.update(info);
      const { content: c, style, tv, total, step } = info;
      logLines.push(JSON.stringify({ event: 'step', step, content: c, style, tv, total, seconds: (Date.now() - started) / 1000 }));
      if (saveEvery > 0 && info.step % saveEvery === 0 && info.step < info.steps) {
        pending.push(writeImage(out.replace(/(\.[^.]+)$/, `_${info.step}$1`), info.image().squeeze(0)));
      }
    },
  });
  display?.finish();
  await Promise.all(pending);
  await writeImage(out, result.image.squeeze(0));
  if (log) await atomicWriteFile(log, new TextEncoder().encode(`${logLines.join('\n')}\n`));
  return { out, steps: result.steps, contentCost: result.costs.content, styleCost: result.costs.style, totalCost: result.costs.total, seconds: result.seconds };
}

// cli-progress ships no types; the part of its API used here.
interface Bar {
  start(total: number, value: number, payload: Record<string, string>): void;
  update(value: number, payload: Record<string, string>): void;
  stop(): void;
}
const cliProgress = createRequire(import.meta.url)('cli-progress') as {
  SingleBar: new (options: Record<string, unknown>, preset: object) => Bar;
  Presets: { shades_classic: object };
};

/** A live bar with each cost term on a terminal; a plain line every 10 steps otherwise. */
class StyleProgress {
  private bar: Bar | null = null;
  private readonly started = Date.now();

  constructor(private readonly stream: ProgressStream) {}

  update(info: StyleStepInfo): void {
    const terms = `content ${info.content.toExponential(3)} style ${info.style.toExponential(3)} tv ${info.tv.toExponential(3)} total ${info.total.toExponential(3)}`;
    const payload = { terms, size: `${info.size[1]}x${info.size[0]}` };
    if (this.stream.isTTY) {
      if (!this.bar) {
        this.bar = new cliProgress.SingleBar(
          { stream: this.stream, format: 'style {size} |{bar}| {value}/{total} | {terms} | ETA {eta_formatted}', barsize: 20, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(info.steps, 0, payload);
      }
      this.bar.update(info.step, payload);
    } else if (info.step % 10 === 0 || info.step === info.steps) {
      this.stream.write(`step ${info.step}/${info.steps} (${payload.size}) | ${terms} | ${formatDuration((Date.now() - this.started) / 1000)}\n`);
    }
  }

  finish(): void {
    this.bar?.stop();
  }
}
