// Line charts as Vega-Lite specifications, drawn to SVG by Vega itself (headless, no canvas, no fonts
// needed): precision-recall curves, ROC curves, training curves. Browser-safe; convkit/node's writeChart
// turns the SVG into a PNG with sharp.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { TAB10, rgbHex } from './palette.js';

/** A Vega-Lite specification, data inline: render it with chartSvg, or hand it to vega-embed in a page. */
export type ChartSpec = TopLevelSpec;

export interface LineSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Shown in the legend (series without a label are drawn but not listed). */
  label?: string;
  /** A CSS colour (default: the series' place in matplotlib's tab10 cycle). */
  color?: string;
  /** Line width in pixels (default 2). */
  lineWidth?: number;
  /** Mark every point as well (default false). */
  points?: boolean;
}

export type LegendPlace = 'right' | 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';

export interface LineChartOptions {
  /** Size of the plot area in pixels (default 480 x 320); axes, title and an outside legend add to it. */
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Axis ranges (default: the data's extent, rounded out to ticks). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** 'log' draws y on a log scale; values <= 0 are then left out like non-finite ones. */
  yScale?: 'linear' | 'log';
  /** Where the legend goes (default 'right', outside the plot). */
  legend?: LegendPlace;
}

interface Row {
  key: number;
  label: string | null;
  i: number;
  x: number;
  y: number | null;
  color: string;
  width: number;
}

function checkRange(name: string, range: readonly [number, number] | undefined): void {
  if (range && !(range.length === 2 && range.every(Number.isFinite) && range[1] > range[0])) {
    throw new Error(`lineChartSpec: ${name} must be [min, max] with min < max, got [${Array.from(range).join(', ')}]`);
  }
}

/** Legend labels made unique (a repeated label would merge two series' colours). */
function uniqueLabels(series: readonly LineSeries[]): (string | null)[] {
  const seen = new Map<string, number>();
  return series.map((s) => {
    if (s.label === undefined) return null;
    const n = (seen.get(s.label) ?? 0) + 1;
    seen.set(s.label, n);
    return n === 1 ? s.label : `${s.label} (${n})`;
  });
}

/** The series as one line chart. Non-finite points (and, on a log scale, values <= 0) break the line. */
export function lineChartSpec(series: readonly LineSeries[], options: LineChartOptions = {}): ChartSpec {
  const { width = 480, height = 320, title, xLabel = 'x', yLabel = 'y', xRange, yRange, yScale = 'linear', legend = 'right' } = options;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 40 && height >= 40)) {
    throw new Error(`lineChartSpec: width and height must be integers of at least 40, got ${width} x ${height}`);
  }
  checkRange('xRange', xRange);
  checkRange('yRange', yRange);
  if (yScale === 'log' && yRange && yRange[0] <= 0) throw new Error(`lineChartSpec: a log y scale needs yRange above 0, got [${yRange.join(', ')}]`);
  const labels = uniqueLabels(series);
  const rows: Row[] = series.flatMap((s, key) => {
    if (s.x.length !== s.y.length) throw new Error(`lineChartSpec: series ${key}${s.label ? ` ('${s.label}')` : ''} has ${s.x.length} x values but ${s.y.length} y values`);
    const color = s.color ?? rgbHex(TAB10[key % TAB10.length]);
    return Array.from(s.x, (x, i) => {
      const y = s.y[i];
      const shown = Number.isFinite(y) && (yScale === 'linear' || y > 0);
      return { key, label: labels[key], i, x, y: shown ? y : null, color, width: s.lineWidth ?? 2 };
    }).filter((r) => Number.isFinite(r.x));
  });
  const listed = series.map((s, k) => ({ label: labels[k], color: s.color ?? rgbHex(TAB10[k % TAB10.length]) })).filter((e) => e.label !== null);
  const x = { field: 'x', type: 'quantitative', title: xLabel, scale: { zero: false, ...(xRange ? { domain: [...xRange], nice: false } : {}) } } as const;
  const y = { field: 'y', type: 'quantitative', title: yLabel, scale: { type: yScale, ...(yScale === 'linear' ? { zero: false } : {}), ...(yRange ? { domain: [...yRange], nice: false } : {}) } } as const;
  const line = { type: 'line', invalid: 'break-paths-show-path-domains', clip: true } as const;
  const common = { x, y, order: { field: 'i', type: 'quantitative' }, strokeWidth: { field: 'width', type: 'quantitative', scale: null } } as const;
  const layers: object[] = [];
  // Unlisted series first, so the listed ones are drawn over them.
  if (rows.some((r) => r.label === null)) {
    layers.push({ transform: [{ filter: 'datum.label === null' }], mark: line, encoding: { ...common, detail: { field: 'key' }, color: { field: 'color', type: 'nominal', scale: null } } });
  }
  const legendSpec = legend === 'right' ? { title: null, symbolType: 'stroke' } : { title: null, symbolType: 'stroke', orient: legend, fillColor: 'rgba(255,255,255,0.85)', padding: 6, strokeColor: '#ccc' };
  const color = { field: 'label', type: 'nominal', scale: { domain: listed.map((e) => e.label), range: listed.map((e) => e.color) }, legend: legendSpec, sort: null } as const;
  if (listed.length > 0) {
    layers.push({ transform: [{ filter: 'datum.label !== null' }], mark: line, encoding: { ...common, detail: { field: 'key' }, color } });
  }
  const pointed = series.flatMap((s, k) => (s.points ? [k] : []));
  if (pointed.length > 0) {
    layers.push({
      transform: [{ filter: { field: 'key', oneOf: pointed } }, { filter: 'isValid(datum.y)' }],
      mark: { type: 'point', filled: true, size: 30, clip: true },
      encoding: { x, y, detail: { field: 'key' }, color: { field: 'color', type: 'nominal', scale: null }, opacity: { value: 1 } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title } : {}),
    width,
    height,
    background: 'white',
    data: { values: rows },
    layer: layers,
  } as ChartSpec;
}

/** Charts one above the other over one x axis (the panels of training curves). */
export function stackCharts(charts: readonly ChartSpec[], options: { title?: string } = {}): ChartSpec {
  if (charts.length === 0) throw new Error('stackCharts: give at least one chart');
  const panels = charts.map((c) => {
    const { $schema: _schema, background: _background, ...panel } = c as unknown as Record<string, unknown>;
    return panel;
  });
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...(options.title ? { title: options.title } : {}), background: 'white', vconcat: panels, resolve: { scale: { x: 'shared', color: 'independent' } } } as unknown as ChartSpec;
}

export interface RenderedChart {
  svg: string;
  /** The picture's size in pixels (the SVG's own width and height). */
  width: number;
  height: number;
}

/** Draw a chart specification to SVG, without a browser. */
export async function chartSvg(spec: ChartSpec): Promise<RenderedChart> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const size = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
    if (!size) throw new Error('chartSvg: Vega produced an SVG without a width and height');
    return { svg, width: Number(size[1]), height: Number(size[2]) };
  } finally {
    view.finalize();
  }
}
