// From photo bytes to the face database: decode (refusing non-images and decompression bombs before any
// pixel is decoded), find and describe the faces, and enrol or identify. The describer is passed in, so
// the same code serves the real detector + descriptor networks and the tests' synthetic faces.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { RawImage } from '../data/image.js';
import type { FaceBox, FaceStore, PersonRecord } from '../face/face-store.js';
import type { FaceGallery } from '../face/gallery.js';
import { describeFaces, type DescribeFacesOptions, type DescribedFace, type FaceModels } from '../face/describe-faces.js';
import { matchFaces, type MatchOptions } from '../face/identify.js';
import { decodeImage } from './image-io.js';

/** What the pipeline needs of a face: where it is, how sure the detector is, and its descriptor. */
export type PhotoFace = Pick<DescribedFace, 'box' | 'score' | 'descriptor'>;

/** Finds and describes every face in an RGB image. */
export type FaceDescriber = (image: RawImage) => Promise<PhotoFace[]>;

/** The real describer: face-api's detector, landmarks and dlib's descriptor (loadFaceModels). */
export function faceDescriber(models: FaceModels, options: DescribeFacesOptions = {}): FaceDescriber {
  return (image) => describeFaces(image, models, options);
}

export type FacePhotoProblem = 'not-an-image' | 'too-many-pixels' | 'no-face' | 'several-faces' | 'no-such-face';

/** A photo the pipeline cannot use, with why (the HTTP service maps `problem` to a status code). */
export class FacePhotoError extends Error {
  constructor(readonly problem: FacePhotoProblem, message: string) {
    super(message);
    this.name = 'FacePhotoError';
  }
}

/** 50 megapixels: larger than any phone photo, far below what would exhaust memory when decoded. */
export const DEFAULT_MAX_PIXELS = 50_000_000;
const THUMBNAIL_SIZE = 96;

export interface PhotoOptions {
  /** Refuse images with more pixels than this, from their header alone (default 50 megapixels). */
  maxPixels?: number;
}

/** The photo's RGB pixels; FacePhotoError 'not-an-image' or 'too-many-pixels' without decoding a bomb. */
export async function decodePhoto(bytes: Uint8Array, options: PhotoOptions = {}): Promise<RawImage> {
  const { maxPixels = DEFAULT_MAX_PIXELS } = options;
  let width: number | undefined;
  let height: number | undefined;
  try {
    // Header only: sharp's own pixel limit is turned off here so that the check below gives the reason.
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch (error) {
    throw new FacePhotoError('not-an-image', `the upload is not an image (PNG, JPEG, WebP, GIF, TIFF or AVIF): ${(error as Error).message}`);
  }
  if (!width || !height) throw new FacePhotoError('not-an-image', 'the upload is an image without a width and height');
  if (width * height > maxPixels) throw new FacePhotoError('too-many-pixels', `the image is ${width}x${height} = ${width * height} pixels, over the limit of ${maxPixels}`);
  try {
    return await decodeImage(bytes, { channels: 3 }, 'the upload');
  } catch (error) {
    throw new FacePhotoError('not-an-image', (error as Error).message.replace(/^decodeImage: /, ''));
  }
}

export interface PickOptions extends PhotoOptions {
  /** Which face to take when the photo holds several (an index into the faces, left to right as found). */
  face?: number;
}

/** The one face to enrol: exactly one found, or the one the caller picked. */
export async function onlyFace(describe: FaceDescriber, image: RawImage, options: PickOptions = {}): Promise<PhotoFace> {
  const faces = await describe(image);
  if (options.face !== undefined) {
    if (!Number.isInteger(options.face) || options.face < 0 || options.face >= faces.length) {
      throw new FacePhotoError('no-such-face', `face ${options.face} was picked, but the photo holds ${faces.length} face${faces.length === 1 ? '' : 's'} (pick 0..${faces.length - 1})`);
    }
    return faces[options.face];
  }
  if (faces.length === 0) throw new FacePhotoError('no-face', 'no face was found in the photo');
  if (faces.length > 1) throw new FacePhotoError('several-faces', `the photo holds ${faces.length} faces; enrol from a photo of one person, or pick one (face 0..${faces.length - 1})`);
  return faces[0];
}

/** Enrols a new person from one photo. */
export async function enrollPhoto(store: FaceStore, describe: FaceDescriber, name: string, bytes: Uint8Array, options: PickOptions = {}): Promise<PersonRecord> {
  const image = await decodePhoto(bytes, options);
  return store.enroll(name, [await storedFace(image, bytes, await onlyFace(describe, image, options))]);
}

/** Adds one photo to an enrolled person. */
export async function addPhoto(store: FaceStore, describe: FaceDescriber, personId: string, bytes: Uint8Array, options: PickOptions = {}): Promise<PersonRecord> {
  const image = await decodePhoto(bytes, options);
  return store.addFaces(personId, [await storedFace(image, bytes, await onlyFace(describe, image, options))]);
}

export interface IdentifyPhotoOptions extends PhotoOptions, MatchOptions {}

/** Every face in the photo with its k nearest enrolled people and its match (null: unknown). */
export async function identifyPhoto(gallery: FaceGallery, describe: FaceDescriber, bytes: Uint8Array, options: IdentifyPhotoOptions = {}) {
  const { maxPixels, ...match } = options;
  const faces = await describe(await decodePhoto(bytes, { maxPixels }));
  return (await matchFaces(faces, gallery, match)).map(({ box, score, match, candidates }) => ({ box, score, match, candidates }));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function storedFace(image: RawImage, bytes: Uint8Array, face: PhotoFace) {
  return { descriptor: face.descriptor, box: face.box, imageSha256: sha256Hex(bytes), thumbnail: await thumbnailOf(image, face.box) };
}

/** A 96-pixel JPEG of the face box, clamped to the image. */
async function thumbnailOf(image: RawImage, box: FaceBox): Promise<Uint8Array> {
  const left = Math.max(0, Math.min(image.width - 1, Math.floor(box[0])));
  const top = Math.max(0, Math.min(image.height - 1, Math.floor(box[1])));
  const width = Math.max(1, Math.min(image.width - left, Math.ceil(box[2]) - left));
  const height = Math.max(1, Math.min(image.height - top, Math.ceil(box[3]) - top));
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 3 } })
    .extract({ left, top, width, height })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside' })
    .jpeg({ quality: 80 })
    .toBuffer();
  return new Uint8Array(jpeg);
}
