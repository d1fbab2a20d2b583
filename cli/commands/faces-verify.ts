// convkit faces verify IMAGE_A IMAGE_B [--json]: are these two photos of the same person? (1:1)
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_THRESHOLDS, verify, type DescriptorMetric } from 'convkit/face';
import { decodePhoto, faceDescriber, loadCalibration, loadFaceModels, onlyFace } from 'convkit/node';
import { positiveNumber } from '../options.js';

interface VerifyOptions {
  threshold?: number;
  metric: DescriptorMetric;
  faceA?: number;
  faceB?: number;
  calibration?: string;
  json?: boolean;
}

function faceIndex(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('Expected a face index 0, 1, ...');
  return n;
}

function metric(value: string): DescriptorMetric {
  if (value !== 'euclidean' && value !== 'cosine') throw new InvalidArgumentError('Expected euclidean or cosine.');
  return value;
}

export function facesVerifyCommand(): Command {
  return new Command('verify')
    .description('are two photos of the same person? the distance of their faces\' descriptors against a threshold')
    .argument('<imageA>', 'a photo of one person')
    .argument('<imageB>', 'another photo')
    .option('--threshold <d>', `at or below this is the same person (default ${DEFAULT_THRESHOLDS.euclidean} Euclidean, ${DEFAULT_THRESHOLDS.cosine} cosine)`, positiveNumber)
    .option('--metric <name>', 'euclidean | cosine', metric, 'euclidean')
    .option('--face-a <i>', 'the face to use when image A holds several', faceIndex)
    .option('--face-b <i>', 'the face to use when image B holds several', faceIndex)
    .option('--calibration <file>', 'add the confidence P(same | distance) from this calibration (faces calibrate --save)')
    .option('--json', 'print {"distance","threshold","same","confidence"?} (confidence with --calibration)')
    .action(async (imageA: string, imageB: string, options: VerifyOptions) => {
      const calibration = options.calibration ? await loadCalibration(options.calibration) : undefined;
      const describe = faceDescriber(await loadFaceModels());
      const faceOf = async (path: string, face: number | undefined) => {
        const bytes = await readFile(path).catch((error: Error) => Promise.reject(new Error(`cannot read '${path}': ${error.message}`)));
        const image = await decodePhoto(bytes).catch((error: Error) => Promise.reject(new Error(`'${path}': ${error.message}`)));
        return onlyFace(describe, image, { face }).catch((error: Error) => Promise.reject(new Error(`'${path}': ${error.message}`)));
      };
      const a = await faceOf(imageA, options.faceA);
      const b = await faceOf(imageB, options.faceB);
      const result = verify(a.descriptor, b.descriptor, { metric: options.metric, threshold: options.threshold, calibration });
      const { distance, threshold, same, confidence } = result;
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${same ? 'same person' : 'different people'}: distance ${distance.toFixed(3)} (${options.metric}, threshold ${threshold}${confidence !== undefined ? `, confidence ${confidence.toFixed(3)}` : ''})\n`);
    });
}
