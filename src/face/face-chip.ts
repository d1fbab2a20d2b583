// The two ways to cut the descriptor's 150 x 150 input from a face's 68 landmarks.
// - faceChip: dlib's get_face_chip_details + extract_image_chip. A similarity transform (rotation, scale,
//   translation; least squares, no reflection) takes dlib's mean face shape (landmarks 27-54 and 60-64: nose,
//   eyes, outer mouth; eyebrows, jaw and lower lip left out), padded by `padding` of the face on each side,
//   onto the landmarks; the chip samples the image through it, bilinearly, at pixel centres on integer
//   coordinates (dlib's convention). Where one chip pixel spans several image pixels it averages an n x n
//   grid of samples (n = ceil(scale)), as dlib's pyramid does, so a large face does not alias.
// - alignedBox: face-api's box crop (FaceLandmarks.alignDlib): an upright square from the centres of the
//   eyes and the mouth, size = floor(mean eye-to-mouth distance / 0.45); no rotation.
import type { RawImage } from '../data/image.js';
import { Tensor } from '../tensor/tensor.js';
import type { PixelRect } from './face-crop.js';

/** dlib's mean face shape for landmarks 17..67 (x then y, in [0, 1] of the face), from get_face_chip_details. */
const MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127,
  0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647,
  0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159,
  0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805,
  0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733,
  0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
  0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];

/** The landmarks dlib fits the chip to: 27..67 without the lower lip (55-59, 65-67). */
const CHIP_LANDMARKS = Array.from({ length: 41 }, (_, i) => 27 + i).filter((i) => !(i >= 55 && i <= 59) && !(i >= 65 && i <= 67));

export type Point = readonly [number, number];

/** image = [a -b; b a] chip + [tx, ty]: where chip pixel (x, y) lies in the image. */
export interface SimilarityTransform {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export interface FaceChipOptions {
  /** The chip's side in pixels (default 150, the descriptor's input). */
  size?: number;
  /** Border around the mean face, as a fraction of its size on each side (default 0.25, dlib's face-recognition example). */
  padding?: number;
}

function checkLandmarks(landmarks: readonly Point[], fn: string): void {
  if (!Array.isArray(landmarks) || landmarks.length !== 68 || landmarks.some((p) => !Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite))) {
    throw new Error(`${fn}: expects 68 landmarks as [x, y] pairs of finite numbers, got ${Array.isArray(landmarks) ? `${landmarks.length} entries` : typeof landmarks}`);
  }
}

/** The least-squares similarity transform taking `from[i]` to `to[i]` (Umeyama's, which in 2-D has this closed form). */
export function similarityTransform(from: readonly Point[], to: readonly Point[]): SimilarityTransform {
  const n = from.length;
  const mean = (ps: readonly Point[], k: 0 | 1): number => ps.reduce((s, p) => s + p[k], 0) / n;
  const [fx, fy, tx, ty] = [mean(from, 0), mean(from, 1), mean(to, 0), mean(to, 1)];
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const [ux, uy] = [from[i][0] - fx, from[i][1] - fy];
    const [vx, vy] = [to[i][0] - tx, to[i][1] - ty];
    dot += ux * vx + uy * vy;
    cross += ux * vy - uy * vx;
    norm += ux * ux + uy * uy;
  }
  if (norm === 0) throw new Error('similarityTransform: the source points all coincide');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

/** The landmarks dlib's chip is fitted to (27-54, 60-64) and where they go in the chip, in pixels. */
export function faceChipTemplate(options: FaceChipOptions = {}): { indices: number[]; points: Point[] } {
  const { size = 150, padding = 0.25 } = options;
  if (!(Number.isInteger(size) && size > 0)) throw new Error(`faceChip: size must be a positive integer, got ${size}`);
  if (!(padding >= 0 && Number.isFinite(padding))) throw new Error(`faceChip: padding must be a finite number >= 0, got ${padding}`);
  const at = (mean: number): number => ((padding + mean) / (2 * padding + 1)) * size;
  return { indices: [...CHIP_LANDMARKS], points: CHIP_LANDMARKS.map((i): Point => [at(MEAN_FACE_X[i - 17]), at(MEAN_FACE_Y[i - 17])]) };
}

/** dlib's chip transform for these landmarks (get_face_chip_details with 68 points): chip pixels to image pixels. */
export function faceChipTransform(landmarks: readonly Point[], options: FaceChipOptions = {}): SimilarityTransform {
  checkLandmarks(landmarks, 'faceChipTransform');
  const { indices, points } = faceChipTemplate(options);
  return similarityTransform(points, indices.map((i) => landmarks[i]));
}

/** The aligned chip: RGB 0..255 [size, size, 3] (float32), zero where it reaches outside the image. */
export function faceChip(image: RawImage, landmarks: readonly Point[], options: FaceChipOptions = {}): Tensor {
  if (image.channels !== 3) throw new Error(`faceChip: expects an RGB image (3 channels), got ${image.channels}`);
  const size = options.size ?? 150;
  const { a, b, tx, ty } = faceChipTransform(landmarks, options);
  const { width, height, data } = image;
  const n = Math.max(1, Math.ceil(Math.hypot(a, b)));
  const out = new Float32Array(size * size * 3);
  const sample = new Float64Array(3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0];
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const cx = x + (i + 0.5) / n - 0.5;
          const cy = y + (j + 0.5) / n - 0.5;
          bilinear(data, width, height, a * cx - b * cy + tx, b * cx + a * cy + ty, sample);
          acc[0] += sample[0];
          acc[1] += sample[1];
          acc[2] += sample[2];
        }
      }
      for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = acc[c] / (n * n);
    }
  }
  return new Tensor(out, [size, size, 3]);
}

/** The RGB value at (x, y), pixel centres on integers, 0 outside the image. */
function bilinear(data: RawImage['data'], width: number, height: number, x: number, y: number, out: Float64Array): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  out.fill(0);
  for (const [dx, dy, w] of [[0, 0, (1 - fx) * (1 - fy)], [1, 0, fx * (1 - fy)], [0, 1, (1 - fx) * fy], [1, 1, fx * fy]] as const) {
    const px = x0 + dx;
    const py = y0 + dy;
    if (w === 0 || px < 0 || py < 0 || px >= width || py >= height) continue;
    const k = (py * width + px) * 3;
    out[0] += w * data[k];
    out[1] += w * data[k + 1];
    out[2] += w * data[k + 2];
  }
}

const centreOf = (points: readonly Point[]): Point => [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];

/** face-api's descriptor box (FaceLandmarks.alignDlib) as a whole-pixel rectangle; clip it with clipToImage. */
export function alignedBox(landmarks: readonly Point[]): PixelRect {
  checkLandmarks(landmarks, 'alignedBox');
  const leftEye = centreOf(landmarks.slice(36, 42));
  const rightEye = centreOf(landmarks.slice(42, 48));
  const mouth = centreOf(landmarks.slice(48, 68));
  const toMouth = (p: Point): number => Math.hypot(mouth[0] - p[0], mouth[1] - p[1]);
  const size = Math.floor((toMouth(leftEye) + toMouth(rightEye)) / 2 / 0.45);
  const [cx, cy] = centreOf([leftEye, rightEye, mouth]);
  return { x: Math.floor(Math.max(0, cx - 0.5 * size)), y: Math.floor(Math.max(0, cy - 0.43 * size)), width: size, height: size };
}
