// Detections drawn onto a copy of the image: each box outlined in its class's colour (matplotlib's tab10,
// by class id) with a filled tag above it reading "label 0.87" in the 5x7 bitmap font, scaled with the
// image so the tag stays legible on a 1920 px photo. Plain pixel loops on 8-bit RGB: no canvas needed.
import { checkRawImage, convertChannels, type RawImage } from '../data/image.js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, GLYPH_ADVANCE, glyphPixel, textWidth } from '../data/bitmap-font.js';
import { TAB10 } from '../data/palette.js';
import type { DetectedBox } from './detect.js';

export interface DrawDetectionsOptions {
  /** Outline width in pixels (default: 1/300 of the shorter side, at least 2). */
  lineWidth?: number;
  /** Font pixel size in image pixels (default: 1/250 of the shorter side, at least 2). */
  fontScale?: number;
}

/** An RGB copy of `image` with the detections drawn on it. */
export function drawDetections(image: RawImage, detections: readonly DetectedBox[], options: DrawDetectionsOptions = {}): RawImage {
  checkRawImage(image, 'drawDetections');
  const rgb = convertChannels(image, 3);
  const out: RawImage = { ...rgb, data: new Uint8Array(rgb.data) };
  const { width, height } = out;
  const short = Math.min(width, height);
  const line = options.lineWidth ?? Math.max(2, Math.round(short / 300));
  const font = options.fontScale ?? Math.max(2, Math.round(short / 250));
  const fill = (x1: number, y1: number, x2: number, y2: number, [r, g, b]: readonly number[]) => {
    const [xa, xb] = [Math.max(0, Math.round(x1)), Math.min(width, Math.round(x2))];
    const [ya, yb] = [Math.max(0, Math.round(y1)), Math.min(height, Math.round(y2))];
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        const i = (y * width + x) * 3;
        out.data[i] = r;
        out.data[i + 1] = g;
        out.data[i + 2] = b;
      }
    }
  };
  for (const d of detections) {
    const colour = TAB10[((d.classId % TAB10.length) + TAB10.length) % TAB10.length];
    const [x1, y1, x2, y2] = d.box;
    fill(x1 - line, y1 - line, x2 + line, y1, colour);
    fill(x1 - line, y2, x2 + line, y2 + line, colour);
    fill(x1 - line, y1, x1, y2, colour);
    fill(x2, y1, x2 + line, y2, colour);
    const text = `${d.label} ${d.score.toFixed(2)}`;
    const pad = font;
    const tagW = textWidth(text) * font + 2 * pad;
    const tagH = GLYPH_HEIGHT * font + 2 * pad;
    // Above the box, or inside its top edge when the box touches the image's top.
    const top = y1 - line - tagH >= 0 ? y1 - line - tagH : y1;
    const left = Math.min(Math.max(0, x1 - line), Math.max(0, width - tagW));
    fill(left, top, left + tagW, top + tagH, colour);
    for (let k = 0; k < text.length; k++) {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if (!glyphPixel(text[k], col, row)) continue;
          const gx = left + pad + (k * GLYPH_ADVANCE + col) * font;
          const gy = top + pad + row * font;
          fill(gx, gy, gx + font, gy + font, [255, 255, 255]);
        }
      }
    }
  }
  return out;
}
