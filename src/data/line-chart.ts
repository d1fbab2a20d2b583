// Line charts drawn straight into RGB pixels (a RawImage, to be written with writeImage or shown on a canvas):
// precision-recall curves, training curves. Browser-safe and dependency-free: axes with ticks at 1-2-5 steps,
// a light grid, one polyline per series, a legend and labels in a 5x7 bitmap font.
import type { RawImage } from './image.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel, textWidth } from './bitmap-font.js';

export type Rgb = readonly [number, number, number];

export interface LineSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Shown in the legend (series without a label are drawn but not listed). */
  label?: string;
  /** Default: the next colour of matplotlib's tab10 cycle. */
  color?: Rgb;
  /** Line width in pixels (default 2). */
  lineWidth?: number;
}

export interface LineChartOptions {
  /** Image size in pixels (default 640 x 480). */
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Axis ranges (default: the data's extent). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** Where the legend goes (default 'top-right'). */
  legend?: 'top-right' | 'bottom-left' | 'bottom-right' | 'top-left';
}

/** matplotlib's tab10 colours, the default cycle. */
export const TAB10: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

const BLACK: Rgb = [0, 0, 0];
const GRID: Rgb = [225, 225, 225];
const TEXT_SCALE = 2;

class Canvas {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.data = new Uint8Array(width * height * 3).fill(255);
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x)), y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w)), y1 = Math.min(this.height, Math.round(y + h));
    for (let j = y0; j < y1; j++) {
      for (let i = x0; i < x1; i++) this.data.set(color, 3 * (j * this.width + i));
    }
  }

  /** A line of the given width: a square brush stamped along it, one step per pixel of length. */
  line(xa: number, ya: number, xb: number, yb: number, color: Rgb, width: number): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(xb - xa, yb - ya)));
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      this.fillRect(xa + (xb - xa) * t - width / 2, ya + (yb - ya) * t - width / 2, width, width, color);
    }
  }

  /** Text with its top-left corner at (x, y); `vertical` turns it a quarter anticlockwise (for the y-axis label). */
  text(text: string, x: number, y: number, color: Rgb, vertical = false): void {
    [...text].forEach((ch, k) => {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if (!glyphPixel(ch, col, row)) continue;
          const u = (k * GLYPH_ADVANCE + col) * TEXT_SCALE;
          const v = row * TEXT_SCALE;
          if (vertical) this.fillRect(x + v, y - u - TEXT_SCALE, TEXT_SCALE, TEXT_SCALE, color);
          else this.fillRect(x + u, y + v, TEXT_SCALE, TEXT_SCALE, color);
        }
      }
    });
  }
}

const textPixels = (text: string): number => textWidth(text) * TEXT_SCALE;
const LINE_HEIGHT = (GLYPH_HEIGHT + 3) * TEXT_SCALE;

/** Tick values at a 1, 2 or 5 x 10^k step giving about `target` intervals over [lo, hi]. */
function ticks(lo: number, hi: number, target = 5): { values: number[]; decimals: number } {
  const raw = (hi - lo) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const values: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { values, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

function extent(series: readonly LineSeries[], axis: 'x' | 'y', given: readonly [number, number] | undefined): [number, number] {
  if (given) {
    if (!(given.every(Number.isFinite) && given[1] > given[0])) throw new Error(`lineChart: ${axis}Range must be [min, max] with min < max, got [${given.join(', ')}]`);
    return [given[0], given[1]];
  }
  const values = series.flatMap((s) => Array.from(s[axis]).filter(Number.isFinite));
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** Draw the series as a line chart; returns RGB pixels. Non-finite points break the line. */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions = {}): RawImage {
  const { width = 640, height = 480, title, xLabel, yLabel, legend = 'top-right' } = options;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 160 && height >= 120)) {
    throw new Error(`lineChart: width and height must be integers of at least 160 x 120, got ${width} x ${height}`);
  }
  series.forEach((s, i) => {
    if (s.x.length !== s.y.length) throw new Error(`lineChart: series ${i}${s.label ? ` ('${s.label}')` : ''} has ${s.x.length} x values but ${s.y.length} y values`);
  });
  const [x0, x1] = extent(series, 'x', options.xRange);
  const [y0, y1] = extent(series, 'y', options.yRange);
  const xTicks = ticks(x0, x1);
  const yTicks = ticks(y0, y1);
  const yTickText = yTicks.values.map((v) => v.toFixed(yTicks.decimals));

  // The plot area, leaving room for the title, the tick labels and the axis labels.
  const left = 16 + (yLabel ? LINE_HEIGHT : 0) + Math.max(...yTickText.map(textPixels));
  const top = title ? 2 * LINE_HEIGHT : LINE_HEIGHT;
  const right = width - 24;
  const bottom = height - 12 - LINE_HEIGHT - (xLabel ? LINE_HEIGHT : 0);
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);

  const canvas = new Canvas(width, height);
  xTicks.values.forEach((v) => {
    canvas.line(px(v), top, px(v), bottom, GRID, 1);
    const label = v.toFixed(xTicks.decimals);
    canvas.text(label, px(v) - textPixels(label) / 2, bottom + 8, BLACK);
  });
  yTicks.values.forEach((v, k) => {
    canvas.line(left, py(v), right, py(v), GRID, 1);
    canvas.text(yTickText[k], left - 8 - textPixels(yTickText[k]), py(v) - (GLYPH_HEIGHT * TEXT_SCALE) / 2, BLACK);
  });
  series.forEach((s, i) => {
    const color = s.color ?? TAB10[i % TAB10.length];
    for (let k = 1; k < s.x.length; k++) {
      const points = [s.x[k - 1], s.y[k - 1], s.x[k], s.y[k]];
      if (points.every(Number.isFinite)) canvas.line(px(points[0]), py(points[1]), px(points[2]), py(points[3]), color, s.lineWidth ?? 2);
    }
  });
  canvas.line(left, bottom, right, bottom, BLACK, 2);
  canvas.line(left, top, left, bottom, BLACK, 2);
  if (title) canvas.text(title, (width - textPixels(title)) / 2, 10, BLACK);
  if (xLabel) canvas.text(xLabel, (left + right - textPixels(xLabel)) / 2, height - 8 - LINE_HEIGHT + 4, BLACK);
  if (yLabel) canvas.text(yLabel, 8, (top + bottom + textPixels(yLabel)) / 2, BLACK, true);

  const entries = series.map((s, i) => ({ label: s.label, color: s.color ?? TAB10[i % TAB10.length] })).filter((e) => e.label);
  if (entries.length > 0) {
    const swatch = 20;
    const boxWidth = swatch + 18 + Math.max(...entries.map((e) => textPixels(e.label!)));
    const boxHeight = entries.length * LINE_HEIGHT + 8;
    const bx = legend.endsWith('right') ? right - boxWidth - 8 : left + 8;
    const by = legend.startsWith('top') ? top + 8 : bottom - boxHeight - 8;
    canvas.fillRect(bx, by, boxWidth, boxHeight, [255, 255, 255]);
    entries.forEach((e, k) => {
      const y = by + 6 + k * LINE_HEIGHT;
      canvas.fillRect(bx + 6, y + (GLYPH_HEIGHT * TEXT_SCALE) / 2 - 2, swatch, 4, e.color);
      canvas.text(e.label!, bx + swatch + 12, y, BLACK);
    });
  }
  return { width, height, channels: 3, data: canvas.data };
}
