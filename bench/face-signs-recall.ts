// How many sign-bit candidates the face database's first pass must hand on for the answer to be the exact
// one: for each query, the exact k nearest descriptors (float64 Euclidean) and the number of stored
// descriptors whose Hamming distance to the query is at most the largest among those k (ties counted
// against the pass, since sqlite-vec breaks them arbitrarily). SqliteFaceStore hands on 16, for k = 1.
// Sets: the bench's descriptors (N(0, 0.09) entries), look-alike families, strangers, and face-api's real
// descriptors of its six sample photos (22 faces), queried with a rescaled, rotated, re-encoded copy, alone
// and hidden among N synthetic descriptors drawn around the real ones' mean and spread.
//   nice node --import tsx bench/face-signs-recall.ts [--people 100000]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Generator } from '../src/util/random.js';
import { descriptorSigns } from '../src/face/descriptor-signs.js';
import { decodePhoto, faceDescriber, loadFaceModels } from '../src/node/index.js';

const { values } = parseArgs({ options: { people: { type: 'string', default: '100000' } } });
const people = Number(values.people);
const D = 128;
const generator = new Generator(7);
const normal = (std: number, around?: ArrayLike<number>) => {
  const d = new Float32Array(D);
  generator.fillNormal(d, 0, std);
  if (around) d.forEach((v, i) => (d[i] = v + around[i]));
  return d;
};

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => [...i.toString(2)].filter((c) => c === '1').length);
const hamming = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, byte, i) => sum + POPCOUNT[byte ^ b[i]], 0);
const euclidean = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < D; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
};

function report(name: string, stored: Float32Array[], queries: Float32Array[], ks: number[]) {
  const signs = stored.map(descriptorSigns);
  const needed = new Map(ks.map((k) => [k, [] as number[]]));
  for (const query of queries) {
    const querySigns = descriptorSigns(query);
    const bits = signs.map((s) => hamming(querySigns, s));
    const distances = stored.map((d) => euclidean(query, d));
    const order = distances.map((_, i) => i).sort((a, b) => distances[a] - distances[b]);
    for (const k of ks) {
      const worst = Math.max(...order.slice(0, k).map((i) => bits[i]));
      needed.get(k)!.push(bits.filter((b) => b <= worst).length);
    }
  }
  for (const [k, counts] of needed) {
    counts.sort((a, b) => a - b);
    const at = (p: number) => counts[Math.min(counts.length - 1, Math.floor(p * counts.length))];
    const within16 = counts.filter((c) => c <= 16).length;
    console.log(`${name}, exact top-${k}: candidates needed p50 ${at(0.5)}, p99 ${at(0.99)}, max ${counts[counts.length - 1]}; within 16: ${within16}/${counts.length}`);
  }
}

const bench = Array.from({ length: people }, () => normal(0.09));
const some = (n: number) => Array.from({ length: n }, () => bench[generator.randint(people)]);
report(`${people} bench descriptors, same person ~0.34 away`, bench, some(200).map((d) => normal(0.03, d)), [1, 5]);
report(`${people} bench descriptors, same person ~0.57 away`, bench, some(200).map((d) => normal(0.05, d)), [1]);
report(`${people} bench descriptors, strangers`, bench, Array.from({ length: 100 }, () => normal(0.09)), [1]);
const centres = Array.from({ length: people / 10 }, () => normal(0.09));
const families = Array.from({ length: people }, (_, i) => normal(0.045, centres[i % centres.length]));
report(`${people} look-alikes (families of 10, ~0.72 apart), same person ~0.4 away`, families, Array.from({ length: 200 }, () => normal(0.035, families[generator.randint(people)])), [1, 5]);

// face-api's descriptors of its sample photos, and of a copy at 0.8 scale, rotated 4 degrees, JPEG 80.
const describe = faceDescriber(await loadFaceModels());
const [originals, copies] = [[] as Float32Array[], [] as Float32Array[]];
for (let i = 1; i <= 6; i++) {
  const bytes = await readFile(`node_modules/@vladmandic/face-api/demo/sample${i}.jpg`);
  const { width } = await sharp(bytes).metadata();
  const copy = await sharp(bytes).resize(Math.round(width! * 0.8)).rotate(4, { background: '#808080' }).jpeg({ quality: 80 }).toBuffer();
  originals.push(...(await describe(await decodePhoto(bytes))).map((face) => face.descriptor));
  copies.push(...(await describe(await decodePhoto(copy))).map((face) => face.descriptor));
}
const mean = new Float64Array(D);
for (const d of originals) d.forEach((v, i) => (mean[i] += v / originals.length));
const spread = Math.sqrt(originals.reduce((sum, d) => sum + d.reduce((s, v, i) => s + (v - mean[i]) ** 2, 0), 0) / (originals.length * D));
console.log(`real descriptors: ${originals.length} faces; entries' mean |mean| ${(mean.reduce((s, v) => s + Math.abs(v), 0) / D).toFixed(3)} (largest ${Math.max(...mean.map(Math.abs)).toFixed(3)}), spread ${spread.toFixed(3)}: not centred on 0`);
report(`${originals.length} real faces, queried with their copies`, originals, copies, [1, 3]);
report(`${originals.length} real faces among ${people} drawn around their mean and spread`, [...originals, ...Array.from({ length: people }, () => normal(spread, mean))], copies, [1, 3]);
