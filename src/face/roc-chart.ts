// A calibration's ROC curve as a picture: true-accept against false-accept rate, with the equal-error point
// and the chosen operating point in the legend.
import type { RawImage } from '../data/image.js';
import { lineChart } from '../data/line-chart.js';
import type { Calibration } from './calibration.js';

export function rocChart(calibration: Calibration, options: { width?: number; height?: number } = {}): RawImage {
  const { width = 640, height = 640 } = options;
  const { roc, eer, eerThreshold, targetFar, threshold, tar, auc } = calibration;
  return lineChart(
    [
      { x: roc.map((p) => p.far), y: roc.map((p) => p.tar), label: `ROC, AUC ${auc.toFixed(4)}`, lineWidth: 3 },
      { x: [0, 1], y: [1, 0], label: `EER ${(eer * 100).toFixed(2)}% at ${eerThreshold.toFixed(3)}`, color: [190, 190, 190], lineWidth: 1 },
      { x: [targetFar, targetFar], y: [0, 1], label: `FAR ${targetFar}: threshold ${threshold.toFixed(3)}, TAR ${(tar * 100).toFixed(1)}%`, color: [214, 39, 40], lineWidth: 1 },
    ],
    { width, height, title: `ROC (${calibration.samePairs} same, ${calibration.differentPairs} different pairs)`, xLabel: 'False-accept rate', yLabel: 'True-accept rate', xRange: [0, 1], yRange: [0, 1], legend: 'bottom-right' },
  );
}
