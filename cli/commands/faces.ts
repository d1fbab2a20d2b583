// convkit faces ...: face recognition with a database of enrolled people (issue 12). This file only
// assembles the subcommands, one file each.
import { Command } from 'commander';
import { facesEnrollCommand } from './faces-enroll.js';
import { facesIdentifyCommand } from './faces-identify.js';
import { facesListCommand } from './faces-list.js';
import { facesRemoveCommand } from './faces-remove.js';
import { facesServeCommand } from './faces-serve.js';
import { facesCalibrateCommand } from './faces-calibrate.js';
import { facesVerifyCommand } from './faces-verify.js';

export function facesCommand(): Command {
  const faces = new Command('faces').description('face recognition: enrol people from one photo, identify, serve over HTTP, calibrate the threshold');
  for (const sub of [facesEnrollCommand(), facesIdentifyCommand(), facesListCommand(), facesRemoveCommand(), facesServeCommand(), facesCalibrateCommand(), facesVerifyCommand()]) {
    faces.addCommand(sub);
  }
  return faces;
}
