// convkit faces enroll --db F --name NAME IMAGE [--face N] [--json]: a new person from one photo holding
// exactly one face (or the face picked with --face).
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { enrollPhoto, faceDescriber, loadFaceModels, openSqliteFaceStore } from 'convkit/node';
import { nonNegativeInteger } from '../options.js';

interface EnrollOptions {
  db: string;
  name: string;
  face?: number;
  json?: boolean;
}

export function facesEnrollCommand(): Command {
  return new Command('enroll')
    .description('enrol a person from one photo; nothing is retrained')
    .argument('<image>', 'a photo holding exactly one face (or pick one with --face)')
    .requiredOption('--db <file>', 'the face database (SQLite; made if missing)')
    .requiredOption('--name <name>', "the person's name")
    .option('--face <n>', 'which face to take from a photo of several (0 = the first found)', nonNegativeInteger)
    .option('--json', 'print {"id","name","faces"}')
    .action(async (image: string, options: EnrollOptions) => {
      const bytes = await readFile(image).catch((error: Error) => Promise.reject(new Error(`cannot read '${image}': ${error.message}`)));
      const store = await openSqliteFaceStore(options.db);
      try {
        const describe = faceDescriber(await loadFaceModels());
        const person = await enrollPhoto(store, describe, options.name, bytes, { face: options.face }).catch((error: Error) => Promise.reject(new Error(`'${image}': ${error.message}`)));
        process.stdout.write(options.json ? `${JSON.stringify({ id: person.id, name: person.name, faces: person.faces })}\n` : `enrolled ${person.name} as id ${person.id} (${person.faces} face${person.faces === 1 ? '' : 's'})\n`);
      } finally {
        await store.close();
      }
    });
}
