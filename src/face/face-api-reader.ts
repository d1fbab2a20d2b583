// Where the core finds face-api's pretrained weights when the caller passes no model (detectFaces' default
// detector). The core cannot read files, so a reader is registered: convkit/node registers its
// loadFaceApiWeights (the installed package's model/ folder), and a page can register
// faceApiWeightsFromUrl(...) for wherever it serves that folder.
import { concatBytes, decodeTfjsWeights, weightSpecsOf, type NamedTensors, type TfjsWeightsManifest } from '../io/importers/tfjs-weights.js';

/** Reads one model ('tiny_face_detector_model', 'face_landmark_68_model', ...) as named tensors. */
export type FaceApiWeightsReader = (model: string) => Promise<NamedTensors>;

let registered: FaceApiWeightsReader | null = null;

/** Set (or, with null, clear) the reader that readFaceApiModel uses. */
export function setFaceApiWeightsReader(reader: FaceApiWeightsReader | null): void {
  registered = reader;
}

export function getFaceApiWeightsReader(): FaceApiWeightsReader | null {
  return registered;
}

/** A reader that fetches `${baseUrl}/${model}-weights_manifest.json` and its shards (a browser, a server). */
export function faceApiWeightsFromUrl(baseUrl: string): FaceApiWeightsReader {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async (url: string, caller: string): Promise<Response> => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${caller}: GET ${url} answered ${response.status} ${response.statusText}`);
    return response;
  };
  return async (model) => {
    const caller = `faceApiWeightsFromUrl('${base}')('${model}')`;
    const manifest = (await (await get(`${base}/${model}-weights_manifest.json`, caller)).json()) as TfjsWeightsManifest;
    const specs = weightSpecsOf(manifest, caller);
    const shards: Uint8Array[] = [];
    for (const group of manifest) for (const path of group.paths) shards.push(new Uint8Array(await (await get(`${base}/${path}`, caller)).arrayBuffer()));
    return decodeTfjsWeights(specs, concatBytes(shards), caller);
  };
}

/** One of face-api's models through the registered reader. */
export async function readFaceApiModel(model: string): Promise<NamedTensors> {
  if (!registered) {
    throw new Error(
      `readFaceApiModel('${model}'): no reader for face-api's weights is registered. In Node, import 'convkit/node' ` +
        `(it reads node_modules/@vladmandic/face-api/model/); in a page, call setFaceApiWeightsReader(faceApiWeightsFromUrl('<url of model/>'))`,
    );
  }
  return registered(model);
}
