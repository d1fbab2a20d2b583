// Seeded inputs and weights for a case, in ConvKit's layouts (NHWC activations, [kH, kW, inC/groups, outC]
// filters, [in, out] dense weights). Every adapter converts from these, so all libraries compute the same
// function and their outputs can be compared.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator, manualSeed } from '../src/index.js';
import type { RawImage } from '../src/data/image.js';
import { concatBytes, type TfjsWeightsManifest } from '../src/io/importers/tfjs-weights.js';
import { faceApiModelDir, readRawImage } from '../src/node/index.js';
import { TINY_FACE_DETECTOR_MODEL } from '../src/detect/index.js';
import { resnet18 } from '../src/models/resnet.js';
import { type BenchCase, type ConvLayerSpec, type StepOptimizer, type Workload } from './cases.js';

export interface ArrayWithShape {
  data: Float32Array;
  shape: number[];
}

export interface ConvLayerData {
  spec: ConvLayerSpec;
  weight: ArrayWithShape;
  bias: Float32Array;
}

export type CaseData =
  | { kind: 'conv'; input: ArrayWithShape; layers: ConvLayerData[] }
  | { kind: 'maxPool'; input: ArrayWithShape; window: number }
  | { kind: 'trainLenet'; images: ArrayWithShape; labels: Int32Array }
  | { kind: 'resnet18'; input: ArrayWithShape; state: Record<string, ArrayWithShape> }
  /** Each library initialises its own weights (a step's time does not depend on their values). */
  | { kind: 'trainModel'; model: 'resnet18' | 'mobilenetV2'; images: ArrayWithShape; labels: Int32Array; optimizer: StepOptimizer }
  | { kind: 'sgemm'; a: ArrayWithShape; b: ArrayWithShape }
  /** The photo decoded once (every library gets the same pixels) and face-api's weight files as bytes. */
  | { kind: 'faceDetect'; photo: RawImage; size: number; manifest: TfjsWeightsManifest; weights: Uint8Array };

const SEED = 20261123;

function filled(shape: number[], draw: () => number): ArrayWithShape {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = draw();
  return { data, shape };
}

const normal = (g: Generator, shape: number[], std = 1) => filled(shape, () => std * g.normal());

function convData(g: Generator, w: Extract<Workload, { kind: 'conv' }>): CaseData {
  let channels = w.channels;
  const layers = w.layers.map((spec) => {
    const [inPerGroup, outChannels] = spec.depthwise ? [1, channels] : [channels, spec.outChannels];
    const fanIn = spec.kernel * spec.kernel * inPerGroup;
    const weight = normal(g, [spec.kernel, spec.kernel, inPerGroup, outChannels], Math.sqrt(2 / fanIn));
    const bias = normal(g, [outChannels], 0.1).data;
    channels = outChannels;
    return { spec, weight, bias };
  });
  return { kind: 'conv', input: normal(g, [w.batch, w.height, w.width, w.channels]), layers };
}

/**
 * ResNet-18 weights from ConvKit's own initialisation, with batch-norm statistics and affine terms drawn
 * away from the identity so that the cross-library check exercises them.
 */
function resnetData(g: Generator, w: Extract<Workload, { kind: 'resnet18' }>): CaseData {
  manualSeed(SEED);
  const model = resnet18().stateDict();
  const state: Record<string, ArrayWithShape> = {};
  for (const [name, t] of Object.entries(model)) {
    const data = Float32Array.from(t.data as Float32Array);
    const layer = name.slice(0, name.lastIndexOf('.'));
    const leaf = name.slice(layer.length + 1);
    if (`${layer}.runningMean` in model) {
      const draw = leaf === 'runningVar' || leaf === 'weight' ? () => g.uniform(0.5, 1.5) : () => 0.1 * g.normal();
      data.forEach((_, i) => (data[i] = draw()));
    }
    state[name] = { data, shape: [...t.shape] };
  }
  return { kind: 'resnet18', input: normal(g, [w.batch, w.size, w.size, 3]), state };
}

/** @vladmandic/face-api's demo photo and its tiny_face_detector weight files. */
async function faceDetectData(w: Extract<Workload, { kind: 'faceDetect' }>): Promise<CaseData> {
  const modelDir = faceApiModelDir();
  const photo = await readRawImage(join(modelDir, '..', 'demo', w.photo), { channels: 3 });
  const manifest = JSON.parse(await readFile(join(modelDir, `${TINY_FACE_DETECTOR_MODEL}-weights_manifest.json`), 'utf8')) as TfjsWeightsManifest;
  const shards = await Promise.all(manifest.flatMap((group) => group.paths).map((path) => readFile(join(modelDir, path))));
  const weights = concatBytes(shards.map((b) => new Uint8Array(b)));
  return { kind: 'faceDetect', photo, size: w.size, manifest, weights };
}

export async function makeCaseData(c: BenchCase): Promise<CaseData> {
  const g = new Generator(SEED);
  const w = c.workload;
  switch (w.kind) {
    case 'conv':
      return convData(g, w);
    case 'maxPool':
      return { kind: 'maxPool', input: normal(g, [w.batch, w.height, w.width, w.channels]), window: w.window };
    case 'trainLenet':
      return {
        kind: 'trainLenet',
        images: filled([w.batch, 28, 28, 1], () => g.random()),
        labels: Int32Array.from({ length: w.batch }, () => g.randint(10)),
      };
    case 'resnet18':
      return resnetData(g, w);
    case 'trainModel':
      return {
        kind: 'trainModel',
        model: w.model,
        images: normal(g, [w.batch, w.size, w.size, 3]),
        labels: Int32Array.from({ length: w.batch }, () => g.randint(10)),
        optimizer: w.optimizer,
      };
    case 'sgemm':
      return { kind: 'sgemm', a: normal(g, [w.n, w.n]), b: normal(g, [w.n, w.n]) };
    case 'faceDetect':
      return faceDetectData(w);
  }
}
