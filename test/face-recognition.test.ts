// Alignment, verification and identification: dlib's chip transform recovered exactly from landmarks made
// through a known similarity, the chip's sampling checked on an image whose pixels are their own coordinates,
// face-api's box crop by hand, verify's distances and decisions, and an enrol-then-identify round trip on a
// face-api sample photo against a rotated, shrunk, re-encoded copy, with one face left out as the stranger.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { decodeImage, loadFaceModels } from '../src/node/index.js';
import type { RawImage } from '../src/data/image.js';
import {
  similarityTransform, faceChipTransform, faceChipTemplate, faceChip, alignedBox, verify, identify, describeFaces,
  MemoryFaceGallery, DEFAULT_THRESHOLDS, euclideanDistance, type FaceModels, type Point, type SimilarityTransform,
} from '../src/face/index.js';

const PHOTO = fileURLToPath(new URL('../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url));
const apply = ({ a, b, tx, ty }: SimilarityTransform, [x, y]: Point): [number, number] => [a * x - b * y + tx, b * x + a * y + ty];
const close = (actual: number, expected: number, tol: number, what: string) => assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

/** 68 landmarks whose chip points are dlib's template (size 150, padding 0.25) through `t`; the rest junk. */
function landmarksThrough(t: SimilarityTransform): Point[] {
  const { indices, points } = faceChipTemplate();
  const out: Point[] = Array.from({ length: 68 }, () => [-999, 999]);
  indices.forEach((landmark, k) => (out[landmark] = apply(t, points[k])));
  return out;
}

describe('similarity transforms', () => {
  it('least squares recovers a rotation, scale and translation exactly; a reflection cannot be fitted', () => {
    const t = { a: 2 * Math.cos(0.5), b: 2 * Math.sin(0.5), tx: 30, ty: -7 };
    const from: Point[] = [[0, 0], [10, 0], [3, 8], [-4, 5]];
    const fit = similarityTransform(from, from.map((p) => apply(t, p)));
    for (const k of ['a', 'b', 'tx', 'ty'] as const) close(fit[k], t[k], 1e-12, k);
    const mirrored = similarityTransform([[-1, 0], [1, 0], [0, 1], [0, -1]], [[1, 0], [-1, 0], [0, 1], [0, -1]]);
    close(Math.hypot(mirrored.a, mirrored.b), 0, 1e-12, 'the best similarity to a mirror image collapses to the centre');
    assert.throws(() => similarityTransform([[1, 1], [1, 1]], [[0, 0], [2, 2]]), /similarityTransform: the source points all coincide/);
  });

  it('dlib\'s template: 33 landmarks (27-54, 60-64) at (padding + mean) / (1 + 2 padding) * size', () => {
    const { indices, points } = faceChipTemplate({ size: 100, padding: 0 });
    assert.equal(indices.length, 33);
    assert.deepEqual([indices[0], indices[27], indices[28], indices[32]], [27, 54, 60, 64]);
    close(points[0][0], 49.0127, 1e-9, 'nose bridge x (dlib mean 0.490127)'); // landmark 27
    close(points[0][1], 20.3352, 1e-9, 'nose bridge y (0.203352)');
    const padded = faceChipTemplate({ size: 150, padding: 0.25 }).points[0];
    close(padded[0], ((0.25 + 0.490127) / 1.5) * 150, 1e-9, 'padded x');
  });

  it('the chip transform of landmarks made through a known similarity is that similarity (other points ignored)', () => {
    const t = { a: 1.6 * Math.cos(-0.3), b: 1.6 * Math.sin(-0.3), tx: 400, ty: 250 };
    const fit = faceChipTransform(landmarksThrough(t));
    for (const k of ['a', 'b', 'tx', 'ty'] as const) close(fit[k], t[k], 1e-9, k);
  });
});

describe('faceChip sampling', () => {
  // R = x, G = y (a 256 x 256 ramp), B = 7: bilinear sampling, and averaging samples, reproduce a linear image exactly.
  const ramp: RawImage = { width: 256, height: 256, channels: 3, data: new Uint8Array(256 * 256 * 3) };
  for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) ramp.data.set([x, y, 7], (y * 256 + x) * 3);

  for (const scale of [0.8, 1.7]) {
    it(`at scale ${scale} (${Math.ceil(scale) ** 2} samples per pixel) each chip pixel holds the image value where the transform puts it`, () => {
      const t = { a: scale * Math.cos(0.2), b: scale * Math.sin(0.2), tx: 60, ty: 20 };
      const chip = faceChip(ramp, landmarksThrough(t), { size: 150 }).data;
      let checked = 0;
      for (let y = 0; y < 150; y += 7) {
        for (let x = 0; x < 150; x += 7) {
          const [ix, iy] = apply(t, [x, y]);
          if (ix < 1 || iy < 1 || ix > 254 || iy > 254) continue; // the samples around it all inside
          close(chip[(y * 150 + x) * 3], ix, 1e-3, `R at chip (${x}, ${y})`);
          close(chip[(y * 150 + x) * 3 + 1], iy, 1e-3, `G at chip (${x}, ${y})`);
          close(chip[(y * 150 + x) * 3 + 2], 7, 1e-4, 'B');
          checked++;
        }
      }
      assert.ok(checked > 100, `${checked} pixels checked`);
    });
  }

  it('zero outside the image; bad input named', () => {
    const far = faceChip(ramp, landmarksThrough({ a: 1, b: 0, tx: 5000, ty: 5000 }));
    assert.equal(Math.max(...far.data), 0);
    assert.throws(() => faceChip(ramp, [[1, 2]]), /faceChipTransform: expects 68 landmarks as \[x, y\] pairs of finite numbers, got 1 entries/);
    assert.throws(() => faceChip(ramp, landmarksThrough({ a: 1, b: 0, tx: 0, ty: 0 }), { size: 0 }), /faceChip: size must be a positive integer, got 0/);
    assert.throws(() => faceChip({ ...ramp, channels: 1, data: new Uint8Array(256 * 256) }, landmarksThrough({ a: 1, b: 0, tx: 0, ty: 0 })), /faceChip: expects an RGB image \(3 channels\), got 1/);
  });
});

describe('face-api\'s box crop (alignedBox)', () => {
  it('size = floor(mean eye-to-mouth distance / 0.45), placed at 0.5 and 0.43 of it from the centre of eyes and mouth', () => {
    const points: Point[] = Array.from({ length: 68 }, () => [0, 0]);
    for (let i = 36; i < 42; i++) points[i] = [100, 100]; // left eye centre
    for (let i = 42; i < 48; i++) points[i] = [160, 100]; // right eye centre
    for (let i = 48; i < 68; i++) points[i] = [130, 140]; // mouth centre
    // eye to mouth: hypot(30, 40) = 50 -> size floor(50 / 0.45) = 111; centre (130, 113.33)
    assert.deepEqual(alignedBox(points), { x: Math.floor(130 - 55.5), y: Math.floor(340 / 3 - 0.43 * 111), width: 111, height: 111 });
  });
});

describe('verify', () => {
  const a = Float32Array.from([0, 0, 0]);
  const b = Float32Array.from([0, 0.5, 0]); // 0.5 away, exactly
  it('Euclidean with dlib\'s 0.6 by default; at or below the threshold is the same person', () => {
    assert.deepEqual(verify(a, b), { distance: 0.5, threshold: 0.6, same: true });
    assert.deepEqual(verify(a, b, { threshold: 0.5 }), { distance: 0.5, threshold: 0.5, same: true });
    assert.deepEqual(verify(a, b, { threshold: 0.4 }), { distance: 0.5, threshold: 0.4, same: false });
  });
  it('cosine: 1 - cos, with its own default threshold', () => {
    const r = verify([1, 0], [1, 1], { metric: 'cosine' });
    close(r.distance, 1 - Math.SQRT1_2, 1e-15, 'cosine distance');
    assert.equal(r.threshold, DEFAULT_THRESHOLDS.cosine);
    assert.equal(r.same, false);
  });
  it('bad input is named', () => {
    assert.throws(() => verify(a, [1, 2]), /verify: descriptors of different lengths \(3 and 2\)/);
    assert.throws(() => verify(a, b, { metric: 'l1' as never }), /verify: metric must be 'euclidean' or 'cosine', got "l1"/);
    assert.throws(() => verify(a, b, { threshold: -1 }), /verify: threshold must be a finite number >= 0, got -1/);
    assert.throws(() => verify(a, [0, NaN, 0]), /verify: descriptor element 1 is NaN/);
  });
});

describe('describeFaces and identify on a face-api sample photo', () => {
  let models: FaceModels;
  let original: RawImage;
  let copy: RawImage;
  // The copy: rotated 8 degrees clockwise (canvas grown), shrunk to 75%, re-encoded as JPEG quality 75.
  const ANGLE = (8 * Math.PI) / 180;
  const toCopy = ([x, y]: Point): Point => {
    const [w, h] = [original.width, original.height];
    const [cw, ch] = [w * Math.cos(ANGLE) + h * Math.sin(ANGLE), w * Math.sin(ANGLE) + h * Math.cos(ANGLE)];
    const [dx, dy] = [x - w / 2, y - h / 2];
    return [0.75 * (cw / 2 + dx * Math.cos(ANGLE) - dy * Math.sin(ANGLE)), 0.75 * (ch / 2 + dx * Math.sin(ANGLE) + dy * Math.cos(ANGLE))];
  };
  const centre = (box: number[]): Point => [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];

  before(async () => {
    models = await loadFaceModels();
    original = await decodeImage(await sharp(PHOTO).png().toBuffer(), { channels: 3 });
    const rotated = await sharp(PHOTO).rotate(8, { background: '#000000' }).png().toBuffer();
    const meta = await sharp(rotated).metadata();
    copy = await decodeImage(await sharp(rotated).resize(Math.round(meta.width! * 0.75), Math.round(meta.height! * 0.75), { fit: 'fill' }).jpeg({ quality: 75 }).toBuffer(), { channels: 3 });
  });

  it('three faces, each with a box, a score, 68 landmarks inside its box and a 128-d descriptor', async () => {
    const faces = await describeFaces(original, models);
    assert.equal(faces.length, 3);
    for (const f of faces) {
      assert.ok(f.score > 0.9);
      assert.equal(f.landmarks.length, 68);
      const inside = f.landmarks.filter(([x, y]) => x >= f.box[0] - 5 && x <= f.box[2] + 5 && y >= f.box[1] - 5 && y <= f.box[3] + 5);
      assert.ok(inside.length >= 64, `${inside.length} of 68 landmarks in the box`);
      assert.equal(f.descriptor.length, 128);
    }
  });

  it('enrolled from the photo, every face is found again in the copy; the face left out comes back unknown', async (t) => {
    const enrolled = await describeFaces(original, models);
    const stranger = 2;
    const gallery = new MemoryFaceGallery();
    enrolled.forEach((f, i) => i !== stranger && gallery.add(`p${i}`, `person ${i}`, f.descriptor));
    const found = await identify(copy, gallery, models, { k: 2 });
    assert.equal(found.length, 3, 'all three faces detected in the copy');
    for (const [i, face] of enrolled.entries()) {
      const [px, py] = toCopy(centre(face.box));
      const there = found.find((f) => Math.hypot(centre(f.box)[0] - px, centre(f.box)[1] - py) < 30);
      assert.ok(there, `face ${i} found where the copy's transform puts it`);
      t.diagnostic(`face ${i}: nearest ${there.candidates[0].name} at ${there.candidates[0].distance.toFixed(3)}, next ${there.candidates[1]?.distance.toFixed(3)}`);
      if (i === stranger) assert.equal(there.match, null, `the stranger is unknown (nearest ${there.candidates[0].distance})`);
      else assert.equal(there.match?.id, `p${i}`);
    }
  });

  it('given boxes, describeFaces describes those faces instead of detecting; errors name the function', async () => {
    const detected = await describeFaces(original, models);
    const given = await describeFaces(original, models, { faces: [detected[1]] });
    assert.equal(given.length, 1);
    assert.deepEqual(given[0].box, detected[1].box);
    // One face per batch instead of three: the same numbers up to float32 summation order.
    assert.ok(euclideanDistance(given[0].descriptor, detected[1].descriptor) < 1e-5);
    await assert.rejects(describeFaces(original, models, { alignment: 'warp' as never }), /describeFaces: alignment must be 'dlib' or 'box', got "warp"/);
    await assert.rejects(describeFaces({ width: 2, height: 2, channels: 4, data: new Uint8Array(16) }, models), /describeFaces: expects an RGB image \(3 channels\), got 4/);
    await assert.rejects(identify(original, new MemoryFaceGallery(), models, { k: 0 }), /identify: k must be a positive integer, got 0/);
  });
});
