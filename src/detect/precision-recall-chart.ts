// The precision-recall curves of a mAP evaluation as a picture, as Ultralytics' PR_curve.png: one line per
// class (its AP50 in the legend) and the mean over classes, thicker, with mAP50.
import type { RawImage } from '../data/image.js';
import { lineChart, type LineSeries } from '../data/line-chart.js';
import type { MeanAveragePrecision } from './average-precision.js';

export interface PrecisionRecallChartOptions {
  width?: number;
  height?: number;
  /** Classes listed in the legend, best AP50 first (default 10; the others are drawn in grey). */
  legendClasses?: number;
}

export function precisionRecallChart(result: MeanAveragePrecision, options: PrecisionRecallChartOptions = {}): RawImage {
  const { width = 640, height = 640, legendClasses = 10 } = options;
  const { recall, precision } = result.curve;
  const listed = new Set(
    result.perClass
      .map((c, k) => ({ k, ap: c.ap50 }))
      .sort((a, b) => b.ap - a.ap)
      .slice(0, legendClasses)
      .map((c) => c.k),
  );
  const classes: LineSeries[] = result.perClass.map((c, k) =>
    listed.has(k) ? { x: recall, y: precision[k], label: `${c.label} ${c.ap50.toFixed(3)}`, lineWidth: 1 } : { x: recall, y: precision[k], color: [190, 190, 190], lineWidth: 1 },
  );
  const meanCurve = recall.map((_, r) => precision.reduce((sum, row) => sum + row[r], 0) / Math.max(1, precision.length));
  const all: LineSeries = { x: recall, y: meanCurve, label: `all classes ${result.mAP50.toFixed(3)} mAP50`, color: [0, 0, 180], lineWidth: 4 };
  return lineChart([...classes, all], { width, height, title: 'Precision-recall (IoU 0.5)', xLabel: 'Recall', yLabel: 'Precision', xRange: [0, 1], yRange: [0, 1], legend: 'bottom-left' });
}
