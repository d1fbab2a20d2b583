// A detector's training curves as one picture, as Ultralytics' results.png does in small: the loss and each
// of its terms per epoch (top), and the validation mAP50 and mAP50-95 per epoch (bottom, when logged).
import type { RawImage } from '../data/image.js';
import { lineChart, type LineSeries } from '../data/line-chart.js';
import type { EpochLogs } from '../train/history.js';

export interface TrainingCurveChartOptions {
  /** Width of the picture (default 640); each panel is 3/4 as high. */
  width?: number;
}

const LOSS_NAMES = ['loss', 'box', 'objectness', 'noObject', 'classes', 'landmarks'];
const MAP_NAMES: [string, string][] = [['valMAP50', 'val mAP50'], ['valMAP50_95', 'val mAP50-95']];

function series(epochs: readonly EpochLogs[], name: string, label: string): LineSeries | null {
  const points = epochs.filter((e) => e[name] !== undefined && Number.isFinite(e[name]));
  return points.length === 0 ? null : { x: points.map((e) => e.epoch), y: points.map((e) => e[name]!), label, lineWidth: name === 'loss' ? 3 : 2 };
}

function stack(panels: RawImage[]): RawImage {
  const { width, channels } = panels[0];
  const height = panels.reduce((h, p) => h + p.height, 0);
  const data = new Uint8Array(width * height * channels);
  let offset = 0;
  for (const p of panels) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { width, height, channels, data };
}

/** The loss terms and the validation mAP over epochs (a fit() history's epochs, e.g. from trainDetector). */
export function trainingCurveChart(epochs: readonly EpochLogs[], options: TrainingCurveChartOptions = {}): RawImage {
  const width = options.width ?? 640;
  if (epochs.length === 0) throw new Error('trainingCurveChart: no epochs to draw');
  const height = Math.round((width * 3) / 4);
  const xRange: [number, number] = [Math.min(...epochs.map((e) => e.epoch)) - (epochs.length === 1 ? 1 : 0), Math.max(...epochs.map((e) => e.epoch))];
  const losses = LOSS_NAMES.map((name) => series(epochs, name, name === 'loss' ? 'loss (total)' : name)).filter((s): s is LineSeries => s !== null);
  const panels = [lineChart(losses, { width, height, title: 'Training loss per image', xLabel: 'Epoch', yLabel: 'Loss', xRange })];
  const maps = MAP_NAMES.map(([name, label]) => series(epochs, name, label)).filter((s): s is LineSeries => s !== null);
  if (maps.length > 0) panels.push(lineChart(maps, { width, height, title: 'Validation mAP', xLabel: 'Epoch', yLabel: 'mAP', xRange, yRange: [0, 1], legend: 'top-left' }));
  return stack(panels);
}
