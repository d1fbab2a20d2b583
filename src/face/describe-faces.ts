// The recognition pipeline: detect the faces, find each face's 68 landmarks, cut the aligned 150 x 150 chip,
// and describe it with dlib's 128-d ResNet. The nets run batched (all faces of an image in one pass).
import type { RawImage } from '../data/image.js';
import { checkRawImage } from '../data/image.js';
import { noGrad } from '../autograd/grad-mode.js';
import { stack } from '../ops/movement.js';
import { ready } from '../backend/wasm/runtime-loader.js';
import type { FaceLandmark68Net } from './landmark-net.js';
import { LANDMARK_INPUT_SIZE } from './landmark-net.js';
import type { FaceRecognitionNet } from './recognition-net.js';
import { DESCRIPTOR_INPUT_SIZE } from './recognition-net.js';
import type { SsdMobilenetV1 } from './ssd-mobilenet.js';
import { detectFacesSsd, type DetectFacesSsdOptions, type DetectedFace } from './detect-faces-ssd.js';
import { clipToImage, cropToImage, squareCrop } from './face-crop.js';
import { alignedBox, faceChip, type Point } from './face-chip.js';

/** The nets describeFaces runs (loadFaceModels() in convkit/node reads face-api's). */
export interface FaceModels {
  detector: SsdMobilenetV1;
  landmarks: FaceLandmark68Net;
  descriptor: FaceRecognitionNet;
}

/** 'dlib' (default): the similarity-aligned chip (dlib's get_face_chip); 'box': face-api's upright box crop. */
export type FaceAlignment = 'dlib' | 'box';
export const FACE_ALIGNMENTS: readonly FaceAlignment[] = ['dlib', 'box'];

export interface DescribeFacesOptions extends DetectFacesSsdOptions {
  alignment?: FaceAlignment;
  /** Faces to describe instead of running the detector (another detector's boxes, a face the caller picked). */
  faces?: readonly DetectedFace[];
}

export interface DescribedFace {
  /** [x1, y1, x2, y2] in the image's pixels. */
  box: [number, number, number, number];
  score: number;
  /** 68 (x, y) points in the image's pixels, in iBUG 300-W order (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67). */
  landmarks: Array<[number, number]>;
  descriptor: Float32Array;
}

/** The 68 landmarks of each face, in image pixels. */
export function faceLandmarks(model: FaceLandmark68Net, image: RawImage, boxes: ReadonlyArray<readonly [number, number, number, number]>): Array<Array<[number, number]>> {
  const crops = boxes.map((box) => {
    const rect = clipToImage(box, image.width, image.height);
    if (!rect) throw new Error(`faceLandmarks: box [${box.join(', ')}] is outside the ${image.width}x${image.height} image`);
    return squareCrop(image, rect, LANDMARK_INPUT_SIZE, 'centre');
  });
  if (crops.length === 0) return [];
  const out = noGrad(() => model.forward(stack(crops.map((c) => c.pixels)))).data;
  return crops.map((crop, f) => Array.from({ length: 68 }, (_, i) => cropToImage(crop, out[f * 136 + 2 * i], out[f * 136 + 2 * i + 1])));
}

/** The descriptor net's input for one face, aligned as asked. */
export function descriptorInput(image: RawImage, landmarks: readonly Point[], alignment: FaceAlignment = 'dlib') {
  if (alignment === 'dlib') return faceChip(image, landmarks, { size: DESCRIPTOR_INPUT_SIZE });
  const box = alignedBox(landmarks);
  const rect = clipToImage([box.x, box.y, box.x + box.width, box.y + box.height], image.width, image.height);
  if (!rect) throw new Error(`descriptorInput: the face's aligned box ${JSON.stringify(box)} is outside the ${image.width}x${image.height} image`);
  return squareCrop(image, rect, DESCRIPTOR_INPUT_SIZE, 'centre').pixels;
}

/** Every face in `image` (RGB) with its box, score, landmarks and 128-d descriptor, best score first. */
export async function describeFaces(image: RawImage, models: FaceModels, options: DescribeFacesOptions = {}): Promise<DescribedFace[]> {
  const { alignment = 'dlib', faces: given, ...detectOptions } = options;
  checkRawImage(image, 'describeFaces');
  if (image.channels !== 3) throw new Error(`describeFaces: expects an RGB image (3 channels), got ${image.channels} (decode with { channels: 3 })`);
  if (!FACE_ALIGNMENTS.includes(alignment)) throw new Error(`describeFaces: alignment must be ${FACE_ALIGNMENTS.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(alignment)}`);
  await ready(); // the SIMD kernels, rather than the reference loops while they compile
  const faces = given ? [...given] : detectFacesSsd(models.detector, image, detectOptions);
  if (faces.length === 0) return [];
  const landmarks = faceLandmarks(models.landmarks, image, faces.map((f) => f.box));
  const inputs = landmarks.map((points) => descriptorInput(image, points, alignment));
  const descriptors = noGrad(() => models.descriptor.forward(stack(inputs))).data;
  return faces.map((face, i) => ({
    box: face.box,
    score: face.score,
    landmarks: landmarks[i],
    descriptor: Float32Array.from(descriptors.subarray(i * 128, (i + 1) * 128)),
  }));
}
