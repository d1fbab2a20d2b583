// Reads Vega's SVG back for the chart tests: each line mark's legend label, colour and vertices (one list per
// unbroken piece), and the data values Vega writes into each point's aria-label.

export interface SvgLine {
  label: string | null;
  stroke: string;
  width: number;
  pieces: Array<Array<[number, number]>>;
}

const attr = (tag: string, name: string): string | null => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? null;

function pieces(d: string): Array<Array<[number, number]>> {
  return d
    .split('M')
    .filter((p) => p.trim() !== '')
    .map((p) => p.replace(/Z/g, '').split('L').map((xy) => xy.split(',').map(Number) as [number, number]));
}

export function svgLines(svg: string): SvgLine[] {
  return [...svg.matchAll(/<path [^>]*aria-roledescription="line mark"[^>]*>/g)].map(([tag]) => {
    const label = /label: ([^;]*);/.exec(attr(tag, 'aria-label') ?? '')?.[1] ?? null;
    return { label: label === 'null' ? null : label, stroke: attr(tag, 'stroke')!, width: Number(attr(tag, 'stroke-width')), pieces: pieces(attr(tag, 'd') ?? '') };
  });
}

/** The aria-labels of the point marks ("Epoch: 1; Loss: 1.5; ..."). */
export function svgPointLabels(svg: string): string[] {
  return [...svg.matchAll(/<path [^>]*aria-roledescription="point"[^>]*>/g)].map(([tag]) => attr(tag, 'aria-label')!);
}

/** The one line with this legend label. */
export function lineLabelled(lines: readonly SvgLine[], label: string): SvgLine {
  const found = lines.filter((l) => l.label === label);
  if (found.length !== 1) throw new Error(`expected one line labelled '${label}', found ${found.length} (labels: ${lines.map((l) => l.label).join(', ')})`);
  return found[0];
}
