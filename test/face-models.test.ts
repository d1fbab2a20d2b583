// face-api's nets ported to ConvKit, against face-api itself (its outputs on its sample photos, made once by
// scripts/make-face-api-fixtures.mjs on TF.js's CPU backend; the photos are read from node_modules): the
// ssd_mobilenetv1 detector's boxes and scores, the full and tiny 68-point landmark nets given face-api's
// boxes, and dlib's descriptor given face-api's crop. Each net is checked twice: its raw output through
// face-api's own post-processing (the ports must compute the same numbers), and the library's coordinates,
// which correct two sub-pixel offsets of face-api's (see landmarkOffsetsOfFaceApi) and must stay within 1 px.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad, stack, ready, setBackend, getBackend } from '../src/index.js';
import { readRawImage, loadFaceApiWeights } from '../src/node/index.js';
import type { RawImage } from '../src/data/image.js';
import {
  SsdMobilenetV1, FaceLandmark68Net, FaceRecognitionNet, ssdFaceCandidates, detectFacesSsd, faceLandmarks,
  clipToImage, squareCrop, euclideanDistance, LANDMARK_INPUT_SIZE, DESCRIPTOR_INPUT_SIZE,
} from '../src/face/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/face-api/', import.meta.url));
const PHOTOS = fileURLToPath(new URL('../node_modules/@vladmandic/face-api/demo/', import.meta.url));

interface FixtureFace {
  box: [number, number, number, number];
  score: number;
  landmarks: Array<[number, number]>;
  tinyLandmarks: Array<[number, number]>;
  descriptorCrop: { x: number; y: number; width: number; height: number };
  descriptor: number[];
}
interface Fixture {
  image: string;
  width: number;
  height: number;
  minConfidence: number;
  faces: FixtureFace[];
}

// The folder also holds other scripts' fixtures (the tiny face detector's): take this script's.
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.slice(0, -5), ...(JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Fixture & { made?: string }) }))
  .filter((f) => f.made === 'scripts/make-face-api-fixtures.mjs');
const images = new Map<string, RawImage>();
const photo = async (name: string): Promise<RawImage> => {
  if (!images.has(name)) images.set(name, await readRawImage(join(PHOTOS, `${name}.jpg`), { channels: 3 }));
  return images.get(name)!;
};

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

let ssd: SsdMobilenetV1;
let full: FaceLandmark68Net;
let tiny: FaceLandmark68Net;
let descriptorNet: FaceRecognitionNet;

before(async () => {
  await ready();
  ssd = SsdMobilenetV1.fromFaceApi(await loadFaceApiWeights('ssd_mobilenetv1_model'));
  full = FaceLandmark68Net.fromFaceApi(await loadFaceApiWeights('face_landmark_68_model'));
  tiny = FaceLandmark68Net.fromFaceApi(await loadFaceApiWeights('face_landmark_68_tiny_model'), { tiny: true });
  descriptorNet = FaceRecognitionNet.fromFaceApi(await loadFaceApiWeights('face_recognition_model'));
});

describe('the fixtures', () => {
  it('cover face-api\'s six sample photos, 22 faces, made by face-api on TF.js\'s CPU backend', () => {
    assert.deepEqual(fixtures.map((f) => f.name), ['sample1', 'sample2', 'sample3', 'sample4', 'sample5', 'sample6']);
    assert.equal(fixtures.reduce((n, f) => n + f.faces.length, 0), 22);
    for (const f of fixtures) assert.equal((f as unknown as { backend: string }).backend, 'cpu');
  });
});

describe('ssd_mobilenetv1 against face-api', () => {
  it('finds the same faces; scores within 1e-3; boxes within 1 px of the 512 input and of the photo', async (t) => {
    let worstScore = 0;
    let worstInput = 0;
    let worstPhoto = 0;
    for (const fx of fixtures) {
      const image = await photo(fx.name);
      const candidates = ssdFaceCandidates(ssd, image, { minConfidence: fx.minConfidence });
      const faces = detectFacesSsd(ssd, image, { minConfidence: fx.minConfidence });
      assert.equal(candidates.length, fx.faces.length, `${fx.name}: number of faces`);
      // face-api's pixels back to [0, 1] of the padded square: it multiplied by 512 / round(side * 512 / max).
      const side = Math.max(image.width, image.height);
      const fx512 = 512 / Math.round((image.width * 512) / side);
      const fy512 = 512 / Math.round((image.height * 512) / side);
      fx.faces.forEach((ref, i) => {
        const [x1, y1, x2, y2] = ref.box;
        const refSquare = [y1 / (fy512 * image.height), x1 / (fx512 * image.width), y2 / (fy512 * image.height), x2 / (fx512 * image.width)];
        worstScore = Math.max(worstScore, Math.abs(candidates[i].score - ref.score));
        worstInput = Math.max(worstInput, maxAbs(candidates[i].box, refSquare) * 512);
        worstPhoto = Math.max(worstPhoto, maxAbs(faces[i].box, ref.box));
      });
    }
    t.diagnostic(`largest differences: score ${worstScore.toExponential(2)}, box ${worstInput.toExponential(2)} px at the input, ${worstPhoto.toFixed(3)} px in the photo`);
    assert.ok(worstScore <= 1e-3, `largest score difference ${worstScore}`);
    assert.ok(worstInput <= 1, `largest box difference at the 512 input ${worstInput} px`);
    assert.ok(worstPhoto <= 1, `largest box difference in the photo ${worstPhoto} px`);
  });
});

/**
 * face-api's landmarks from a net's raw output for a face it cropped at `rect` (FaceLandmark68NetBase
 * .postProcess, then shifted by the unfloored box corner): it assumes the square padding was split evenly
 * (it is round(d / 2) after and the rest before) and shifts by the box's x, y rather than the crop's floor.
 */
function faceApiLandmarks(raw: ArrayLike<number>, box: readonly number[], rect: { width: number; height: number }): number[] {
  const { width: w, height: h } = rect;
  const s = LANDMARK_INPUT_SIZE / Math.max(w, h);
  const padX = w < h ? (Math.abs(w - h) * s) / 2 : 0;
  const padY = h < w ? (Math.abs(w - h) * s) / 2 : 0;
  return Array.from(raw, (v, k) => (k % 2 === 0 ? ((v * LANDMARK_INPUT_SIZE - padX) / s) + box[0] : ((v * LANDMARK_INPUT_SIZE - padY) / s) + box[1]));
}

for (const variant of ['full', 'tiny'] as const) {
  describe(`face_landmark_68 (${variant}) against face-api, given face-api's boxes`, () => {
    it('the raw outputs through face-api\'s post-processing agree within 0.01 px; the library\'s landmarks within 1 px', async (t) => {
      const net = variant === 'full' ? full : tiny;
      let worstRaw = 0;
      let worst = 0;
      for (const fx of fixtures) {
        const image = await photo(fx.name);
        const landmarks = faceLandmarks(net, image, fx.faces.map((f) => f.box));
        for (const [i, face] of fx.faces.entries()) {
          const ref = (variant === 'full' ? face.landmarks : face.tinyLandmarks).flat();
          const rect = clipToImage(face.box, image.width, image.height)!;
          const raw = noGrad(() => net.forward(stack([squareCrop(image, rect, LANDMARK_INPUT_SIZE, 'centre').pixels]))).data;
          worstRaw = Math.max(worstRaw, maxAbs(faceApiLandmarks(raw, face.box, rect), ref));
          worst = Math.max(worst, maxAbs(landmarks[i].flat(), ref));
        }
      }
      t.diagnostic(`largest differences: raw ${worstRaw.toExponential(2)} px, library ${worst.toFixed(3)} px`);
      assert.ok(worstRaw <= 0.01, `largest raw difference ${worstRaw} px`);
      assert.ok(worst <= 1, `largest landmark difference ${worst} px`);
    });
  });
}

describe('dlib\'s descriptor against face-api, given face-api\'s crop', () => {
  it('every face\'s descriptor is within 1e-3 (Euclidean) of face-api\'s', async (t) => {
    let worst = 0;
    for (const fx of fixtures) {
      const image = await photo(fx.name);
      const inputs = fx.faces.map(({ descriptorCrop: c }) => squareCrop(image, clipToImage([c.x, c.y, c.x + c.width, c.y + c.height], image.width, image.height)!, DESCRIPTOR_INPUT_SIZE, 'centre').pixels);
      const out = noGrad(() => descriptorNet.forward(stack(inputs))).data;
      fx.faces.forEach((face, i) => {
        worst = Math.max(worst, euclideanDistance(out.subarray(i * 128, (i + 1) * 128), face.descriptor));
      });
    }
    t.diagnostic(`largest descriptor distance ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-3, `largest descriptor distance ${worst}`);
  });
});

describe('the landmark and descriptor nets agree across backends', () => {
  it('the reference kernels give the wasm results on one face (landmarks within 1e-3 px of the input, descriptors within 1e-4)', async () => {
    const fx = fixtures[0];
    const image = await photo(fx.name);
    const face = fx.faces[0];
    const landmarkInput = stack([squareCrop(image, clipToImage(face.box, image.width, image.height)!, LANDMARK_INPUT_SIZE, 'centre').pixels]);
    const c = face.descriptorCrop;
    const descriptorIn = stack([squareCrop(image, clipToImage([c.x, c.y, c.x + c.width, c.y + c.height], image.width, image.height)!, DESCRIPTOR_INPUT_SIZE, 'centre').pixels]);
    const run = () => noGrad(() => [full.forward(landmarkInput).data, tiny.forward(landmarkInput).data, descriptorNet.forward(descriptorIn).data]);
    const previous = getBackend().name;
    assert.equal(previous, 'wasm');
    const onWasm = run();
    setBackend('js');
    let onJs: ReturnType<typeof run>;
    try {
      onJs = run();
    } finally {
      setBackend(previous);
    }
    assert.ok(maxAbs(onWasm[0], onJs[0]) * LANDMARK_INPUT_SIZE <= 1e-3, 'full landmarks');
    assert.ok(maxAbs(onWasm[1], onJs[1]) * LANDMARK_INPUT_SIZE <= 1e-3, 'tiny landmarks');
    assert.ok(euclideanDistance(onWasm[2], onJs[2]) <= 1e-4, 'descriptor');
  });
});

describe('loading face-api weights: errors name the net and the tensor', () => {
  it('a missing tensor and a wrong shape', async () => {
    const weights = await loadFaceApiWeights('face_landmark_68_tiny_model');
    const { ['fc/bias']: _dropped, ...missing } = weights;
    assert.throws(() => FaceLandmark68Net.fromFaceApi(missing, { tiny: true }), /FaceLandmark68Net \(tiny\): the face-api weights have no tensor 'fc\/bias' \(expected \[136\]\)/);
    assert.throws(() => FaceLandmark68Net.fromFaceApi(weights), /FaceLandmark68Net: the face-api weights have no tensor 'dense0\/conv3\/depthwise_filter'/);
    assert.throws(() => FaceRecognitionNet.fromFaceApi(weights), /FaceRecognitionNet: the face-api weights have no tensor 'conv32_down\/conv\/filters'/);
    await assert.rejects(loadFaceApiWeights('yolo' as never), /loadFaceApiWeights: unknown model "yolo"; face-api's models are ssd_mobilenetv1_model, /);
  });

  it('inputs of the wrong size', () => {
    assert.throws(() => full.forward(stack([squareCrop({ width: 4, height: 4, channels: 3, data: new Uint8Array(48) }, { x: 0, y: 0, width: 4, height: 4 }, 100, 'centre').pixels])), /FaceLandmark68Net: expects RGB pixels \[N, 112, 112, 3\], got \[1, 100, 100, 3\]/);
    assert.throws(() => detectFacesSsd(ssd, { width: 2, height: 2, channels: 1, data: new Uint8Array(4) }), /detectFacesSsd: expects an RGB image \(3 channels\), got 1/);
    assert.throws(() => detectFacesSsd(ssd, { width: 2, height: 2, channels: 3, data: new Uint8Array(12) }, { minConfidence: 1.5 }), /minConfidence must be a number in \[0, 1\), got 1.5/);
  });
});
