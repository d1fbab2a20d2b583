// Charts to files: the SVG Vega draws, or a PNG of it rasterised by sharp (librsvg), written atomically.
// And `convkit plot`: a JSON-lines training log read back and drawn as training curves.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { chartSvg, type ChartSpec } from '../data/chart.js';
import { parseTrainingLog, type TrainingLog } from '../data/training-log.js';
import { trainingCurves, type CurveSeries, type TrainingCurvesOptions } from '../data/training-curves.js';
import { atomicWriteFile } from './atomic-write.js';

export interface WriteChartOptions {
  /** PNG pixels per SVG pixel (default 2, sharp on high-density screens). */
  scale?: number;
}

export interface WrittenChart {
  out: string;
  format: 'png' | 'svg';
  /** The file's size in pixels (a PNG's; an SVG's own). */
  width: number;
  height: number;
}

/** The format a chart path asks for; throws unless it ends in .png or .svg (check before a long run). */
export function chartFormatOf(path: string): 'png' | 'svg' {
  const format = extname(path).toLowerCase().slice(1);
  if (format !== 'png' && format !== 'svg') throw new Error(`writeChart: '${path}' must end in .png or .svg`);
  return format;
}

/** Write a chart as .svg or .png (by the extension). */
export async function writeChart(path: string, spec: ChartSpec, options: WriteChartOptions = {}): Promise<WrittenChart> {
  const { scale = 2 } = options;
  const format = chartFormatOf(path);
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 8)) throw new Error(`writeChart: scale must be a number in (0, 8], got ${scale}`);
  const { svg, width, height } = await chartSvg(spec);
  if (format === 'svg') {
    await atomicWriteFile(path, new TextEncoder().encode(svg));
    return { out: path, format, width, height };
  }
  // librsvg renders at `density` dots per inch, where an SVG pixel is 1/72 inch.
  const { data, info } = await sharp(Buffer.from(svg), { density: 72 * scale }).flatten({ background: '#ffffff' }).png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true });
  await atomicWriteFile(path, data);
  return { out: path, format, width: info.width, height: info.height };
}

/** A JSON-lines training log file, parsed; errors name the file and line. */
export async function readTrainingLog(path: string): Promise<TrainingLog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the training log '${path}': ${(error as Error).message}`, { cause: error });
  }
  return parseTrainingLog(text, path);
}

export interface PlotResult extends WrittenChart {
  epochs: number;
  steps: number;
  truncated: boolean;
  series: CurveSeries[];
}

/** Draw a training log's curves into `out` (.png or .svg). */
export async function plotTrainingLog(logPath: string, out: string, options: TrainingCurvesOptions & WriteChartOptions = {}): Promise<PlotResult> {
  const { scale, ...curveOptions } = options;
  chartFormatOf(out);
  const log = await readTrainingLog(logPath);
  const { spec, series } = trainingCurves(log, curveOptions);
  const written = await writeChart(out, spec, { scale });
  return { ...written, epochs: log.epochs.length, steps: log.steps.length, truncated: log.truncated, series };
}
