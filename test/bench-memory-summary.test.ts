// The long-run memory summary (bench/memory-summary.ts): the slope and start / max / end it reports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leastSquaresSlope, memorySummary } from '../bench/memory-summary.js';

describe('bench memory summary', () => {
  it('fits the least-squares slope by hand-computed values', () => {
    // y = 2x + 1 exactly: slope 2; points (0,0), (1,2), (2,1): mean x 1, mean y 1, sxy = 1, sxx = 2 -> 0.5.
    assert.equal(leastSquaresSlope([0, 1, 2, 3], [1, 3, 5, 7]), 2);
    assert.equal(leastSquaresSlope([0, 1, 2], [0, 2, 1]), 0.5);
    assert.equal(leastSquaresSlope([4], [9]), 0);
    assert.throws(() => leastSquaresSlope([0, 1], [1]), /2 x values but 1 y values/);
  });

  it('leaves the warm-up samples out of the slope but not out of start and max', () => {
    // RSS jumps from 100 to 300 in the first sample of ten, then stays flat; wasm grows 1 MB per unit.
    const samples = Array.from({ length: 10 }, (_, i) => ({ at: i, rssMB: i === 0 ? 100 : i === 1 ? 350 : 300, wasmMB: i }));
    const s = memorySummary(samples, 0.2);
    assert.deepEqual(s.rss, { start: 100, settled: 300, max: 350, end: 300, slope: 0 });
    assert.deepEqual(s.wasm, { start: 0, settled: 2, max: 9, end: 9, slope: 1 });
    assert.throws(() => memorySummary([], 0.1), /no samples/);
    assert.throws(() => memorySummary(samples, 1), /warmupFraction must be in \[0, 1\), got 1/);
  });
});
