// convkit faces calibrate pairs.csv --far 0.001 [--plot roc.png] [--json]: the ROC curve, the equal error
// rate and the threshold that keeps false accepts at or below --far, from labelled pairs; --save FILE and
// --db F keep it (with its confidence fit) for identify and verify.
import { Command, InvalidArgumentError } from 'commander';
import { calibrateThreshold, calibrationRecord, rocChart, type DescriptorMetric } from 'convkit/face';
import { faceDescriber, loadFaceModels, openSqliteFaceStore, readLabelledPairs, saveCalibration, writeChart } from 'convkit/node';

interface CalibrateOptions {
  far: number;
  metric: DescriptorMetric;
  plot?: string;
  save?: string;
  db?: string;
  json?: boolean;
}

export function facesCalibrateCommand(): Command {
  return new Command('calibrate')
    .description('choose the verification threshold from labelled pairs: ROC curve, equal error rate, threshold at a false-accept rate')
    .argument('<pairs.csv>', 'header distance,same (distances given) or image_a,image_b,same (photos of one face each, paths relative to the CSV)')
    .option('--far <rate>', 'the false-accept rate to stay within', rate, 0.001)
    .option('--metric <name>', 'euclidean | cosine, for distances computed from photos', metricName, 'euclidean')
    .option('--plot <file>', 'write the ROC curve (.png or .svg)')
    .option('--save <file>', 'write the calibration (JSON) for identify/verify --calibration')
    .option('--db <file>', 'keep the calibration with this face database: identify then gives confidences')
    .option('--json', 'print {"pairs","samePairs","differentPairs","auc","eer","eerThreshold","far","threshold","tar","confidence":{"slope","intercept"}}')
    .action(async (csv: string, options: CalibrateOptions) => {
      const pairs = await readLabelledPairs(csv, { metric: options.metric, describe: async () => faceDescriber(await loadFaceModels()) });
      const c = calibrateThreshold(pairs, options.far);
      if (options.plot) await writeChart(options.plot, rocChart(c));
      const record = calibrationRecord(c, options.metric);
      if (options.save) await saveCalibration(options.save, record);
      if (options.db) {
        const store = await openSqliteFaceStore(options.db);
        await store.setCalibration(record).finally(() => store.close());
      }
      const resolvable = c.differentPairs * options.far >= 1;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ pairs: pairs.length, samePairs: c.samePairs, differentPairs: c.differentPairs, auc: c.auc, eer: c.eer, eerThreshold: c.eerThreshold, far: c.far, threshold: c.threshold, tar: c.tar, confidence: c.confidence })}\n`);
        return;
      }
      process.stdout.write(`${pairs.length} pairs (${c.samePairs} same, ${c.differentPairs} different); AUC ${c.auc.toFixed(4)}\n`);
      process.stdout.write(`equal error rate ${(c.eer * 100).toFixed(2)}% at distance ${c.eerThreshold.toFixed(4)}\n`);
      process.stdout.write(`FAR <= ${options.far}: threshold ${c.threshold.toFixed(4)} (FAR ${c.far.toFixed(5)}, TAR ${(c.tar * 100).toFixed(2)}%)\n`);
      process.stdout.write(`confidence P(same | d) = 1 / (1 + exp(-(${c.confidence.slope.toFixed(4)} d + ${c.confidence.intercept.toFixed(4)}))) (Platt scaling, equal prior odds)\n`);
      if (!resolvable) process.stdout.write(`note: ${c.differentPairs} different-person pairs cannot resolve a FAR of ${options.far} (that needs at least ${Math.ceil(1 / options.far)})\n`);
    });
}

function rate(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x <= 1)) throw new InvalidArgumentError('Expected a rate from 0 to 1, e.g. 0.001.');
  return x;
}

function metricName(value: string): DescriptorMetric {
  if (value !== 'euclidean' && value !== 'cosine') throw new InvalidArgumentError('Expected euclidean or cosine.');
  return value;
}
