// Training curves from a training log: the losses (and a detector's loss terms, a style transfer's cost
// terms), the metrics (accuracy, mAP, ...) and the learning rate, each a panel; per epoch (marked points)
// and per step (thin lines), train and validation, whatever fields the log holds.
import { lineChartSpec, stackCharts, type ChartSpec, type LineSeries } from './chart.js';
import type { LogPoint, TrainingLog } from './training-log.js';

export interface TrainingCurvesOptions {
  /** Size of each panel's plot area (default 560 x 240). */
  width?: number;
  height?: number;
  title?: string;
}

export type CurvePanel = 'loss' | 'metrics' | 'lr';

export interface CurveSeries {
  panel: CurvePanel;
  /** The log's field, and the legend's label. */
  field: string;
  label: string;
  per: 'epoch' | 'step';
  /** Points with a finite value. */
  points: number;
}

const PANEL_TITLES: Record<CurvePanel, string> = { loss: 'Loss', metrics: 'Metrics', lr: 'Learning rate' };
const METRIC = /acc|map|precision|recall|f1|iou/i;

function panelOf(field: string): CurvePanel {
  if (field === 'lr') return 'lr';
  return METRIC.test(field) ? 'metrics' : 'loss';
}

/** The fields of the points, in order of first appearance. */
function fieldsOf(points: readonly LogPoint[]): string[] {
  const fields = new Set<string>();
  for (const p of points) for (const name of Object.keys(p.values)) fields.add(name);
  return [...fields];
}

interface Curve extends CurveSeries {
  series: LineSeries;
}

function curves(points: readonly LogPoint[], per: 'epoch' | 'step', suffix: string): Curve[] {
  let fields = fieldsOf(points);
  // A step record's 'loss' is the epoch's running mean; its own loss is batchLoss.
  if (per === 'step' && fields.includes('batchLoss')) fields = fields.filter((f) => f !== 'loss');
  return fields.map((field) => {
    const with_ = points.filter((p) => field in p.values);
    const y = with_.map((p) => p.values[field] ?? NaN);
    const label = `${field}${suffix}`;
    return {
      panel: panelOf(field),
      field,
      label,
      per,
      points: y.filter(Number.isFinite).length,
      series: { x: with_.map((p) => p.x), y, label, points: per === 'epoch', lineWidth: per === 'epoch' ? 2 : 1 },
    };
  });
}

/** Losses and costs go on a log scale where all are positive and span two decades or more; metrics and the learning rate stay linear. */
function scaleFor(values: number[]): 'linear' | 'log' {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0 || finite.some((v) => v <= 0)) return 'linear';
  return Math.max(...finite) / Math.min(...finite) >= 100 ? 'log' : 'linear';
}

/** The log as stacked panels (loss, metrics, learning rate: those it has), and what each series holds. */
export function trainingCurves(log: TrainingLog, options: TrainingCurvesOptions = {}): { spec: ChartSpec; series: CurveSeries[] } {
  const { width = 560, height = 240, title } = options;
  const both = log.epochs.length > 0 && log.steps.length > 0;
  const all = [...curves(log.steps, 'step', both ? ' (step)' : ''), ...curves(log.epochs, 'epoch', '')].filter((c) => c.points > 0);
  if (all.length === 0) throw new Error('trainingCurves: the log holds no finite values to plot');
  const xLabel = log.epochs.length > 0 ? 'Epoch' : 'Step';
  const panels = (['loss', 'metrics', 'lr'] as const).flatMap((panel) => {
    const inPanel = all.filter((c) => c.panel === panel);
    if (inPanel.length === 0) return [];
    const values = inPanel.flatMap((c) => Array.from(c.series.y));
    const unit = panel === 'metrics' && values.filter(Number.isFinite).every((v) => v >= 0 && v <= 1);
    return [
      lineChartSpec(
        inPanel.map((c) => c.series),
        { width, height, title: PANEL_TITLES[panel], xLabel, yLabel: PANEL_TITLES[panel], yScale: panel === 'loss' ? scaleFor(values) : 'linear', ...(unit ? { yRange: [0, 1] as const } : {}) },
      ),
    ];
  });
  return { spec: stackCharts(panels, { title }), series: all.map(({ series: _series, ...s }) => s) };
}
