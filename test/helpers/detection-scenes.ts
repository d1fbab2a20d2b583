// A tiny synthetic detection set for tests: coloured squares on dark noise, the colour is the class (red 0,
// green 1). Targets come as a detection dataset's batches do: y [M, 6] rows (image in batch, class, cx, cy, w, h).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tensor } from '../../src/index.js';
import { writeImage } from '../../src/node/image-io.js';
import type { Batch, Dataset, Indices, Sample } from '../../src/data/dataset.js';

const COLOURS = [
  [1, 0.1, 0.1],
  [0.1, 1, 0.1],
];

interface Scene {
  pixels: Float32Array;
  rows: number[][];
}

export class SquareScenes implements Dataset {
  private readonly scenes: Scene[];

  constructor(
    readonly count: number,
    readonly size: number,
    seed: number,
  ) {
    let state = seed >>> 0 || 1;
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    this.scenes = Array.from({ length: count }, () => {
      const pixels = new Float32Array(size * size * 3);
      for (let i = 0; i < pixels.length; i++) pixels[i] = 0.2 * random();
      const rows: number[][] = [];
      const objects = 1 + Math.floor(random() * 2);
      for (let k = 0; k < objects; k++) {
        const cls = Math.floor(random() * 2);
        const side = Math.round(size * (0.2 + 0.15 * random()));
        // Two objects sit in different halves so they never overlap.
        const half = objects === 2 ? k : Math.floor(random() * 2);
        const x0 = Math.floor(half * (size / 2) + random() * (size / 2 - side));
        const y0 = Math.floor(random() * (size - side));
        for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) pixels.set(COLOURS[cls], (y * size + x) * 3);
        rows.push([cls, (x0 + side / 2) / size, (y0 + side / 2) / size, side / size, side / size]);
      }
      return { pixels, rows };
    });
  }

  get length(): number {
    return this.count;
  }

  get(index: number): Sample {
    const s = this.scenes[index];
    return { x: new Tensor(s.pixels.slice(), [this.size, this.size, 3]), y: new Tensor(Float32Array.from(s.rows.flat()), [s.rows.length, 5]) };
  }

  getBatch(indices: Indices): Batch {
    const per = this.size * this.size * 3;
    const x = new Float32Array(indices.length * per);
    const rows: number[] = [];
    Array.from(indices).forEach((index, b) => {
      x.set(this.scenes[index].pixels, b * per);
      for (const row of this.scenes[index].rows) rows.push(b, ...row);
    });
    return { x: new Tensor(x, [indices.length, this.size, this.size, 3]), y: new Tensor(Float32Array.from(rows), [rows.length / 6, 6]) };
  }
}

/** Write the scenes as an Ultralytics dataset (images/<split>/*.png, labels/<split>/*.txt, data.yaml) under `dir`. */
export async function writeSquareScenes(dir: string, splits: Record<string, SquareScenes>): Promise<string> {
  for (const [split, scenes] of Object.entries(splits)) {
    await mkdir(join(dir, 'images', split), { recursive: true });
    await mkdir(join(dir, 'labels', split), { recursive: true });
    for (let i = 0; i < scenes.length; i++) {
      const { x, y } = scenes.get(i);
      await writeImage(join(dir, 'images', split, `${i}.png`), x);
      const rows = y.toArray() as number[][];
      await writeFile(join(dir, 'labels', split, `${i}.txt`), rows.map((r) => r.map((v, k) => (k === 0 ? String(v) : v.toFixed(6))).join(' ')).join('\n') + '\n');
    }
  }
  const yaml = join(dir, 'data.yaml');
  await writeFile(yaml, `path: .\n${Object.keys(splits).map((s) => `${s}: images/${s}`).join('\n')}\nnames: [red, green]\n`);
  return yaml;
}
