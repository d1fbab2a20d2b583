// convkit faces identify --db F IMAGE [--out annotated.png] [--json]: every face in the photo with the
// nearest enrolled person, or unknown; with a calibration (the database's or --calibration FILE) each match
// has a confidence.
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_THRESHOLDS, type DescriptorMetric, type GalleryMatchBy } from 'convkit/face';
import { annotateFaces, atomicWriteFile, faceDescriber, identifyPhoto, loadCalibration, loadFaceModels, openSqliteFaceStore } from 'convkit/node';
import { positiveNumber } from '../options.js';

interface IdentifyOptions {
  db: string;
  threshold?: number;
  metric: DescriptorMetric;
  by: GalleryMatchBy;
  out?: string;
  calibration?: string;
  json?: boolean;
}

export function facesIdentifyCommand(): Command {
  return new Command('identify')
    .description('who is in this photo? each face with its nearest enrolled person, or unknown')
    .argument('<image>', 'a photo')
    .requiredOption('--db <file>', 'the face database')
    .option('--threshold <d>', `farther than this is unknown (default ${DEFAULT_THRESHOLDS.euclidean} Euclidean, ${DEFAULT_THRESHOLDS.cosine} cosine)`, positiveNumber)
    .option('--metric <name>', 'euclidean | cosine', choice(['euclidean', 'cosine']), 'euclidean')
    .option('--by <rule>', "nearest-photo | mean: a person's distance is to their closest photo or to their mean", choice(['nearest-photo', 'mean']), 'nearest-photo')
    .option('--out <file>', 'write the photo with boxes and names (PNG)')
    .option('--calibration <file>', 'confidences from this calibration (faces calibrate --save) instead of the database\'s')
    .option('--json', 'print {"faces":[{"box":[x1,y1,x2,y2],"match":{"id","name","distance","confidence"?}|null}]} (confidence with a calibration)')
    .action(async (image: string, options: IdentifyOptions) => {
      const bytes = await readFile(image).catch((error: Error) => Promise.reject(new Error(`cannot read '${image}': ${error.message}`)));
      const store = await openSqliteFaceStore(options.db);
      try {
        const calibration = options.calibration ? await loadCalibration(options.calibration) : await store.calibration();
        const describe = faceDescriber(await loadFaceModels());
        const faces = await identifyPhoto(store, describe, bytes, { threshold: options.threshold, metric: options.metric, by: options.by, calibration })
          .catch((error: Error) => Promise.reject(new Error(`'${image}': ${error.message}`)));
        const rounded = faces.map(({ box, match }) => ({ box: box.map((v) => Math.round(v * 10) / 10), match: match && { id: match.id, name: match.name, distance: match.distance, ...(match.confidence !== undefined && { confidence: match.confidence }) } }));
        if (options.out) {
          const labels = faces.map(({ box, match }) => ({ box, known: match !== null, label: match ? `${match.name} ${match.distance.toFixed(2)}` : 'unknown' }));
          await atomicWriteFile(options.out, await annotateFaces(bytes, labels));
        }
        if (options.json) process.stdout.write(`${JSON.stringify({ faces: rounded })}\n`);
        else if (faces.length === 0) process.stdout.write('no face found\n');
        else for (const { box, match } of rounded) process.stdout.write(`[${box.join(', ')}] ${match ? `${match.name} (id ${match.id}, distance ${match.distance.toFixed(3)}${match.confidence !== undefined ? `, confidence ${match.confidence.toFixed(3)}` : ''})` : 'unknown'}\n`);
      } finally {
        await store.close();
      }
    });
}

function choice<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!values.includes(value as T)) throw new InvalidArgumentError(`Expected ${values.join(' or ')}.`);
    return value as T;
  };
}
