// convkit filter image.png --kernel sobel-x --out edges.png: the texts' edge detection on a real image.
// The image is read as grayscale, convolved with the kernel (filterImage), and the magnitude of the response,
// scaled so its largest value is white, is written as a grayscale PNG.
import { Command, InvalidArgumentError } from 'commander';
import { EDGE_KERNELS, filterImage, parseKernel, type FilterImageOptions } from 'convkit/data';
import { readImage, writeImage } from 'convkit/node';
import { positiveInteger } from '../options.js';

type Padding = NonNullable<FilterImageOptions['padding']>;

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
    .requiredOption('--kernel <kernel>', `${Object.keys(EDGE_KERNELS).join(', ')}, or custom rows "a,b,c;d,e,f;g,h,i"`)
    .option('--stride <s>', 'step between windows, a positive integer', positiveInteger, 1)
    .option('--padding <p>', "'valid' (none), 'same' (output as large as the input at stride 1) or a number of pixels", parsePadding, 'valid')
    .requiredOption('--out <file>', 'output image (.png or .jpg)')
    .action(async (imagePath: string, options: FilterOptions) => {
      const kernel = parseKernel(options.kernel, { source: '--kernel' });
      const image = await readImage(imagePath, { channels: 1 });
      const edges = filterImage(image, kernel, { stride: options.stride, padding: options.padding });
      await writeImage(options.out, edges);
      const [h, w] = edges.shape;
      process.stdout.write(`wrote ${options.out} (${w}x${h}, ${kernel.length}x${kernel[0].length} kernel, stride ${options.stride}, padding ${options.padding})\n`);
    });
}

function parsePadding(value: string): Padding {
  if (value === 'same' || value === 'valid') return value;
  if (/^\d+$/.test(value)) return Number(value);
  throw new InvalidArgumentError("Expected 'same', 'valid' or a non-negative integer number of pixels.");
}
