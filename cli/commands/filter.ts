// convkit filter image.png --kernel sobel-x --out edges.png: the texts' edge detection on a real image.
// The image is read as grayscale, convolved with the kernel (F.conv2d), and the magnitude of the response,
// scaled so its largest value is white, is written as a grayscale PNG.
import { Command, InvalidArgumentError } from 'commander';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/ops/conv.js';
import type { Padding } from '../../src/ops/geometry.js';
import { readImage, writeImage } from '../../src/node/image-io.js';
import { NAMED_KERNELS, parseKernel, type KernelRows } from '../filter-kernels.js';
import { positiveInteger } from '../options.js';

interface FilterOptions {
  kernel: string;
  stride: number;
  padding: Padding;
  out: string;
}

export function filterCommand(): Command {
  return new Command('filter')
    .description('convolve a grayscale image with an edge-detection kernel and write the response magnitude as an image')
    .argument('<image>', 'PNG, JPEG, WebP, ... (converted to grayscale)')
    .requiredOption('--kernel <kernel>', `${Object.keys(NAMED_KERNELS).join(', ')}, or custom rows "a,b,c;d,e,f;g,h,i"`)
    .option('--stride <s>', 'step between windows, a positive integer', positiveInteger, 1)
    .option('--padding <p>', "'valid' (none), 'same' (output as large as the input at stride 1) or a number of pixels", parsePadding, 'valid')
    .requiredOption('--out <file>', 'output image (.png or .jpg)')
    .action(async (imagePath: string, options: FilterOptions) => {
      const kernel = parseKernel(options.kernel);
      const image = await readImage(imagePath, { channels: 1 });
      const edges = filterImage(image, kernel, options.stride, options.padding);
      await writeImage(options.out, edges);
      const [h, w] = edges.shape;
      process.stdout.write(`wrote ${options.out} (${w}x${h}, ${kernel.length}x${kernel[0].length} kernel, stride ${options.stride}, padding ${options.padding})\n`);
    });
}

/** |image (*) kernel| / max: image [H, W, 1] in [0, 1] -> [H', W', 1] in [0, 1]. */
export function filterImage(image: Tensor, kernel: KernelRows, stride: number, padding: Padding): Tensor {
  const [h, w] = image.shape;
  const weight = new Tensor(Float32Array.from(kernel.flat()), [kernel.length, kernel[0].length, 1, 1]);
  const response = conv2d(image.reshape([1, h, w, 1]), weight, null, { stride, padding });
  const magnitude = response.abs();
  let max = 0;
  for (const v of magnitude.data) if (v > max) max = v;
  const [, outH, outW] = response.shape;
  // A flat image has no edges anywhere: all black rather than a division by zero.
  return (max > 0 ? magnitude.div(max) : magnitude).reshape([outH, outW, 1]);
}

function parsePadding(value: string): Padding {
  if (value === 'same' || value === 'valid') return value;
  if (/^\d+$/.test(value)) return Number(value);
  throw new InvalidArgumentError("Expected 'same', 'valid' or a non-negative integer number of pixels.");
}
