// Writing a viz figure (an ImageGrid) as PNG: the pixels with the labels drawn over them as SVG text,
// which sharp renders (librsvg), so no rasteriser of our own draws glyphs.
import sharp from 'sharp';
import { tensorToImage } from '../data/image.js';
import type { ImageGrid } from '../viz/image-grid.js';
import { atomicWriteFile } from './atomic-write.js';

const escapeXml = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The grid as PNG bytes with its labels. */
export async function encodeImageGrid(grid: ImageGrid): Promise<Uint8Array> {
  const raw = tensorToImage(grid.image);
  const { width, height } = raw;
  const texts = grid.labels.map(
    (l) => `<text x="${l.x}" y="${l.y}" font-size="${l.size}" text-anchor="${l.anchor}" font-family="DejaVu Sans, sans-serif" fill="#000">${escapeXml(l.text)}</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`;
  const png = await sharp(raw.data, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .removeAlpha()
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/** Write the grid as a PNG, atomically. */
export async function writeImageGrid(path: string, grid: ImageGrid): Promise<void> {
  await atomicWriteFile(path, await encodeImageGrid(grid));
}
