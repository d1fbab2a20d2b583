// Start / max / end and the least-squares slope of memory samples: what "flat over a long run" is read from.

export interface MemorySample {
  /** Position in the run: epochs done (fractional) or calls made. */
  at: number;
  rssMB: number;
  wasmMB: number;
}

export interface SeriesSummary {
  start: number;
  /** The first sample after the warm-up. */
  settled: number;
  max: number;
  end: number;
  /** Least-squares slope in MB per unit of `at`, over the samples after the warm-up fraction. */
  slope: number;
}

/** Slope of the least-squares line through (x[i], y[i]); 0 for fewer than two distinct x. */
export function leastSquaresSlope(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`leastSquaresSlope: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

function summarise(samples: readonly MemorySample[], value: (s: MemorySample) => number, warmupFraction: number): SeriesSummary {
  const settled = samples.slice(Math.floor(samples.length * warmupFraction));
  return {
    start: value(samples[0]),
    settled: value(settled[0]),
    max: Math.max(...samples.map(value)),
    end: value(samples[samples.length - 1]),
    slope: leastSquaresSlope(settled.map((s) => s.at), settled.map(value)),
  };
}

/** RSS and WebAssembly memory summaries; the slope leaves out the first `warmupFraction` of the samples. */
export function memorySummary(samples: readonly MemorySample[], warmupFraction: number): { rss: SeriesSummary; wasm: SeriesSummary } {
  if (samples.length === 0) throw new Error('memorySummary: no samples');
  if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new Error(`memorySummary: warmupFraction must be in [0, 1), got ${warmupFraction}`);
  return { rss: summarise(samples, (s) => s.rssMB, warmupFraction), wasm: summarise(samples, (s) => s.wasmMB, warmupFraction) };
}
