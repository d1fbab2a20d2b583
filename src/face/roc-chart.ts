// A calibration's ROC curve as a chart: true-accept against false-accept rate, with the equal-error point
// and the chosen operating point in the legend.
import { lineChartSpec, type ChartSpec } from '../data/chart.js';
import type { Calibration } from './calibration.js';

/** A Vega-Lite chart (draw it with chartSvg, or write it with convkit/node's writeChart); the size is the plot area's. */
export function rocChart(calibration: Calibration, options: { width?: number; height?: number } = {}): ChartSpec {
  const { width = 480, height = 480 } = options;
  const { roc, eer, eerThreshold, targetFar, threshold, tar, auc } = calibration;
  return lineChartSpec(
    [
      { x: roc.map((p) => p.far), y: roc.map((p) => p.tar), label: `ROC, AUC ${auc.toFixed(4)}`, lineWidth: 3 },
      { x: [0, 1], y: [1, 0], label: `EER ${(eer * 100).toFixed(2)}% at ${eerThreshold.toFixed(3)}`, color: '#bebebe', lineWidth: 1 },
      { x: [targetFar, targetFar], y: [0, 1], label: `FAR ${targetFar}: threshold ${threshold.toFixed(3)}, TAR ${(tar * 100).toFixed(1)}%`, color: '#d62728', lineWidth: 1 },
    ],
    { width, height, title: `ROC (${calibration.samePairs} same, ${calibration.differentPairs} different pairs)`, xLabel: 'False-accept rate', yLabel: 'True-accept rate', xRange: [0, 1], yRange: [0, 1], legend: 'bottom-right' },
  );
}
