// The labelled pairs a calibration reads: CSV with a header, either `distance,same` (distances computed
// elsewhere) or two image columns and a label (`image_a,image_b,same`; deepface's `file_x,file_y,decision`
// works too). Labels: 1/0, true/false, yes/no, same/different. No quoting: paths may not hold commas.

export type PairsCsvRow = { line: number; same: boolean } & ({ distance: number } | { imageA: string; imageB: string });

const SAME = new Set(['1', 'true', 'yes', 'same', 'y']);
const DIFFERENT = new Set(['0', 'false', 'no', 'different', 'n']);
const LABEL_COLUMNS = ['same', 'decision', 'label', 'match'];

export function parsePairsCsv(text: string, source = 'pairs CSV'): PairsCsvRow[] {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line: i + 1, cells: line.split(',').map((c) => c.trim()) })).filter((l) => l.cells.some((c) => c !== ''));
  if (lines.length < 2) throw new Error(`${source}: needs a header line and at least one pair`);
  const header = lines[0].cells.map((c) => c.toLowerCase());
  const labelColumn = header.findIndex((h) => LABEL_COLUMNS.includes(h));
  if (labelColumn < 0) throw new Error(`${source}:1: no label column (one of ${LABEL_COLUMNS.join(', ')}) in the header ${lines[0].cells.join(',')}`);
  const distanceColumn = header.indexOf('distance');
  const imageColumns = header.map((_, i) => i).filter((i) => i !== labelColumn && i !== distanceColumn).slice(0, 2);
  if (distanceColumn < 0 && imageColumns.length < 2) throw new Error(`${source}:1: the header needs a distance column, or two image columns, besides '${header[labelColumn]}'`);
  return lines.slice(1).map(({ line, cells }) => {
    const where = `${source}:${line}`;
    if (cells.length !== header.length) throw new Error(`${where}: ${cells.length} columns, the header has ${header.length}`);
    const label = cells[labelColumn].toLowerCase();
    if (!SAME.has(label) && !DIFFERENT.has(label)) throw new Error(`${where}: the label '${cells[labelColumn]}' is not one of 1/0, true/false, yes/no, same/different`);
    const same = SAME.has(label);
    if (distanceColumn >= 0) {
      const distance = Number(cells[distanceColumn]);
      if (cells[distanceColumn] === '' || !Number.isFinite(distance)) throw new Error(`${where}: the distance '${cells[distanceColumn]}' is not a finite number`);
      return { line, same, distance };
    }
    const [imageA, imageB] = imageColumns.map((i) => cells[i]);
    if (!imageA || !imageB) throw new Error(`${where}: an image column is empty`);
    return { line, same, imageA, imageB };
  });
}
