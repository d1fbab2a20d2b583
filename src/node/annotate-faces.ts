// A photo with boxes and names drawn on it (convkit faces identify --out): an SVG overlay composited by sharp.
import sharp from 'sharp';
import type { FaceBox } from '../face/face-store.js';

export interface FaceLabel {
  box: FaceBox;
  label: string;
  /** Known faces green, unknown red, by default. */
  known: boolean;
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The photo (any format sharp reads) with each face's box and label, as PNG bytes. */
export async function annotateFaces(photo: Uint8Array, faces: readonly FaceLabel[]): Promise<Uint8Array> {
  const image = sharp(photo).autoOrient();
  const { width, height } = await sharp(await image.clone().png().toBuffer()).metadata();
  const stroke = Math.max(2, Math.round(Math.min(width!, height!) / 300));
  const fontSize = Math.max(12, Math.round(Math.min(width!, height!) / 40));
  const shapes = faces.map(({ box: [x1, y1, x2, y2], label, known }) => {
    const colour = known ? '#20c040' : '#e03030';
    const textY = y1 - stroke * 2 > fontSize ? y1 - stroke * 2 : y2 + fontSize + stroke;
    return `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>` +
      `<text x="${x1}" y="${textY}" font-family="sans-serif" font-size="${fontSize}" fill="${colour}" stroke="black" stroke-width="${stroke / 3}">${escapeXml(label)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
  return new Uint8Array(await image.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toBuffer());
}
