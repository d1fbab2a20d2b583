// Sample-weighted averages of the loss and the metrics over one pass of a loader.
import type { Tensor } from '../tensor/tensor.js';
import { type Metric, type MetricSpec, createMetrics } from './metrics.js';

export class EpochStats {
  private lossSum = 0;
  samples = 0;
  private readonly metrics: Metric[];

  constructor(specs: readonly MetricSpec[]) {
    this.metrics = createMetrics(specs);
  }

  /** Add a batch whose mean loss was `loss`. */
  update(loss: number, output: Tensor, target: Tensor): void {
    const n = output.shape[0];
    this.lossSum += loss * n;
    this.samples += n;
    for (const m of this.metrics) m.update(output, target);
  }

  get loss(): number {
    return this.samples === 0 ? NaN : this.lossSum / this.samples;
  }

  metricValues(): Record<string, number> {
    return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
  }
}
