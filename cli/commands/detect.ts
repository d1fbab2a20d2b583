// convkit detect ...: object detection (issue 11). This file only assembles the subcommands, one file each.
import { Command } from 'commander';
import { detectTrainCommand } from './detect-train.js';
import { detectValCommand } from './detect-val.js';
import { detectMakeDatasetCommand } from './detect-make-dataset.js';
import { detectAnchorsCommand } from './detect-anchors.js';
import { detectPredictCommand } from './detect-predict.js';

export function detectCommand(): Command {
  const detect = new Command('detect').description('object detection: make a dataset, fit anchors, train a YOLO detector, measure its mAP');
  for (const sub of [detectMakeDatasetCommand(), detectAnchorsCommand(), detectTrainCommand(), detectValCommand(), detectPredictCommand()]) detect.addCommand(sub);
  return detect;
}
