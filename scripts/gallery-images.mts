// Draws the two licence-free pictures the style-transfer gallery uses, as SVG rendered by sharp: a flat
// landscape (content) and a swirling brush-stroke painting in night blues and yellows (style). The machines
// this project runs on have neither skimage's photos nor The Starry Night, so the gallery makes its own.
// Usage: node --import tsx scripts/gallery-images.mts <out-folder>
import sharp from 'sharp';
import { join } from 'node:path';
import { Generator } from '../src/index.js';

const out = process.argv[2] ?? 'docs/images';
const g = new Generator(2026);
const W = 256;
const H = 192;

function landscape(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="${W}" height="${H}" fill="#9cc9ea"/>
  <circle cx="200" cy="44" r="22" fill="#ffd84a"/>
  <path d="M0 130 Q 60 90 130 125 T 256 115 V 192 H 0 Z" fill="#5f9e45"/>
  <path d="M0 160 Q 90 135 170 158 T 256 150 V 192 H 0 Z" fill="#3f7a32"/>
  <rect x="70" y="104" width="56" height="42" fill="#d9c7a3"/>
  <path d="M62 106 L98 78 L134 106 Z" fill="#a8422f"/>
  <rect x="90" y="122" width="14" height="24" fill="#6b4226"/>
  <rect x="110" y="112" width="10" height="10" fill="#fdf6d0"/>
  <rect x="176" y="112" width="8" height="40" fill="#6b4226"/>
  <circle cx="180" cy="104" r="20" fill="#2f6b2a"/>
</svg>`;
}

/** Flow direction at (x, y): the sum of a few vortices, as in the painting's sky. */
function flow(x: number, y: number, vortices: Array<[number, number, number]>): [number, number] {
  let u = 0.6;
  let v = 0;
  for (const [cx, cy, s] of vortices) {
    const dx = x - cx;
    const dy = y - cy;
    const r2 = dx * dx + dy * dy + 200;
    u += (-s * dy * 40) / r2;
    v += (s * dx * 40) / r2;
  }
  const n = Math.hypot(u, v) || 1;
  return [u / n, v / n];
}

function strokes(): string {
  const palette = ['#0b1f4d', '#16367a', '#2456a6', '#3f7cc7', '#7fb2e5', '#e8d66a', '#f4e9a8', '#1a2c3a'];
  const vortices: Array<[number, number, number]> = [[70, 70, 1], [180, 60, -1], [200, 180, 1], [60, 190, -1]];
  const paths: string[] = [];
  for (let i = 0; i < 2200; i++) {
    let x = g.uniform(-10, W + 10);
    let y = g.uniform(-10, W + 10);
    const near = vortices.some(([cx, cy]) => Math.hypot(x - cx, y - cy) < 28);
    const colour = near && g.uniform(0, 1) < 0.7 ? palette[5 + Math.floor(g.uniform(0, 2))] : palette[Math.floor(g.uniform(0, palette.length))];
    let d = `M${x.toFixed(1)} ${y.toFixed(1)}`;
    for (let k = 0; k < 6; k++) {
      const [u, v] = flow(x, y, vortices);
      x += u * 3.5;
      y += v * 3.5;
      d += ` L${x.toFixed(1)} ${y.toFixed(1)}`;
    }
    paths.push(`<path d="${d}" stroke="${colour}" stroke-width="${g.uniform(2, 4.5).toFixed(1)}" fill="none" stroke-linecap="round"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${W}"><rect width="${W}" height="${W}" fill="#10214a"/>${paths.join('')}</svg>`;
}

await sharp(Buffer.from(landscape())).png().toFile(join(out, 'style-content-landscape.png'));
await sharp(Buffer.from(strokes())).png().toFile(join(out, 'style-strokes.png'));
console.log(`wrote ${join(out, 'style-content-landscape.png')} and ${join(out, 'style-strokes.png')}`);
