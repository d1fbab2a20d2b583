// The precision-recall curves of a mAP evaluation as a chart, as Ultralytics' PR_curve.png: one line per
// class (its AP50 in the legend) and the mean over classes, thicker, with mAP50.
import { lineChartSpec, type ChartSpec, type LineSeries } from '../data/chart.js';
import type { MeanAveragePrecision } from './average-precision.js';

export interface PrecisionRecallChartOptions {
  /** Size of the plot area (default 480 x 480). */
  width?: number;
  height?: number;
  /** Classes listed in the legend, best AP50 first (default 10; the others are drawn in grey). */
  legendClasses?: number;
}

export const MEAN_CURVE_COLOR = '#0000b4';

/** A Vega-Lite chart (draw it with chartSvg, or write it with convkit/node's writeChart). */
export function precisionRecallChart(result: MeanAveragePrecision, options: PrecisionRecallChartOptions = {}): ChartSpec {
  const { width = 480, height = 480, legendClasses = 10 } = options;
  const { recall, precision } = result.curve;
  const listed = new Set(
    result.perClass
      .map((c, k) => ({ k, ap: c.ap50 }))
      .sort((a, b) => b.ap - a.ap)
      .slice(0, legendClasses)
      .map((c) => c.k),
  );
  const classes: LineSeries[] = result.perClass.map((c, k) =>
    listed.has(k) ? { x: recall, y: precision[k], label: `${c.label} ${c.ap50.toFixed(3)}`, lineWidth: 1 } : { x: recall, y: precision[k], color: '#bebebe', lineWidth: 1 },
  );
  const meanCurve = recall.map((_, r) => precision.reduce((sum, row) => sum + row[r], 0) / Math.max(1, precision.length));
  const all: LineSeries = { x: recall, y: meanCurve, label: `all classes ${result.mAP50.toFixed(3)} mAP50`, color: MEAN_CURVE_COLOR, lineWidth: 4 };
  return lineChartSpec([...classes, all], { width, height, title: 'Precision-recall (IoU 0.5)', xLabel: 'Recall', yLabel: 'Precision', xRange: [0, 1], yRange: [0, 1], legend: 'bottom-left' });
}
