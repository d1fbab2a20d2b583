// Tiles laid out in rows on one picture with a title and row/column labels: the layout of every viz figure
// (top patches, feature maps, filters). The pixels are a tensor; the labels are text with positions, drawn
// by whoever writes the file (src/node/image-grid-files.ts renders them as SVG text with sharp).
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

export interface GridLabel {
  text: string;
  /** Pixel position of the text's baseline start (or centre, for anchor 'middle'). */
  x: number;
  y: number;
  /** Font size in pixels. */
  size: number;
  anchor: 'start' | 'middle';
}

export interface ImageGrid {
  /** RGB [H, W, 3] in [0, 1]. */
  image: Tensor;
  labels: GridLabel[];
}

export interface ImageGridOptions {
  title?: string;
  /** One per row, drawn left of it. */
  rowLabels?: readonly string[];
  /** One per tile, drawn under it (rows x columns, row-major). */
  tileLabels?: readonly string[];
  /** Each tile pixel becomes scale x scale pixels (nearest), default 1. */
  scale?: number;
  /** Pixels between tiles (default 3). */
  gap?: number;
  /** Grey level of the background and the gaps, in [0, 1] (default 0.6: apart from both white strokes and black ground). */
  background?: number;
}

const FONT = 12;
const CHAR_WIDTH = 7; // a generous average advance of a 12 px sans-serif glyph, to size the label column

/** Rows of tiles (each [h, w, 1] or [h, w, 3] in [0, 1], all the same size) as one labelled RGB picture. */
export function imageGrid(rows: readonly (readonly Tensor[])[], options: ImageGridOptions = {}): ImageGrid {
  const { title, rowLabels, tileLabels, scale = 1, gap = 3, background = 0.6 } = options;
  const tiles = rows.flat();
  if (tiles.length === 0) throw new Error('imageGrid: no tiles');
  const [h, w] = tiles[0].shape;
  for (const t of tiles) {
    if (t.ndim !== 3 || t.shape[0] !== h || t.shape[1] !== w || (t.shape[2] !== 1 && t.shape[2] !== 3)) {
      throw new Error(`imageGrid: every tile must be [${h}, ${w}, 1 or 3] like the first, got ${formatShape(t.shape)}`);
    }
  }
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`imageGrid: scale must be a positive integer, got ${scale}`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`imageGrid: gap must be a non-negative integer, got ${gap}`);
  if (rowLabels && rowLabels.length !== rows.length) throw new Error(`imageGrid: ${rowLabels.length} row labels for ${rows.length} rows`);
  if (tileLabels && tileLabels.length !== tiles.length) throw new Error(`imageGrid: ${tileLabels.length} tile labels for ${tiles.length} tiles`);
  const columns = Math.max(...rows.map((r) => r.length));
  const tileH = h * scale;
  const tileW = w * scale;
  const left = rowLabels ? Math.max(...rowLabels.map((l) => l.length)) * CHAR_WIDTH + 2 * gap + 4 : gap;
  const top = title ? FONT + 8 : gap;
  const rowH = tileH + gap + (tileLabels ? FONT + 2 : 0);
  const width = Math.max(left + columns * (tileW + gap), title ? title.length * CHAR_WIDTH + 8 : 0);
  const height = top + rows.length * rowH;
  const out = new Float32Array(width * height * 3).fill(background);
  const labels: GridLabel[] = [];
  if (title) labels.push({ text: title, x: 4, y: FONT + 2, size: FONT, anchor: 'start' });
  rows.forEach((row, r) => {
    const y0 = top + r * rowH;
    if (rowLabels) labels.push({ text: rowLabels[r], x: gap + 2, y: y0 + Math.min(tileH, FONT + (tileH - FONT) / 2), size: FONT, anchor: 'start' });
    row.forEach((tile, c) => {
      const x0 = left + c * (tileW + gap);
      const data = tile.to('float32').data;
      const channels = tile.shape[2];
      for (let y = 0; y < tileH; y++) {
        for (let x = 0; x < tileW; x++) {
          const src = (Math.floor(y / scale) * w + Math.floor(x / scale)) * channels;
          const dst = ((y0 + y) * width + x0 + x) * 3;
          for (let k = 0; k < 3; k++) out[dst + k] = Math.min(1, Math.max(0, data[src + (channels === 3 ? k : 0)]));
        }
      }
      const label = tileLabels?.[rows.slice(0, r).reduce((n, rr) => n + rr.length, 0) + c];
      if (label) labels.push({ text: label, x: x0 + tileW / 2, y: y0 + tileH + FONT, size: FONT - 2, anchor: 'middle' });
    });
  });
  return { image: new Tensor(out, [height, width, 3]), labels };
}
