// Reading other tools' weight files in Node: TF.js weights manifests with their .bin shards, TF.js layers
// models (model.json), and the Keras MobileNetV2 that the nsfwjs package ships inside JavaScript bundles.
// The parsing and mapping are browser-safe, in src/io/importers/.
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { concatBytes, decodeTfjsWeights, weightSpecsOf, type NamedTensors, type TfjsWeightsManifest } from '../io/importers/tfjs-weights.js';
import { importKerasModel, type KerasModelArtifacts } from '../io/importers/keras-layers.js';
import type { KerasModel } from '../io/importers/keras-model.js';
import { readFileBytes } from './read-file-bytes.js';

async function readJson(path: string, caller: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readFileBytes(path, caller));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${caller}: '${path}' is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** The shards of every group, read relative to the manifest's folder and joined in order. */
async function readShards(manifest: TfjsWeightsManifest, folder: string, caller: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (const group of manifest) for (const path of group.paths) chunks.push(await readFileBytes(join(folder, path), caller));
  return concatBytes(chunks);
}

/** Read a TF.js weights manifest (`*-weights_manifest.json`) and its shards into named float32/int32 tensors. */
export async function loadTfjsWeights(manifestPath: string): Promise<NamedTensors> {
  const caller = `loadTfjsWeights('${manifestPath}')`;
  const manifest = (await readJson(manifestPath, caller)) as TfjsWeightsManifest;
  const specs = weightSpecsOf(manifest, caller);
  return decodeTfjsWeights(specs, await readShards(manifest, dirname(resolve(manifestPath)), caller), caller);
}

/** Read a TF.js layers model (model.json with modelTopology and weightsManifest, plus shards) as a ConvKit module. */
export async function loadKerasLayersModel(modelJsonPath: string): Promise<KerasModel> {
  const caller = `loadKerasLayersModel('${modelJsonPath}')`;
  const json = (await readJson(modelJsonPath, caller)) as { modelTopology?: unknown; weightsManifest?: TfjsWeightsManifest; format?: string };
  if (!json || typeof json !== 'object' || !json.modelTopology || !json.weightsManifest) {
    const what = json && typeof json === 'object' && json.format === 'graph-model' ? 'a TF.js graph model (format graph-model)' : 'not a layers model';
    throw new Error(`${caller}: the file is ${what}; a layers model.json has 'modelTopology' and 'weightsManifest'`);
  }
  weightSpecsOf(json.weightsManifest, caller); // checks the manifest's structure before any shard is read
  const weightData = await readShards(json.weightsManifest, dirname(resolve(modelJsonPath)), caller);
  return importKerasModel({ modelTopology: json.modelTopology, weightsManifest: json.weightsManifest, weightData }, { source: caller });
}

/**
 * The topology, manifest and weight bytes of nsfwjs's MobileNetV2 (a Keras 2.2.4 keras.applications
 * MobileNetV2 with a 256-128-5 head; layers up to block_10 keep their ImageNet weights). nsfwjs ships them
 * as UMD bundles: model.min.js exports { modelTopology, weightsManifest }, each shard bundle a base64 string.
 */
export function readNsfwjsMobileNetV2(): KerasModelArtifacts & { weightsManifest: TfjsWeightsManifest; weightData: Uint8Array } {
  return readNsfwjsModel('mobilenet_v2', 'readNsfwjsMobileNetV2');
}

/** nsfwjs's Keras InceptionV3 (ImageNet layers up to about mixed5, a fine-tuned top), bundled as the MobileNetV2 is. */
export function readNsfwjsInceptionV3(): KerasModelArtifacts & { weightsManifest: TfjsWeightsManifest; weightData: Uint8Array } {
  return readNsfwjsModel('inception_v3', 'readNsfwjsInceptionV3');
}

function readNsfwjsModel(name: 'mobilenet_v2' | 'inception_v3', caller: string): KerasModelArtifacts & { weightsManifest: TfjsWeightsManifest; weightData: Uint8Array } {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('nsfwjs');
  } catch (error) {
    throw new Error(`${caller}: the nsfwjs package is not installed (npm install --save-dev nsfwjs@4)`, { cause: error });
  }
  const folder = join(dirname(entry), '..', 'models', name);
  const model = require(join(folder, 'model.min.js')) as { modelTopology?: unknown; weightsManifest?: TfjsWeightsManifest };
  if (!model?.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new Error(`${caller}: ${join(folder, 'model.min.js')} does not export { modelTopology, weightsManifest }; nsfwjs 4.x is expected`);
  }
  const chunks = model.weightsManifest.flatMap((group) =>
    group.paths.map((path) => {
      const base64 = require(join(folder, `${path}.min.js`)) as unknown;
      if (typeof base64 !== 'string') throw new Error(`${caller}: ${join(folder, `${path}.min.js`)} does not export a base64 string`);
      const bytes = Buffer.from(base64, 'base64');
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }),
  );
  return { modelTopology: model.modelTopology, weightsManifest: model.weightsManifest, weightData: concatBytes(chunks) };
}

/** nsfwjs's Keras MobileNetV2 as a ConvKit module (eval mode, layers up to block_10 frozen as saved). */
export function loadNsfwjsMobileNetV2(): KerasModel {
  return importKerasModel(readNsfwjsMobileNetV2(), { source: 'loadNsfwjsMobileNetV2' });
}

/** nsfwjs's Keras InceptionV3 as a ConvKit module. */
export function loadNsfwjsInceptionV3(): KerasModel {
  return importKerasModel(readNsfwjsInceptionV3(), { source: 'loadNsfwjsInceptionV3' });
}
