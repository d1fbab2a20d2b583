// face-api's pretrained weights, read from the installed @vladmandic/face-api package (its model/ folder:
// TF.js manifests with uint8-quantised shards, MIT). Nothing is fetched: the package is a dependency.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NamedTensors } from '../io/importers/tfjs-weights.js';
import { loadTfjsWeights } from './import-files.js';
import { SsdMobilenetV1 } from '../face/ssd-mobilenet.js';
import { FaceLandmark68Net } from '../face/landmark-net.js';
import { FaceRecognitionNet } from '../face/recognition-net.js';
import type { FaceModels } from '../face/describe-faces.js';
import { getFaceApiWeightsReader, setFaceApiWeightsReader } from '../face/face-api-reader.js';

/** The models in face-api's model/ folder that ConvKit can build. */
export const FACE_API_MODELS = ['ssd_mobilenetv1_model', 'face_landmark_68_model', 'face_landmark_68_tiny_model', 'face_recognition_model', 'tiny_face_detector_model'] as const;
export type FaceApiModelName = (typeof FACE_API_MODELS)[number];

/** The folder holding face-api's weight manifests and shards. */
export function faceApiModelDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
  } catch (error) {
    throw new Error(`faceApiModelDir: the package @vladmandic/face-api is not installed (npm install @vladmandic/face-api); its model/ folder holds the face models`, { cause: error });
  }
}

/** One model's weights, decoded to float32 tensors under face-api's names. */
export async function loadFaceApiWeights(model: FaceApiModelName): Promise<NamedTensors> {
  if (!FACE_API_MODELS.includes(model)) {
    throw new Error(`loadFaceApiWeights: unknown model ${JSON.stringify(model)}; face-api's models are ${FACE_API_MODELS.join(', ')}`);
  }
  return loadTfjsWeights(join(faceApiModelDir(), `${model}-weights_manifest.json`));
}

export interface LoadFaceModelsOptions {
  /** face_landmark_68_tiny_model (77 KB, a little less precise) instead of the full one (357 KB). */
  tinyLandmarks?: boolean;
}

/** The detector, landmark and descriptor nets describeFaces and identify run, with face-api's weights. */
export async function loadFaceModels(options: LoadFaceModelsOptions = {}): Promise<FaceModels> {
  const tiny = options.tinyLandmarks ?? false;
  const [ssd, landmarks, descriptor] = await Promise.all([
    loadFaceApiWeights('ssd_mobilenetv1_model'),
    loadFaceApiWeights(tiny ? 'face_landmark_68_tiny_model' : 'face_landmark_68_model'),
    loadFaceApiWeights('face_recognition_model'),
  ]);
  return {
    detector: SsdMobilenetV1.fromFaceApi(ssd),
    landmarks: FaceLandmark68Net.fromFaceApi(landmarks, { tiny }),
    descriptor: FaceRecognitionNet.fromFaceApi(descriptor),
  };
}

// The core's default models (detectFaces' tiny face detector) read the package through this loader.
if (!getFaceApiWeightsReader()) setFaceApiWeightsReader((model) => loadFaceApiWeights(model as FaceApiModelName));
