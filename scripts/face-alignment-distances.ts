// What alignment does to descriptor distances, on face-api's six sample photos (group photos: the faces in
// one photo are different people). Each photo is also rotated (10 and 20 degrees), halved in size and
// re-encoded as JPEG quality 60; every face found again in a copy (its box centre where the transform puts
// it) gives a same-person distance, every pair of faces within a photo a different-person distance. Run for
// dlib's similarity-aligned chip and for face-api's upright box crop.
//
//     node --import tsx scripts/face-alignment-distances.ts [--json]
import { join } from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { decodeImage, loadFaceModels } from '../src/node/index.js';
import { describeFaces, euclideanDistance, type DescribedFace, type FaceAlignment } from '../src/face/index.js';

const PHOTOS = join(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'), '..', 'demo');
const NAMES = ['sample1', 'sample2', 'sample3', 'sample4', 'sample5', 'sample6'];

interface Copy {
  name: string;
  bytes: (file: string) => Promise<Buffer>;
  /** Where a point of the original lands in the copy. */
  map: (x: number, y: number, w: number, h: number) => [number, number];
}

function rotation(degrees: number): Copy {
  const t = (degrees * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  return {
    name: `rotated ${degrees} deg`,
    bytes: (file) => sharp(file).rotate(degrees, { background: '#000000' }).png().toBuffer(),
    // sharp turns clockwise and grows the canvas to hold the whole image, centre on centre.
    map: (x, y, w, h) => {
      const [cw, ch] = [Math.abs(w * c) + Math.abs(h * s), Math.abs(w * s) + Math.abs(h * c)];
      const [dx, dy] = [x - w / 2, y - h / 2];
      return [cw / 2 + dx * c - dy * s, ch / 2 + dx * s + dy * c];
    },
  };
}

const COPIES: Copy[] = [
  rotation(10),
  rotation(20),
  { name: 'half size', bytes: async (file) => sharp(file).resize({ width: Math.round((await sharp(file).metadata()).width! / 2) }).png().toBuffer(), map: (x, y) => [x / 2, y / 2] },
  { name: 'JPEG q60', bytes: (file) => sharp(file).jpeg({ quality: 60 }).toBuffer(), map: (x, y) => [x, y] },
];

const centre = (f: DescribedFace): [number, number] => [(f.box[0] + f.box[2]) / 2, (f.box[1] + f.box[3]) / 2];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length, max: s[s.length - 1], min: s[0], atMostThreshold: s.filter((d) => d <= 0.6).length };
};

const models = await loadFaceModels();
const results: Record<string, Record<string, ReturnType<typeof stats>>> = {};
for (const alignment of ['dlib', 'box'] as FaceAlignment[]) {
  const same: Record<string, number[]> = Object.fromEntries(COPIES.map((c) => [c.name, []]));
  const different: number[] = [];
  let missed = 0;
  for (const name of NAMES) {
    const file = join(PHOTOS, `${name}.jpg`);
    const original = await describeFaces(await decodeImage(await sharp(file).png().toBuffer(), { channels: 3 }), models, { alignment });
    const meta = await sharp(file).metadata();
    for (let i = 0; i < original.length; i++) for (let j = i + 1; j < original.length; j++) different.push(euclideanDistance(original[i].descriptor, original[j].descriptor));
    for (const copy of COPIES) {
      const found = await describeFaces(await decodeImage(await copy.bytes(file), { channels: 3 }), models, { alignment });
      for (const face of original) {
        const [px, py] = copy.map(...centre(face), meta.width!, meta.height!);
        const size = (face.box[2] - face.box[0]) * (copy.name === 'half size' ? 0.5 : 1);
        const match = found.find((f) => Math.hypot(centre(f)[0] - px, centre(f)[1] - py) < 0.3 * size);
        if (match) same[copy.name].push(euclideanDistance(face.descriptor, match.descriptor));
        else missed++;
      }
    }
  }
  results[alignment] = { ...Object.fromEntries(Object.entries(same).map(([k, v]) => [`same face, ${k}`, stats(v)])), 'different people (same photo)': stats(different) };
  if (missed) console.error(`${alignment}: ${missed} faces not found again in a copy`);
}

if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else {
  console.log('| Euclidean distance | dlib chip: mean / max (<= 0.6) | box crop: mean / max (<= 0.6) |');
  console.log('|---|---|---|');
  for (const row of Object.keys(results.dlib)) {
    const f = (a: string) => { const s = results[a][row]; return `${s.mean.toFixed(3)} / ${(row.startsWith('different') ? s.min : s.max).toFixed(3)}${row.startsWith('different') ? ' min' : ''} (${s.atMostThreshold} of ${s.n})`; };
    console.log(`| ${row} | ${f('dlib')} | ${f('box')} |`);
  }
}
