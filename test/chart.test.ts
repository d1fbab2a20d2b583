// Line charts as Vega-Lite specs drawn to SVG by Vega: the SVG read back (each line's vertices, colour and
// legend label) against the pixel positions the axis ranges give by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chartSvg, lineChartSpec, stackCharts } from '../src/data/chart.js';
import { lineLabelled, svgLines, svgPointLabels } from './helpers/svg-lines.js';

describe('lineChartSpec + chartSvg', () => {
  it('puts every point where the axis ranges say, in the series colour and width', async () => {
    // x 0..3 over 300 px, y 0..9 over 180 px (SVG y grows downwards): x -> 100 x, y -> 180 - 20 y.
    const spec = lineChartSpec(
      [
        { x: [0, 1, 2, 3], y: [0, 1, 4, 9], label: 'squares', color: '#123456', lineWidth: 3, points: true },
        { x: [0, 3], y: [9, 0], label: 'falling' },
      ],
      { width: 300, height: 180, xRange: [0, 3], yRange: [0, 9], title: 't', xLabel: 'X', yLabel: 'Y' },
    );
    const { svg, width, height } = await chartSvg(spec);
    assert.ok(width > 300 && height > 180, `the picture (${width}x${height}) holds the plot area plus axes and legend`);
    const lines = svgLines(svg);
    const squares = lineLabelled(lines, 'squares');
    assert.deepEqual([squares.stroke, squares.width], ['#123456', 3]);
    assert.deepEqual(squares.pieces, [[[0, 180], [100, 160], [200, 100], [300, 0]]]);
    assert.deepEqual(lineLabelled(lines, 'falling').pieces, [[[0, 0], [300, 180]]]);
    assert.equal(lineLabelled(lines, 'falling').stroke, '#ff7f0e', "the second series takes tab10's second colour");
    // Points only on the series that asked for them, with their data values.
    assert.deepEqual(svgPointLabels(svg).map((l) => l.split('; ').slice(0, 2).join('; ')), ['X: 0; Y: 0', 'X: 1; Y: 1', 'X: 2; Y: 4', 'X: 3; Y: 9']);
  });

  it('breaks the line at non-finite values, and at values <= 0 on a log scale', async () => {
    const linear = svgLines((await chartSvg(lineChartSpec([{ x: [0, 1, 2, 3], y: [1, NaN, 2, 3], label: 'a' }], { xRange: [0, 3], yRange: [0, 4] }))).svg);
    assert.deepEqual(lineLabelled(linear, 'a').pieces.map((p) => p.length), [1, 2]);
    // log10 1..100 over 200 px: 1 -> 200, 10 -> 100, 100 -> 0; the 0 is left out.
    const log = svgLines((await chartSvg(lineChartSpec([{ x: [0, 1, 2, 3], y: [1, 10, 0, 100], label: 'b' }], { height: 200, xRange: [0, 3], yRange: [1, 100], yScale: 'log' }))).svg);
    assert.deepEqual(lineLabelled(log, 'b').pieces.map((p) => p.map(([, y]) => y)), [[200, 100], [0]]);
  });

  it('draws unlabelled series without listing them, and keeps repeated labels apart', async () => {
    const { svg } = await chartSvg(lineChartSpec([{ x: [0, 1], y: [0, 1], color: '#bebebe' }, { x: [0, 1], y: [1, 0], label: 'cat' }, { x: [0, 1], y: [0.5, 0.5], label: 'cat' }]));
    const lines = svgLines(svg);
    assert.deepEqual(lines.map((l) => [l.label, l.stroke]), [[null, '#bebebe'], ['cat', '#ff7f0e'], ['cat (2)', '#2ca02c']]);
    assert.match(svg, /aria-label="[^"]*legend[^"]*with 2 values: cat, cat \(2\)"/);
  });

  it('stacks charts into one picture', async () => {
    const one = lineChartSpec([{ x: [0, 1], y: [0, 1], label: 'first' }], { width: 200, height: 100 });
    const two = lineChartSpec([{ x: [0, 1], y: [1, 0], label: 'second' }], { width: 200, height: 100 });
    const stacked = await chartSvg(stackCharts([one, two]));
    assert.deepEqual(svgLines(stacked.svg).map((l) => l.label), ['first', 'second']);
    assert.ok(stacked.height > 2 * (await chartSvg(one)).height - 40, `stacked height ${stacked.height}`);
  });

  it('rejects series and options it cannot draw, naming them', () => {
    assert.throws(() => lineChartSpec([{ x: [0, 1], y: [0], label: 'loss' }]), /lineChartSpec: series 0 \('loss'\) has 2 x values but 1 y values/);
    assert.throws(() => lineChartSpec([], { xRange: [1, 1] }), /xRange must be \[min, max\] with min < max, got \[1, 1\]/);
    assert.throws(() => lineChartSpec([], { width: 10.5 }), /width and height must be integers of at least 40, got 10.5 x 320/);
    assert.throws(() => lineChartSpec([], { yScale: 'log', yRange: [0, 1] }), /a log y scale needs yRange above 0, got \[0, 1\]/);
    assert.throws(() => stackCharts([]), /stackCharts: give at least one chart/);
  });
});
