// Seeded procedural backgrounds for synthetic detection scenes, so a detector has to tell digits from clutter
// rather than from a flat colour: multi-octave value noise (clouds, marble), stripes at a random angle and
// period, and checkerboards, each between two nearby random colours, with a little pixel noise on top.
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import { resize } from '../data/transforms-geometry.js';

/** Largest difference per channel between a texture's two colours. */
const MAX_COLOUR_SPREAD = 0.45;

export type TextureKind = 'noise' | 'stripes' | 'checker';
export const TEXTURE_KINDS: readonly TextureKind[] = ['noise', 'stripes', 'checker'];

/** Value noise in [0, 1]: random values on coarse grids, upsampled bilinearly, halving in weight per octave. */
function valueNoise(width: number, height: number, generator: Generator): Float32Array {
  const out = new Float32Array(width * height);
  const cells = 2 + generator.randint(6);
  let weight = 1;
  let total = 0;
  for (let octave = 0, n = cells; octave < 3; octave++, n *= 2, weight /= 2) {
    const grid = new Float32Array((n + 1) * (n + 1));
    generator.fillUniform(grid);
    const up = resize(new Tensor(grid, [n + 1, n + 1, 1]), [height, width]).data;
    for (let i = 0; i < out.length; i++) out[i] += weight * up[i];
    total += weight;
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/** A periodic pattern in [0, 1]: soft stripes (a raised sine) or a checkerboard, rotated by a random angle. */
function pattern(kind: 'stripes' | 'checker', width: number, height: number, generator: Generator): Float32Array {
  const out = new Float32Array(width * height);
  const angle = generator.uniform(0, Math.PI);
  const period = generator.uniform(6, Math.max(8, Math.min(width, height) / 3));
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x * c + y * s) / period;
      const v = (-x * s + y * c) / period;
      out[y * width + x] = kind === 'stripes' ? 0.5 + 0.5 * Math.sin(2 * Math.PI * u) : (Math.floor(u) + Math.floor(v)) & 1;
    }
  }
  return out;
}

/** An RGB texture [height, width, 3] in [0, 1], of the given kind or one drawn at random. */
export function proceduralTexture(width: number, height: number, generator: Generator, kind?: TextureKind): Tensor {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`proceduralTexture: width and height must be positive integers, got ${width} x ${height}`);
  }
  if (kind !== undefined && !TEXTURE_KINDS.includes(kind)) throw new Error(`proceduralTexture: kind must be one of ${TEXTURE_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const chosen = kind ?? TEXTURE_KINDS[generator.randint(TEXTURE_KINDS.length)];
  const mix = chosen === 'noise' ? valueNoise(width, height, generator) : pattern(chosen, width, height, generator);
  // The second colour stays near the first, so a digit in a colour far from both stands out on any pattern.
  const a = [generator.random(), generator.random(), generator.random()];
  const b = a.map((v) => Math.min(1, Math.max(0, v + generator.uniform(-MAX_COLOUR_SPREAD, MAX_COLOUR_SPREAD))));
  const grain = generator.uniform(0, 0.06);
  const out = new Float32Array(width * height * 3);
  for (let i = 0; i < mix.length; i++) {
    for (let ch = 0; ch < 3; ch++) {
      const value = a[ch] + (b[ch] - a[ch]) * mix[i] + grain * (generator.random() - 0.5);
      out[3 * i + ch] = Math.min(1, Math.max(0, value));
    }
  }
  return new Tensor(out, [height, width, 3]);
}
